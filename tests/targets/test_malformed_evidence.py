"""Malformed evidence files, uploaded by the officer of A through evidence_upload: files that are not what
they claim, damaged, polyglots, with macros or scripts, bombs, are refused in Vietnamese and nothing is kept;
names that are not names are cleaned, never reach the disk, and downloads are attachments the browser may
not sniff."""

import io
import random
import re
import struct
import time
import zlib
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfWriter
from pypdf.generic import DictionaryObject, NameObject, TextStringObject

from targets.actions import save_progress_value
from targets.models import Evidence, ProgressValue, ProgressValueChange
from tests import evidence_files as files
from tests.factories import make_document, make_indicator, make_period, make_target
from tests.limits import BLOWUP
from tests.malformed import Case, check_refused, flashed, flipped, page_text, rewrite_zip, rows, truncated

ACCEPTED = "Loại tệp không được chấp nhận: nội dung tệp không phải PDF, ảnh PNG/JPEG, Word hoặc Excel."
WEB = "Tệp có chứa nội dung trang web (HTML hoặc mã lệnh) nên không được chấp nhận."
SCRIPTED = "Tệp có chứa mã lệnh"
DAMAGED = "bị hỏng hoặc không trọn vẹn, không mở được."
HTML = b"<html><body><script>alert(document.cookie)</script></body></html>"
STORED_NAME = re.compile(r"^minh-chung/[a-z0-9-]+/[a-z0-9-]+/[0-9a-f]{32}\.(pdf|png|jpg|docx|xlsx|doc|xls)$")


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def entered(tree, personas, media):
    """A's rate for the semester in progress, entered: evidence may be attached to it."""
    today = timezone.localdate()
    first = today.year if today.month >= 8 else today.year - 1
    period = make_period(code="hk-hien-tai", school_year=f"{first}-{first + 1}", start=today - timedelta(days=30),
                         end=today + timedelta(days=60), deadline=today + timedelta(days=70))
    target = make_target(make_document(tree["A"], issued_on=date(2025, 10, 1)),
                         make_indicator("gv-dat-chuan", "Tỷ lệ giáo viên đạt chuẩn", "rate", unit_label="%"), 1,
                         Decimal(95))
    return save_progress_value(target=target, period=period, by=personas["officer_a"], expected_version=0,
                               values={"numerator": Decimal(4), "denominator": Decimal(7), "status": "in_progress"})


def multipart(filename, content, boundary="nq71-ranh-gioi"):
    """A form with one file as a browser sends it, the file name exactly as given (the test client would
    strip its folders before sending)."""
    head = (f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{filename}"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n").encode()
    return head + content + f"\r\n--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


def upload(client, value, filename, content, follow=True):
    body, content_type = multipart(filename, content)
    return client.post(reverse("targets:evidence_upload", args=[value.target_id, value.period_id]), body,
                       content_type=content_type, follow=follow)


# --- damaged and disguised contents ------------------------------------------------------------------


def png_chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_with(*chunks):
    """A real PNG with chunks inserted after its header chunk."""
    real = files.png()
    return real[:33] + b"".join(png_chunk(kind, data) for kind, data in chunks) + real[33:]


def huge_png():
    header = struct.pack(">IIBBBBB", 100_000, 100_000, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", header) + png_chunk(b"IDAT", zlib.compress(b"\0" * 64))
            + png_chunk(b"IEND", b""))


def pdf_with_javascript():
    """A PDF that runs a script when opened (its catalog's /OpenAction)."""
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.root_object[NameObject("/OpenAction")] = DictionaryObject({
        NameObject("/S"): NameObject("/JavaScript"), NameObject("/JS"): TextStringObject("app.alert('minh chứng');")})
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def declared_size(content, member, size):
    """The zip with one member saying, in its central directory, that it unzips to `size` bytes."""
    data = bytearray(content)
    position = data.find(b"PK\x01\x02")
    while position >= 0:
        length = int.from_bytes(data[position + 28:position + 30], "little")
        if bytes(data[position + 46:position + 46 + length]) == member.encode():
            data[position + 24:position + 28] = size.to_bytes(4, "little")
        position = data.find(b"PK\x01\x02", position + 4)
    return bytes(data)


def macro_enabled(body):
    return body.replace(b"wordprocessingml.document.main+xml", b"ms-word.document.macroEnabled.main+xml")


BILLION_LAUGHS = (b'<?xml version="1.0"?><!DOCTYPE t [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">'
                  b'<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;">]><Types>&d;</Types>')


def content_cases():
    pdf, png, jpeg, docx, xlsx = files.pdf(), files.png(), files.jpeg(), files.docx(), files.xlsx()
    found = [
        ("empty", "rong.pdf", b"", "Tệp rỗng."),
        ("one byte", "a.pdf", b"%", ACCEPTED),
        ("PDF header then a web page", "bao-cao.pdf", b"%PDF-1.7\n" + HTML, WEB),
        ("PNG header then a web page", "anh.png", b"\x89PNG\r\n\x1a\n" + HTML, WEB),
        ("JPEG header then a web page", "anh.jpg", b"\xff\xd8\xff\xe0" + HTML, WEB),
        ("OLE header then a web page", "bang.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + HTML, WEB),
        ("a real PDF with a web page after it", "bao-cao.pdf", pdf + HTML, WEB),
        ("a real PDF with a web page before its end", "bao-cao.pdf", pdf[:20] + b"%" + HTML + b"\n" + pdf[20:], WEB),
        ("a real PNG with a web page after it", "anh.png", png + HTML, WEB),
        ("a real JPEG with a web page after it", "anh.jpg", jpeg + HTML, WEB),
        ("a PNG whose text chunk is a script", "anh.png", png_with((b"tEXt", b"Comment\0<script>alert(1)</script>")),
         WEB),
        ("a JPEG whose comment is a web page", "anh.jpg", jpeg[:2] + b"\xff\xfe" + struct.pack(">H", len(HTML) + 2)
         + HTML + jpeg[2:], WEB),
        ("a web page", "bao-cao.pdf", b"<!DOCTYPE html>" + HTML, ACCEPTED),
        ("an SVG", "anh.png", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', ACCEPTED),
        ("a GIF", "anh.png", b"GIF89a\x01\x00\x01\x00\x00\x00\x00;", ACCEPTED),
        ("an executable", "bao-cao.pdf", b"MZ\x90\x00\x03" + bytes(200), ACCEPTED),
        ("an RTF", "bao-cao.doc", b"{\\rtf1\\ansi Bao cao}", ACCEPTED),
        ("a PDF header alone", "bao-cao.pdf", b"%PDF-", "Tệp PDF " + DAMAGED),
        ("a PDF with an end and nothing else", "bao-cao.pdf", b"%PDF-1.7\n%%EOF\n", "Tệp PDF " + DAMAGED),
        ("a PDF without a page", "bao-cao.pdf", files.pdf(0), "Tệp PDF không có trang nào."),
        ("a PDF with a password", "bao-cao.pdf", files.encrypted_pdf(), "Tệp PDF có mật khẩu"),
        ("a PDF with JavaScript", "bao-cao.pdf", pdf_with_javascript(), SCRIPTED),
        ("a PDF that launches a program", "bao-cao.pdf", pdf[:9] + b"%/Launch\n" + pdf[9:], SCRIPTED),
        ("a PDF whose cross references are garbage", "bao-cao.pdf",
         b"%PDF-1.7\n" + random.Random(1).randbytes(3000) + b"\ntrailer\n<< /Root 9 0 R >>\n%%EOF\n",
         "Tệp PDF " + DAMAGED),
        ("a PNG with a wrong checksum", "anh.png", png[:40] + bytes([png[40] ^ 0xFF]) + png[41:],
         "Tệp ảnh PNG " + DAMAGED),
        ("a PNG without its header chunk", "anh.png", png[:8] + png[33:], "Tệp ảnh PNG " + DAMAGED),
        ("a PNG with bytes after its end", "anh.png", png + b"\x01\x02\x03",
         "Ảnh PNG có dữ liệu lạ phía sau phần ảnh"),
        ("a PNG of ten billion pixels", "anh.png", huge_png(), "Ảnh quá lớn"),
        ("a JPEG without its end", "anh.jpg", jpeg[:-2], "Tệp ảnh JPEG " + DAMAGED),
        ("a JPEG of headers only", "anh.jpg", jpeg[:20] + b"\xff\xd9", "Tệp ảnh JPEG " + DAMAGED),
        ("a zip that is not Word or Excel", "bao-cao.docx", rewrite_zip(docx, drop=("word/document.xml",),
                                                                        replace={"[Content_Types].xml": b"<Types/>"}),
         ACCEPTED),
        ("a zip without content types", "bao-cao.docx", rewrite_zip(docx, drop=("[Content_Types].xml",)), ACCEPTED),
        ("content types that are not XML", "bao-cao.docx", rewrite_zip(docx, replace={"[Content_Types].xml": b"<T"}),
         "Tệp Word/Excel " + DAMAGED),
        ("content types with an entity bomb", "bao-cao.docx",
         rewrite_zip(docx, replace={"[Content_Types].xml": BILLION_LAUGHS}), ACCEPTED),
        ("a Word file whose document is not XML", "bao-cao.docx",
         rewrite_zip(docx, replace={"word/document.xml": b"\x00\x01"}), "Tệp Word/Excel " + DAMAGED),
        ("a Word file with a macro", "bao-cao.docx", rewrite_zip(docx, add={"word/vbaProject.bin": b"\xd0\xcf"}),
         SCRIPTED),
        ("a macro-enabled Word file", "bao-cao.docx", rewrite_zip(docx, replace={"[Content_Types].xml": macro_enabled}),
         SCRIPTED),
        ("an Excel file with ActiveX", "bang.xlsx", rewrite_zip(xlsx, add={"xl/activeX/activeX1.xml": b"<ax/>"}),
         SCRIPTED),
        ("a Word file with a web page after it", "bao-cao.docx", docx + HTML, ACCEPTED),
        ("a Word file that says it unzips to 4 GB", "bao-cao.docx", declared_size(docx, "word/document.xml",
                                                                                  0xFFFFFFF0),
         "Tệp Word/Excel quá lớn khi giải nén"),
        ("a Word file that unzips to more than it says", "bao-cao.docx", declared_size(docx, "word/document.xml", 10),
         "Tệp Word/Excel " + DAMAGED),
        ("a Word file of 6,000 members", "bao-cao.docx", rewrite_zip(docx, add={f"word/m{i}.xml": b"" for i in
                                                                                 range(6000)}),
         "Tệp Word/Excel quá lớn khi giải nén"),
        ("a .doc with macros", "bao-cao.doc", files.ole("WordDocument", "Macros"), SCRIPTED),
        ("an .xls with a VBA project", "bang.xls", files.ole("Workbook", "_VBA_PROJECT_CUR", "VBA"), SCRIPTED),
        ("a PowerPoint 97-2003 file", "bao-cao.doc", files.ole("PowerPoint Document"), ACCEPTED),
        ("an installer (OLE)", "bao-cao.doc", files.ole("\u4840\u3b3f"), ACCEPTED),
        ("an OLE file of the wrong byte order", "bao-cao.doc",
         files.ole("WordDocument")[:28] + b"\xff\xfe" + files.ole("WordDocument")[30:], "Tệp Word/Excel 97-2003 " + DAMAGED),
        ("an OLE header alone", "bao-cao.doc", files.ole("WordDocument")[:512], "Tệp Word/Excel 97-2003 " + DAMAGED),
    ]
    cases = [Case(name, (filename, content), message) for name, filename, content, message in found]
    for label, filename, real, message in [("PNG", "anh.png", png, "Tệp ảnh PNG " + DAMAGED),
                                           ("Word", "bao-cao.docx", docx, "Tệp Word/Excel " + DAMAGED)]:
        if label == "PNG":  # every byte of a PNG after its signature is under a checksum or the chunk walk
            rng = random.Random(71)
            for position in sorted(rng.sample(range(8, len(real)), 10)):
                copy = bytearray(real)
                copy[position] ^= rng.randrange(1, 256)
                cases.append(Case(f"{label} with byte {position} changed", (filename, bytes(copy)), message))
        else:
            for position, copy in flipped(real, 10, seed=71):
                cases.append(Case(f"{label} with byte {position} changed", (filename, copy), message))
    for label, filename, real, message, count in [
            ("PNG", "anh.png", png, "Tệp ảnh PNG " + DAMAGED, 6), ("JPEG", "anh.jpg", jpeg, "Tệp ảnh JPEG " + DAMAGED, 5),
            ("PDF", "bao-cao.pdf", pdf[:-8], "Tệp PDF " + DAMAGED, 5),  # cut before its %%EOF
            ("Word", "bao-cao.docx", docx, "Tệp Word/Excel " + DAMAGED, 6)]:
        for length, prefix in truncated(real, count, seed=71):
            if length > 8:  # shorter, it is no longer recognised as its type at all
                cases.append(Case(f"{label} cut at {length} bytes", (filename, prefix), message))
    return cases


CONTENT_CASES = content_cases()


def test_the_corpus_of_evidence_contents_holds_over_70_cases():
    assert len(CONTENT_CASES) >= 70


def test_every_malformed_evidence_file_is_refused_in_vietnamese_and_nothing_is_kept(
        client, subtests, personas, entered, media):
    client.force_login(personas["officer_a"])
    # the refusal is the message the target page shows after the redirect (test_a_refusal_is_shown_on_the_target_page)
    check_refused(subtests, CONTENT_CASES, lambda case: upload(client, entered, *case.data, follow=False),
                  [Evidence, ProgressValue, ProgressValueChange], shown=flashed)
    assert not [path for path in media.rglob("*") if path.is_file()]


def test_a_refusal_is_shown_on_the_target_page(client, personas, entered, media):
    client.force_login(personas["officer_a"])
    response = upload(client, entered, "bao-cao.pdf", b"%PDF-1.7\n" + HTML)
    assert response.redirect_chain[-1][0].startswith(reverse("targets:target_detail", args=[entered.target_id]))
    assert WEB in page_text(response)


@override_settings(EVIDENCE_MAX_BYTES=1024 * 1024)
def test_a_file_over_the_limit_is_refused_before_it_is_read(client, personas, entered, media):
    client.force_login(personas["officer_a"])
    response = upload(client, entered, "lon.pdf", files.pdf() + b"\n%" + b"0" * (1024 * 1024))
    assert "Tệp quá lớn: tối đa 1 MB." in response.content.decode()
    assert not Evidence.objects.exists()


def test_a_word_file_of_a_hundred_megabytes_of_empty_elements_is_refused_fast(client, personas, entered, media):
    # the audit's 97 KB .docx whose document.xml unzips to 99.6 MB of <a/>: 10 s and 3.2 GB as an lxml tree
    from tests.units.test_office_files import docx_bomb

    client.force_login(personas["officer_a"])
    start = time.perf_counter()
    response = upload(client, entered, "bien-ban.docx", docx_bomb(99_600_000))
    assert time.perf_counter() - start < BLOWUP  # 10 s and 3.2 GB before
    assert "Tệp Word/Excel quá lớn khi giải nén, không được chấp nhận." in page_text(response)
    assert not Evidence.objects.exists()
    assert not [path for path in media.rglob("*") if path.is_file()]


# --- names ---------------------------------------------------------------------------------------


NAMES = [
    # (name as sent, the name it is kept and shown under; None: refused, no file received)
    ("..", None),
    (".", None),
    ("", None),
    ("../../x.pdf", "x.pdf"),
    ("..\\..\\windows\\x.pdf", "x.pdf"),
    ("/etc/passwd", "passwd.pdf"),
    ("C:\\Users\\canbo\\Báo cáo.pdf", "Báo cáo.pdf"),
    ("x" * 300 + ".pdf", "x" * 251 + ".pdf"),
    ("ệ" * 300 + ".pdf", "ệ" * 251 + ".pdf"),
    ("bien\x01ban\x1f\x7f.pdf", "bienban.pdf"),
    ("bao-cao\u202efdp.exe", "bao-caofdp.exe.pdf"),
    ("\u200bquyet\u200ddinh\ufeff.pdf", "quyetdinh.pdf"),
    ("bao-cao.html", "bao-cao.html.pdf"),
    ("bao-cao.pdf.exe", "bao-cao.pdf.exe.pdf"),
    ("<script>alert(1)</script>.pdf", "script>.pdf"),
    ("   .pdf", "pdf.pdf"),
    ('bao"cao.pdf', 'bao"cao.pdf'),
    ("Quyết định số 12/QĐ-UBND.pdf", "QĐ-UBND.pdf"),
]


def test_names_that_are_not_names_never_reach_the_disk_and_are_shown_clean(client, subtests, personas, entered, media):
    client.force_login(personas["officer_a"])
    for number, (sent, kept) in enumerate(NAMES, start=1):
        # a file of its own each: names cleaned alike would otherwise be the same file posted twice, kept once
        pdf = files.pdf(pages=number)
        with subtests.test(msg=repr(sent[:40])):
            before = rows([Evidence])
            response = upload(client, entered, sent, pdf)
            assert response.status_code == 200
            page = response.content.decode()
            added = Evidence.objects.exclude(pk__in=[row[0] for row in before[0]])
            if kept is None:
                assert "Hãy chọn tệp minh chứng để tải lên." in page
                assert not added.exists()
                continue
            evidence = added.get()
            assert evidence.original_name == kept
            assert STORED_NAME.match(evidence.file.name), evidence.file.name
            assert (media / evidence.file.name).read_bytes() == pdf
            assert "Đã đính kèm" in page
            download = client.get(reverse("targets:evidence_download", args=[evidence.pk]))
            assert download["Content-Type"] == "application/pdf"
            assert download["X-Content-Type-Options"] == "nosniff"
            disposition = download["Content-Disposition"]
            assert disposition.startswith("attachment;")
            assert not set(disposition) & {"\r", "\n", "\u202e", "/"}
            assert b"".join(download.streaming_content) == pdf
    # nothing is named by the uploader on the disk: only generated names
    stored = [path.relative_to(media).as_posix() for path in media.rglob("*") if path.is_file()]
    assert stored and all(STORED_NAME.match(path) for path in stored)


@pytest.mark.parametrize(("name", "content", "content_type", "extension"), [
    ("anh.jpeg", files.jpeg(), "image/jpeg", ".jpg"),
    ("anh.png", files.png(), "image/png", ".png"),
    ("bien-ban.docx", files.docx(), "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
     ".docx"),
    ("bang.xlsx", files.xlsx(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ".xlsx"),
    ("bien-ban.doc", files.ole("WordDocument"), "application/msword", ".doc"),
    ("bang.xls", files.ole("Workbook"), "application/vnd.ms-excel", ".xls"),
    ("anh.png", files.jpeg(), "image/jpeg", ".jpg"),  # named .png, a JPEG: stored and offered as a JPEG
])
def test_each_accepted_type_is_stored_with_the_extension_of_what_it_is(
        client, personas, entered, media, name, content, content_type, extension):
    client.force_login(personas["officer_a"])
    upload(client, entered, name, content)
    evidence = Evidence.objects.get()
    assert evidence.content_type == content_type
    assert evidence.file.name.endswith(extension) and STORED_NAME.match(evidence.file.name)
    assert evidence.original_name.endswith(extension) or evidence.original_name == name


def test_a_phone_photo_with_a_video_after_it_is_accepted(client, personas, entered, media):
    # a "motion photo": the camera appends a short MP4 after the JPEG's end
    client.force_login(personas["officer_a"])
    upload(client, entered, "anh.jpg", files.jpeg() + b"\x00\x00\x00\x18ftypmp42" + random.Random(3).randbytes(2000))
    assert Evidence.objects.get().content_type == "image/jpeg"


def test_an_older_file_kept_under_a_dangerous_name_downloads_cleanly(client, personas, entered, media):
    from django.core.files.base import ContentFile

    evidence = Evidence.objects.create(value=entered, file=ContentFile(files.pdf(), name="x.pdf"),
                                       original_name="bao-cao\u202efdp.html", content_type="text/html", size=10,
                                       uploaded_by=personas["officer_a"])
    client.force_login(personas["officer_a"])
    download = client.get(reverse("targets:evidence_download", args=[evidence.pk]))
    assert download["Content-Type"] == "application/octet-stream"
    assert download["X-Content-Type-Options"] == "nosniff"
    assert "\u202e" not in download["Content-Disposition"]
    download.close()
