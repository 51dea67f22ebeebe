"""Issue 10: plan files that ate the server are refused with a Vietnamese message, fast and before they are
unzipped or parsed whole; damaged files (a corpus of byte-flipped copies of a real .docx and .pdf) are
refused or read, never a server error.

Every input is built here, in memory: a zip bomb is a few hundred kilobytes of zip.
"""

import contextlib
import io
import random
import time
import tracemalloc
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from django.urls import reverse
from docx import Document as WordDocument
from docx.exceptions import InvalidSpanError
from pypdf import PdfWriter

from demo.loader import SEED_DIR
from importer.extraction import ExtractionError, extract_plan, read_document
from importer.extraction.plan import MAX_PROPOSALS
from importer.extraction.reading import (
    MAX_CHARS,
    MAX_PARAGRAPHS,
    MAX_PDF_PAGES,
    MAX_ZIP_MEMBERS,
    _row_cells,
)
from plans.models import Document, PlanImport, PlanImportStatus
from tests.limits import BLOWUP

SAMPLE = (SEED_DIR / "ke-hoach-truong-th-hien-thanh.txt").read_text(encoding="utf-8")
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'
)
RELATIONSHIPS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Target="word/document.xml" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"/></Relationships>'
)


def upload(name, data):
    file = io.BytesIO(data)
    file.name = name
    return file


def word_file(body, members=None, size=None):
    """A .docx whose document.xml holds ``body`` (XML, or chunks of it repeated up to ``size`` bytes)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", RELATIONSHIPS)
        with archive.open("word/document.xml", "w", force_zip64=True) as part:
            part.write(f'<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="{W}"><w:body>'.encode())
            chunk, written = body.encode(), 0
            while True:
                part.write(chunk)
                written += len(chunk)
                if size is None or written >= size:
                    break
            part.write(b"</w:body></w:document>")
        for name, data in (members or {}).items():
            archive.writestr(name, data)
    return buffer.getvalue()


def paragraphs(lines):
    escaped = (line.replace("&", "&amp;").replace("<", "&lt;") for line in lines)
    return "".join(f"<w:p><w:r><w:t>{line}</w:t></w:r></w:p>" for line in escaped)


def refusal(data, name):
    with pytest.raises(ExtractionError) as refused:
        read_document(upload(name, data))
    return str(refused.value)


# ---- caps ------------------------------------------------------------------------------------------


def test_a_zip_bomb_is_refused_from_the_zip_directory_before_it_is_unzipped():
    # as in the issue: a few hundred kilobytes of .docx that unzip to 100 MB of paragraphs
    bomb = word_file(paragraphs(["100% giáo viên đạt chuẩn trình độ đào tạo"] * 1000), size=100 * 1024 * 1024)
    assert len(bomb) < 1024 * 1024
    tracemalloc.start()
    try:
        message = refusal(bomb, "bom.docx")
        _size, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert message.startswith("Không đọc được tệp Word “bom.docx”: khi giải nén, tệp lớn quá 50 MB")
    assert peak < 5 * 1024 * 1024  # the old reader unzipped and parsed it all: about 1 GB


def test_a_word_file_of_too_many_parts_is_refused():
    members = {f"word/media/anh{index}.png": b"\x89PNG" for index in range(MAX_ZIP_MEMBERS)}
    message = refusal(word_file(paragraphs(["I. MỤC TIÊU"]), members=members), "nhieu-phan.docx")
    assert message.startswith(f"Không đọc được tệp Word “nhieu-phan.docx”: tệp gồm {MAX_ZIP_MEMBERS + 3} phần")


def test_a_word_file_of_too_many_paragraphs_is_refused_before_python_docx_reads_it():
    # the 200,000 paragraphs (python-docx alone took 18 s on them); XML of a few MB
    data = word_file(paragraphs(["Năm học 2025-2026"] * 1000), size=200_000 * 45)
    start = time.perf_counter()
    message = refusal(data, "dai.docx")
    assert time.perf_counter() - start < BLOWUP  # python-docx alone: 18 s
    assert message == ("Không đọc được tệp Word “dai.docx”: văn bản có hơn 30.000 đoạn, quá dài đối với một kế hoạch. "
                       "Hãy tách thành nhiều tệp hoặc bỏ các phụ lục rồi tải lên lại.")


def test_a_word_file_of_millions_of_empty_elements_is_refused_before_a_tree_is_built(tmp_path):
    # under the caps on bytes (15 MB of XML), but 3.9 million elements: a tree of gigabytes in python-docx (the
    # shared stream check of units/office_files.py, as for evidence files)
    data = word_file("<a/>", size=15 * 1024 * 1024)
    start = time.perf_counter()
    message = refusal(data, "rong.docx")
    assert time.perf_counter() - start < BLOWUP  # a tree of gigabytes before
    assert message.startswith("Không đọc được tệp Word “rong.docx”: văn bản có hơn 1.000.000 thành phần")


def test_paragraphs_are_counted_whatever_the_namespace_prefix():
    body = f'<x:p xmlns:x="{W}"><x:r><x:t>a</x:t></x:r></x:p>' * (MAX_PARAGRAPHS + 1)
    assert "hơn 30.000 đoạn" in refusal(word_file(body), "tien-to.docx")


def test_a_pdf_of_too_many_pages_is_refused():
    writer = PdfWriter()
    for _ in range(MAX_PDF_PAGES + 1):
        writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    assert refusal(buffer.getvalue(), "day.pdf") == (
        "Không đọc được tệp PDF “day.pdf”: tệp có 501 trang, quá 500 trang đọc được. Hãy tách phần kế hoạch ra "
        "một tệp riêng rồi tải lên.")


@pytest.mark.parametrize("name", ["dai.txt", "dai.docx"])
def test_a_text_over_a_million_characters_is_refused(name):
    line = "- 100% giáo viên đạt chuẩn trình độ đào tạo vào năm 2030; " * 20
    lines = ["KẾ HOẠCH", "I. MỤC TIÊU"] + [line] * (MAX_CHARS // len(line) + 1)
    data = word_file(paragraphs(lines)) if name.endswith(".docx") else "\n".join(lines).encode()
    assert refusal(data, name) == (
        f"Không đọc được tệp “{name}”: nội dung dài hơn 1.000.000 ký tự (khoảng 400 trang), quá dài đối với "
        "một kế hoạch. Hãy tách thành nhiều tệp hoặc bỏ các phụ lục rồi tải lên lại.")


def test_the_five_megabyte_plan_of_150000_target_lines_is_refused_at_once():
    text = "KẾ HOẠCH\nI. MỤC TIÊU\n" + "- 100% giáo viên đạt chuẩn trình độ đào tạo;\n" * 150_000
    start = time.perf_counter()
    assert "dài hơn 1.000.000 ký tự" in refusal(text.encode(), "lon.txt")
    assert time.perf_counter() - start < BLOWUP  # it ran past 30 s


def test_a_plan_of_more_targets_than_an_officer_can_review_is_refused():
    text = "KẾ HOẠCH\nI. MỤC TIÊU\n" + "".join(f"- Có {n} giáo viên đạt chuẩn;\n" for n in range(1, MAX_PROPOSALS + 2))
    with pytest.raises(ExtractionError, match="Văn bản nêu hơn 500 chỉ tiêu và số liệu dự kiến"):
        extract_plan(text, "nhieu.txt")
    text = "KẾ HOẠCH\nI. MỤC TIÊU\n" + "".join(f"- Có {n} giáo viên đạt chuẩn;\n" for n in range(1, MAX_PROPOSALS + 1))
    assert len(extract_plan(text, "du.txt")["targets"]) == MAX_PROPOSALS


# ---- tables, read as python-docx reads them, in one pass ------------------------------------------


def test_a_table_merged_down_a_thousand_rows_is_read_in_one_pass():
    # python-docx looks each merged cell up through every row above: 20 s for 800 rows, minutes for more
    rows = "".join('<w:tr><w:tc><w:tcPr><w:vMerge/></w:tcPr><w:p/></w:tc><w:tc><w:p><w:r><w:t>45</w:t></w:r></w:p>'
                   "</w:tc><w:tc><w:p/></w:tc></w:tr>" for _ in range(3000))
    first = ('<w:tr><w:tc><w:tcPr><w:vMerge w:val="restart"/></w:tcPr><w:p><w:r><w:t>Năm học 2025-2026</w:t></w:r>'
             "</w:p></w:tc><w:tc><w:p/></w:tc><w:tc><w:p/></w:tc></w:tr>")
    start = time.perf_counter()
    body = (paragraphs(["KẾ HOẠCH", "I. MỤC TIÊU"]) + f"<w:tbl>{first}{rows}</w:tbl>"
            + paragraphs(["II. TỔ CHỨC THỰC HIỆN", "Các trường triển khai."]))
    text = read_document(upload("bang.docx", word_file(body)))
    assert time.perf_counter() - start < BLOWUP  # 20 s for 800 rows before
    assert text.count("Năm học 2025-2026\t45\t") == 3000


def test_merged_cells_are_read_as_python_docx_reads_them():
    rng = random.Random(10)
    for _ in range(40):
        document = WordDocument()
        rows, columns = rng.randint(1, 6), rng.randint(1, 6)
        table = document.add_table(rows=rows, cols=columns)
        for _ in range(rng.randint(0, 3)):
            top, left = rng.randrange(rows), rng.randrange(columns)
            with contextlib.suppress(InvalidSpanError):  # a merge that is not a rectangle
                table.cell(top, left).merge(table.cell(rng.randrange(top, rows), rng.randrange(left, columns)))
        assert _row_cells(table) == [[cell._tc for cell in row.cells] for row in table.rows]


# ---- a corpus of damaged files ---------------------------------------------------------------------


def sample_docx():
    """The Hiến Thành plan as Word writes it, with a table of school years."""
    document = WordDocument()
    for line in SAMPLE.split("\n")[:100]:  # up to its 16 targets
        document.add_paragraph(line)
    table = document.add_table(rows=3, cols=3)
    rows = [["Chỉ tiêu", "2026-2027", "2027-2028"], ["Số lớp", "20", "21"], ["Số HS", "640", "672"]]
    for row, cells in enumerate(rows):
        for column, text in enumerate(cells):
            table.cell(row, column).text = text
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


_PDF = {}


def sample_pdf():
    """The first lines of the Hiến Thành plan in a PDF with a text layer (WeasyPrint, once per run)."""
    if "data" not in _PDF:
        from weasyprint import HTML

        body = "".join(f"<p>{line}</p>" for line in SAMPLE.split("\n")[:100])
        _PDF["data"] = HTML(string=f"<html><body style='font-family: DejaVu Serif'>{body}</body></html>").write_pdf()
    return _PDF["data"]


SAMPLES = {"docx": sample_docx, "pdf": sample_pdf}
CORPUS = 60  # damaged copies of each sample


def damaged(kind, index):
    """A copy of the sample with 1 to 8 bytes flipped, the same for the same index: anywhere, in the last
    kilobyte (a zip's directory, a PDF's cross-reference table), and in the first kilobyte of a PDF (its
    catalogue and fonts) or inside a part of a .docx unzipped (its XML, zipped again with a right checksum:
    flips in the zipped data only fail the checksum)."""
    rng = random.Random(f"{kind}-{index}")
    data = SAMPLES[kind]()
    if kind == "docx" and index % 3 == 2:
        return _flipped_part(data, rng)
    data = bytearray(data)
    region = [(0, len(data)), (max(0, len(data) - 1024), len(data)), (0, 1024)][index % 3]
    for _ in range(rng.randint(1, 8)):
        data[rng.randrange(*region)] ^= rng.randint(1, 255)
    return bytes(data)


def _flipped_part(data, rng):
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        parts = {info.filename: archive.read(info) for info in archive.infolist()}
    name = "word/document.xml" if rng.random() < 0.6 else rng.choice(sorted(parts))
    part = bytearray(parts[name])
    for _ in range(rng.randint(1, 8)):
        part[rng.randrange(len(part))] ^= rng.randint(1, 255)
    parts[name] = bytes(part)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for part_name, content in parts.items():
            archive.writestr(part_name, content)
    return buffer.getvalue()


@pytest.mark.parametrize("kind", SAMPLES)
def test_the_intact_samples_are_read(kind):
    plan = extract_plan(read_document(upload(f"ke-hoach.{kind}", SAMPLES[kind]())), f"ke-hoach.{kind}")
    assert len(plan["targets"]) >= 10


@pytest.mark.parametrize("index", range(CORPUS))
@pytest.mark.parametrize("kind", SAMPLES)
def test_a_damaged_file_is_refused_in_vietnamese_or_read(kind, index):
    name = f"hong-{index}.{kind}"
    try:
        plan = extract_plan(read_document(upload(name, damaged(kind, index))), name)
    except ExtractionError as error:
        # a sentence for the officer, naming the file
        assert f"“{name}”" in str(error) or "Văn bản" in str(error), str(error)
    else:
        assert isinstance(plan["targets"], list) and isinstance(plan["projections"], list)


@pytest.mark.parametrize(("kind", "index"), [("docx", 0), ("docx", 7), ("pdf", 0), ("pdf", 7)])
def test_a_damaged_upload_gets_a_page_not_a_server_error(client, personas, tree, kind, index):
    client.force_login(personas["officer_a"])
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(reverse("importer:plan_import_upload"), {
            "unit": tree["A"].pk, "file": SimpleUploadedFile(f"hong.{kind}", damaged(kind, index))})
    assert response.status_code == 302
    plan_import = PlanImport.objects.get()
    assert plan_import.status in (PlanImportStatus.FAILED, PlanImportStatus.REVIEWING)
    page = client.get(response.url)
    assert page.status_code == 200
    if plan_import.status == PlanImportStatus.FAILED:
        assert plan_import.error in page.content.decode()
    assert not Document.objects.exists()
