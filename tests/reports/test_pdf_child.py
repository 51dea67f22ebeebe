"""The PDF written in a forked child process (reports.pdf_child): bytes back, or the reason it failed."""

import sys
import time
import types

import pytest

from reports.pdf_child import PdfError, write_pdf_in_child
from tests.reports.test_report_files import make_content


@pytest.fixture
def pdf_writer(monkeypatch):
    """A stand-in for reports.pdf, which the child imports; `slow` makes it take longer than any test waits."""
    module = types.ModuleType("reports.pdf")
    module.slow = False

    def write_report_pdf(content):
        if module.slow:
            time.sleep(30)
        return f"%PDF-fake {content.unit_code}".encode()

    module.write_report_pdf = write_report_pdf
    module.write_consolidated_pdf = lambda contents, title: f"%PDF-fake {len(contents)} {title}".encode()
    monkeypatch.setitem(sys.modules, "reports.pdf", module)
    return module


def payload():
    return [make_content().to_json()]


def test_the_child_sends_back_the_pdf(pdf_writer):
    assert write_pdf_in_child("unit", payload(), "") == b"%PDF-fake A"
    assert write_pdf_in_child("consolidated", payload() * 2, "Tổng hợp") == "%PDF-fake 2 Tổng hợp".encode()


def test_a_child_that_takes_too_long_is_stopped_with_the_reason(pdf_writer, monkeypatch):
    monkeypatch.setattr("reports.pdf_child.HEARTBEAT_EVERY", 0.2)
    pdf_writer.slow = True
    waits = []
    started = time.monotonic()
    with pytest.raises(PdfError, match=r"^Quá thời gian tạo tệp PDF \(1 giây\)\.$"):
        write_pdf_in_child("unit", payload(), "", timeout=1, on_wait=lambda: waits.append(1))
    assert time.monotonic() - started < 10  # the child was killed, not waited for
    assert len(waits) >= 3  # the caller's heartbeat ran while the child worked
