"""Word and Excel files that unzip to far more XML than they weigh are refused before anything builds a tree of it
(units/office_files.py, shared by every upload). Audit: a 97 KB .docx whose document.xml unzips to 99.6 MB of empty
<a/> elements was accepted as evidence after 10 s and 3.2 GB (an lxml tree); a 249 KB .xlsx whose sharedStrings.xml
unzips to 100 MB took the account import 27 s and 674 MB."""

import io
import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.validators import ValidationError
from django.urls import reverse
from lxml import etree

from plans.forms import checked_task_evidence
from tests import evidence_files as files
from units import office_files
from units.account_import import TOO_LARGE_UNZIPPED, read_accounts
from units.evidence import TOO_LARGE_UNZIPPED as EVIDENCE_TOO_LARGE
from units.evidence import EvidenceRefused, check_evidence_file

ROOT = Path(__file__).resolve().parent.parent.parent
MB = 1024 * 1024


def with_part(real, member, size, chunk=b"<a/>", head=b"<r>", tail=b"</r>"):
    """The Office file `real` with its part `member` replaced by `size` bytes of `chunk` repeated, written as a
    stream (the test never holds the part in memory): a few hundred kilobytes of zip."""
    source, buffer = zipfile.ZipFile(io.BytesIO(real)), io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            if info.filename != member:
                archive.writestr(info.filename, source.read(info))
        with archive.open(member, "w", force_zip64=True) as part:
            part.write(head)
            block, written = chunk * (MB // len(chunk)), 0
            while written < size:  # whole chunks, to `size` bytes at most
                piece = block[:(size - written) // len(chunk) * len(chunk)] or chunk
                part.write(piece)
                written += len(piece)
            part.write(tail)
    return buffer.getvalue()


@pytest.fixture
def unzipped(monkeypatch):
    """How many bytes the code under test unzipped, counted at zipfile's reads: the work a refusal cost, bounded
    by the checks' caps whatever the machine's speed (a time limit here failed on a slow, shared machine)."""
    count = {"bytes": 0}
    original = zipfile.ZipExtFile.read

    def read(self, n=-1):
        data = original(self, n)
        count["bytes"] += len(data)
        return data

    monkeypatch.setattr(zipfile.ZipExtFile, "read", read)
    return count


def docx_bomb(size):
    return with_part(files.docx(), "word/document.xml", size, head=b'<?xml version="1.0"?><w:document xmlns:w='
                     b'"http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>',
                     tail=b"</w:body></w:document>")


def cost_in_a_fresh_process(code, data, tmp_path):
    """(seconds, peak resident MB, what the code printed) of `code` run on the file in a process of its own: the
    memory lxml takes is outside Python's allocator, seen only by the process's peak."""
    path = tmp_path / "upload.bin"
    path.write_bytes(data)
    # VmHWM: the peak of this program's memory (getrusage's would count the forking test process's as well)
    script = ("import json, re, time\n"
              f"data = open({str(path)!r}, 'rb').read()\n"
              "start = time.perf_counter()\n"
              f"{code}\n"
              "seconds = time.perf_counter() - start\n"
              "peak = int(re.search(r'VmHWM:\\s+(\\d+) kB', open('/proc/self/status').read()).group(1)) / 1024\n"
              "print(json.dumps([seconds, peak, result]))\n")
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120,
                          check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


EVIDENCE_CHECK = """
import io
from units.evidence import EvidenceRefused, check_evidence_file
try:
    result = check_evidence_file(io.BytesIO(data))
except EvidenceRefused as refused:
    result = str(refused)
"""


@pytest.mark.parametrize("size", [99_600_000, 25 * MB], ids=["the audit's 99.6 MB", "25 MB, under the part cap"])
def test_a_word_bomb_is_refused_as_evidence_fast_and_in_little_memory(tmp_path, size):
    bomb = docx_bomb(size)
    assert len(bomb) < 200 * 1024
    seconds, peak, result = cost_in_a_fresh_process(EVIDENCE_CHECK, bomb, tmp_path)
    assert result == EVIDENCE_TOO_LARGE == "Tệp Word/Excel quá lớn khi giải nén, không được chấp nhận."
    assert peak < 200, peak  # the tree of the old check: 3.2 GB (and 10 s)
    # a real Word file is still accepted, in the same way
    assert cost_in_a_fresh_process(EVIDENCE_CHECK, files.docx(), tmp_path)[2] == (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document")


def test_the_bomb_is_refused_as_a_task_s_evidence(unzipped):
    bomb = docx_bomb(99_600_000)
    with pytest.raises(ValidationError) as refused:
        checked_task_evidence(SimpleUploadedFile("bien-ban.docx", bomb))
    assert refused.value.messages == [EVIDENCE_TOO_LARGE]
    assert unzipped["bytes"] < 2 * MB  # refused from the zip's directory, before the part is unzipped


def test_an_excel_evidence_file_s_content_types_are_bounded_too(unzipped):
    bomb = with_part(files.xlsx(), "[Content_Types].xml", 25 * MB, chunk=b"<Default/>",
                     head=b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">',
                     tail=b"</Types>")
    with pytest.raises(EvidenceRefused) as refused:
        check_evidence_file(io.BytesIO(bomb))
    assert str(refused.value) == EVIDENCE_TOO_LARGE
    assert unzipped["bytes"] < office_files.MAX_XML_ELEMENTS * len(b"<Default/>") + 2 * MB  # the element cap


def account_list_bomb(size):
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.active.title = "Tài khoản"
    workbook.active.append(["Tên đăng nhập"])
    workbook.active.append(["a"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return with_part(buffer.getvalue(), "xl/sharedStrings.xml", size, chunk=b"<si><t>x</t></si>",
                     head=b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">', tail=b"</sst>")


@pytest.mark.parametrize("size", [100 * MB, 20 * MB], ids=["the audit's 100 MB", "20 MB, under the zip cap"])
def test_an_account_list_bomb_is_refused_before_openpyxl_reads_it(admins, size, unzipped, monkeypatch):
    bomb = account_list_bomb(size)
    assert len(bomb) < 300 * 1024

    def openpyxl_reads(*args, **kwargs):
        raise AssertionError("openpyxl was given the bomb")

    monkeypatch.setattr("units.account_import.load_workbook", openpyxl_reads)
    rows, errors = read_accounts(SimpleUploadedFile("ds.xlsx", bomb), admins["admin_a"])
    # the stream stops at the element cap (two elements a shared string), or at the directory's sizes
    assert unzipped["bytes"] < office_files.MAX_XML_ELEMENTS // 2 * len(b"<si><t>x</t></si>") + 2 * MB
    assert rows == [] and [str(e) for e in errors] == [TOO_LARGE_UNZIPPED]


def test_the_account_import_page_says_so_in_vietnamese(client, admins):
    client.force_login(admins["admin_a"])
    response = client.post(reverse("units:account_import"),
                           {"file": SimpleUploadedFile("ds.xlsx", account_list_bomb(100 * MB))})
    assert "Tệp Excel quá lớn khi giải nén" in response.content.decode()


# ---- the shared check itself ----


def test_scan_counts_elements_and_a_tag_and_keeps_nothing():
    xml = b'<r xmlns:w="urn:w">' + b"<w:p><w:t>a</w:t></w:p>" * 1000 + b"</r>"
    assert office_files.scan_xml(io.BytesIO(xml), tag="{urn:w}p") == (2001, 1000)
    with pytest.raises(office_files.TooLarge) as too_large:
        office_files.scan_xml(io.BytesIO(xml), max_elements=2000)
    assert too_large.value.bound == "elements"
    with pytest.raises(etree.XMLSyntaxError):
        office_files.scan_xml(io.BytesIO(b"<r><a></r>"))


def test_scan_resolves_no_entity_and_loads_no_dtd():
    laughs = (b'<?xml version="1.0"?><!DOCTYPE t [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">'
              b'<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;">]><t>&c;</t>')
    texts = []
    office_files.scan_xml(io.BytesIO(laughs), on_element=lambda element: texts.append(element.text))
    assert texts == [None]


def test_the_directory_bounds_parts_and_bytes():
    real = zipfile.ZipFile(io.BytesIO(files.docx()))
    assert len(office_files.check_directory(real)) == len(real.infolist())
    with pytest.raises(office_files.TooLarge) as too_large:
        office_files.check_directory(real, max_members=2)
    assert (too_large.value.bound, too_large.value.found) == ("members", len(real.infolist()))
    with pytest.raises(office_files.TooLarge) as too_large:
        office_files.check_directory(real, max_bytes=100)
    assert too_large.value.bound == "bytes"
    with pytest.raises(office_files.TooLarge):
        office_files.scan_part(real, "word/document.xml", max_bytes=10)
