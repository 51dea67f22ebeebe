"""Every page carries a Content-Security-Policy that allows no inline script, and a Permissions-Policy;
no served template holds an inline script, handler or style that such a policy would block."""

import re
from pathlib import Path

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
# rendered by WeasyPrint into PDF files, never served to a browser
PRINTED = {"reports/report_pdf.html", "reports/report_pdf_consolidated.html", "reports/report_pdf_styles.html"}
INLINE = [
    (re.compile(r"\son[a-z]+\s*=", re.I), "an inline event handler"),
    (re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", re.I), "an inline script"),
    (re.compile(r"\sstyle\s*=", re.I), "an inline style attribute"),
    (re.compile(r"<style", re.I), "an inline style element"),
    (re.compile(r"javascript:", re.I), "a javascript: link"),
]


def test_pages_send_a_policy_without_inline_scripts(client, db):
    response = client.get("/dang-nhap/")
    policy = response["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy


def test_pages_send_a_permissions_policy(client, db):
    policy = client.get("/dang-nhap/")["Permissions-Policy"]
    assert "camera=()" in policy and "geolocation=()" in policy and "microphone=()" in policy


def test_no_served_template_has_inline_code():
    found = []
    templates = sorted(TEMPLATES.rglob("*.html"))
    assert len(templates) > 20
    for path in templates:
        name = path.relative_to(TEMPLATES).as_posix()
        if name in PRINTED:
            continue
        text = path.read_text(encoding="utf-8")
        for pattern, what in INLINE:
            for match in pattern.finditer(text):
                line = text.count("\n", 0, match.start()) + 1
                found.append(f"{name}:{line}: {what}")
    assert found == []
