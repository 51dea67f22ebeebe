"""axe-core (vendored under tests/browser/vendor, never served by the portal) run on the page a test has open.

The script is evaluated through the DevTools protocol rather than added as a <script> tag: the portal's
Content-Security-Policy refuses inline scripts, and the page fixture fails a test on any refusal.
"""

from pathlib import Path

AXE_VERSION = "4.14.1"
AXE_SCRIPT = Path(__file__).resolve().parent / "vendor" / f"axe-core-{AXE_VERSION}" / "axe.min.js"
BLOCKING = ("critical", "serious")

_RUN = """async () => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 5).map(n => n.target.join(" "))}));
}"""


def serious_violations(page):
    """The critical and serious axe-core violations of the page as it is now: [{id, impact, help, nodes}]."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE_SCRIPT.read_text(encoding="utf-8"))
    return [v for v in page.evaluate(_RUN) if v["impact"] in BLOCKING]


def describe(violations):
    """One line per violation, for an assertion message."""
    return "\n".join(f"{v['impact']} {v['id']}: {v['help']} — {', '.join(v['nodes'])}" for v in violations)
