"""A report's PDF reads nothing but its bundled fonts (reports.pdf.FontsOnly): no file of the server, no address."""

import subprocess

import pytest
from weasyprint import HTML

from reports.pdf import FontsOnly, font_faces


@pytest.mark.parametrize("url", ["file:///etc/passwd", "file:///etc/hostname?x=1", "http://127.0.0.1:9/x.css",
                                 "https://example.org/logo.png", "ftp://127.0.0.1/x"])
def test_anything_but_the_fonts_is_refused(url):
    with pytest.raises(ValueError):
        FontsOnly().fetch(url)


def test_the_fonts_and_data_urls_are_read():
    fetcher = FontsOnly()
    for face in font_faces():
        response = fetcher.fetch(face["url"])
        assert response.read(4) == b"\x00\x01\x00\x00"  # a TrueType file
        response.close()
    assert fetcher.fetch("data:text/plain;base64,QQ==").read() == b"A"


def test_a_pdf_with_markup_naming_a_servers_file_leaves_it_out_and_keeps_its_font(caplog, tmp_path):
    faces = "".join(f'@font-face {{ font-family: Bundled; src: url("{f["url"]}"); font-weight: {f["weight"]}; '
                    f'font-style: {f["style"]} }}' for f in font_faces())
    html = (f"<style>{faces} body {{ font-family: Bundled }}</style><p>Báo cáo</p>"
            '<img src="file:///etc/passwd"><link rel="stylesheet" href="http://127.0.0.1:9/x.css">')
    pdf = HTML(string=html, url_fetcher=FontsOnly()).write_pdf()
    (tmp_path / "r.pdf").write_bytes(pdf)
    fonts = subprocess.run(["pdffonts", str(tmp_path / "r.pdf")], capture_output=True, text=True, check=True).stdout
    assert "+Bundled " in fonts  # the bundled font was read and embedded (not a system fallback)
    refused = [r.getMessage() for r in caplog.records if "passwd" in r.getMessage() or "x.css" in r.getMessage()]
    assert len(refused) == 2 and all("not a file a report may read" in m or "disallowed protocol" in m
                                     for m in refused)
