"""What an evidence file may be, judged by its whole content and never by its name, and the names it is kept
and shown under.

A file is accepted when it is, through and through, one of: a PDF that pypdf reads, with at least one page
and no script; a PNG or JPEG that Pillow decodes; a Word or Excel file (.docx, .xlsx: a zip whose content
types say so, every member intact, without macros or ActiveX; .doc, .xls: an OLE file whose streams say so,
without macros). No type may carry a web page or a script inside it: a "polyglot" (a PDF header or a PNG
header followed by HTML) would be a web page to a browser that guesses. A file is stored under a generated
name with the extension of its type; the name the user gave is kept only to be shown, cleaned.
"""

import io
import logging
import re
import struct
import unicodedata
import warnings
import zipfile
import zlib

from lxml import etree

from . import office_files

logger = logging.getLogger(__name__)

PDF, PNG, JPEG = "application/pdf", "image/png", "image/jpeg"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOC, XLS = "application/msword", "application/vnd.ms-excel"

# content type -> the extensions a name of it may end with (the first is the one it is stored under)
EXTENSIONS = {PDF: (".pdf",), PNG: (".png",), JPEG: (".jpg", ".jpeg"), DOCX: (".docx",), XLSX: (".xlsx",),
              DOC: (".doc",), XLS: (".xls",)}

ACCEPTED = "Loại tệp không được chấp nhận: nội dung tệp không phải PDF, ảnh PNG/JPEG, Word hoặc Excel."
DAMAGED = "Tệp {} bị hỏng hoặc không trọn vẹn, không mở được. Hãy lưu lại tệp rồi tải lên."
SCRIPTED = ("Tệp có chứa mã lệnh ({}), không được chấp nhận vì lý do an toàn. Hãy lưu lại tệp dạng PDF "
            "hoặc Word/Excel không có macro rồi tải lên.")

MAX_PIXELS = 60_000_000  # a 60-megapixel photo; a bigger image is a decompression bomb, not evidence
MAX_UNZIPPED_BYTES = 100 * 1024 * 1024  # every member (pictures included), only read through for its checksums
MAX_ZIP_MEMBERS = 5000
MAX_XML_ELEMENTS = office_files.MAX_XML_ELEMENTS  # of the content types and of the main part (each at most 30 MB)
TOO_LARGE_UNZIPPED = "Tệp Word/Excel quá lớn khi giải nén, không được chấp nhận."
# HTML or script anywhere in a PDF, an image or an OLE file: what a browser would run if it sniffed the type
WEB_CONTENT = re.compile(rb"<\s*(?:html|script|body|iframe|svg|object|embed|!doctype\s+html)[\s>/]|javascript:",
                         re.IGNORECASE)
PDF_ACTIONS = re.compile(rb"/(?:JavaScript|JS|Launch)\b")
UNZIP_ERRORS = (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, EOFError, OSError, ValueError, KeyError,
                OverflowError, RuntimeError, NotImplementedError, IndexError, struct.error, etree.XMLSyntaxError)


class EvidenceRefused(ValueError):
    """The file is not an accepted evidence file; the message says why, in Vietnamese."""


def check_evidence_file(uploaded):
    """The content type of an uploaded evidence file, read from all of its bytes; EvidenceRefused if not accepted."""
    uploaded.seek(0)
    data = uploaded.read()
    uploaded.seek(0)
    if data.startswith(b"%PDF-"):
        return _checked(_check_pdf, data, PDF)
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return _checked(_check_png, data, PNG)
    if data.startswith(b"\xff\xd8\xff"):
        return _checked(_check_jpeg, data, JPEG)
    if data.startswith(b"PK\x03\x04"):
        return _check_office_zip(data)
    if data.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return _checked(_check_ole, data, None)
    raise EvidenceRefused(ACCEPTED)


def _checked(check, data, content_type):
    if WEB_CONTENT.search(data):
        raise EvidenceRefused("Tệp có chứa nội dung trang web (HTML hoặc mã lệnh) nên không được chấp nhận. "
                              "Hãy tải lên tệp PDF, ảnh, Word hoặc Excel gốc.")
    return check(data) or content_type


def _check_pdf(data):
    from pypdf import PdfReader

    if b"%%EOF" not in data[-2048:]:
        raise EvidenceRefused(DAMAGED.format("PDF"))
    if PDF_ACTIONS.search(data):
        raise EvidenceRefused(SCRIPTED.format("JavaScript hoặc lệnh chạy chương trình trong PDF"))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            reader = PdfReader(io.BytesIO(data), strict=False)
            if reader.is_encrypted and not reader.decrypt(""):
                raise EvidenceRefused("Tệp PDF có mật khẩu: hãy bỏ mật khẩu rồi tải lên để người xem mở được.")
            pages = len(reader.pages)
            root = reader.trailer["/Root"].get_object()
            names = root.get("/Names")
            scripted = ("/OpenAction" in root and "/JavaScript" in str(root["/OpenAction"].get_object())) or (
                names is not None and "/JavaScript" in names.get_object())
    except EvidenceRefused:
        raise
    except Exception as error:  # noqa: BLE001 - pypdf raises many kinds of errors on damaged files
        logger.info("unreadable evidence PDF: %r", error)
        raise EvidenceRefused(DAMAGED.format("PDF")) from None
    if scripted:
        raise EvidenceRefused(SCRIPTED.format("JavaScript trong PDF"))
    if pages == 0:
        raise EvidenceRefused("Tệp PDF không có trang nào.")


def _check_png(data):
    """Every chunk in place with its checksum, from the header to IEND and nothing after; then decoded."""
    position, first = 8, True
    while True:
        if position + 12 > len(data):
            raise EvidenceRefused(DAMAGED.format("ảnh PNG"))
        length, kind = struct.unpack(">I4s", data[position:position + 8])
        end = position + 12 + length
        if end > len(data) or (first and kind != b"IHDR"):
            raise EvidenceRefused(DAMAGED.format("ảnh PNG"))
        crc = struct.unpack(">I", data[end - 4:end])[0]
        if zlib.crc32(data[position + 4:end - 4]) != crc:
            raise EvidenceRefused(DAMAGED.format("ảnh PNG"))
        position, first = end, False
        if kind == b"IEND":
            break
    if data[position:].strip(b"\x00\r\n\t "):
        raise EvidenceRefused("Ảnh PNG có dữ liệu lạ phía sau phần ảnh, không được chấp nhận.")
    _decode_image(data, "PNG", "ảnh PNG")


def _check_jpeg(data):
    # a phone may append a short video after the image (a "motion photo"): the end marker is searched, not
    # required last, and WEB_CONTENT has already looked at every byte
    if b"\xff\xd9" not in data[2:]:
        raise EvidenceRefused(DAMAGED.format("ảnh JPEG"))
    _decode_image(data, "JPEG", "ảnh JPEG")


def _decode_image(data, image_format, label):
    from PIL import Image

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=[image_format]) as image:
                width, height = image.size
                if width * height > MAX_PIXELS:
                    raise EvidenceRefused(f"Ảnh quá lớn ({width} × {height} điểm ảnh): hãy thu nhỏ ảnh rồi tải lên.")
                image.load()
    except EvidenceRefused:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise EvidenceRefused("Ảnh quá lớn: hãy thu nhỏ ảnh rồi tải lên.") from None
    except Exception as error:  # noqa: BLE001 - Pillow raises OSError, SyntaxError, ValueError… on damaged files
        logger.info("undecodable evidence image: %r", error)
        raise EvidenceRefused(DAMAGED.format(label)) from None


OOXML_MAIN = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml": DOCX,
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml": XLSX,
}
CONTENT_TYPES_NS = "{http://schemas.openxmlformats.org/package/2006/content-types}"


def _check_office_zip(data):
    """A .docx or .xlsx: a zip with its content types, its main part well-formed, every member's checksum right;
    its size unzipped bounded from the directory, and its XML read as a stream (units/office_files.py), never
    parsed into a tree: 100 MB of empty elements took 3 GB and ten seconds as a tree."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = office_files.check_directory(archive, max_bytes=MAX_UNZIPPED_BYTES, max_members=MAX_ZIP_MEMBERS)
            if WEB_CONTENT.search(archive.comment) or not _ends_with_directory(data, archive.comment):
                raise EvidenceRefused(ACCEPTED)
            names = {m.filename.lower(): m for m in members}
            if any(name.endswith(("vbaproject.bin", "vbadata.xml")) or "/activex/" in f"/{name}" for name in names):
                raise EvidenceRefused(SCRIPTED.format("macro hoặc ActiveX"))
            if "[content_types].xml" not in names:
                raise EvidenceRefused(ACCEPTED)
            scripted, main = [], []  # kept as read: the macro types seen, the main parts (at most two: one is right)

            def content_type_of(element):
                content_type = element.get("ContentType") or ""
                if any(word in content_type.lower() for word in ("macroenabled", "vbaproject", "activex")):
                    scripted[:] = [content_type]
                elif (element.tag == f"{CONTENT_TYPES_NS}Override" and content_type in OOXML_MAIN
                      and len(main) < 2):
                    main.append((content_type, element.get("PartName") or ""))

            office_files.scan_part(archive, names["[content_types].xml"], max_elements=MAX_XML_ELEMENTS,
                                   on_element=content_type_of)
            if scripted:
                raise EvidenceRefused(SCRIPTED.format("macro"))
            if len(main) != 1:
                raise EvidenceRefused(ACCEPTED)
            kind, part = main[0]
            office_files.scan_part(archive, part.lstrip("/"), max_elements=MAX_XML_ELEMENTS)
            for member in members:  # a flipped byte anywhere fails its checksum here
                with archive.open(member) as stream:
                    while stream.read(1024 * 1024):
                        pass
    except EvidenceRefused:
        raise
    except office_files.TooLarge as too_large:
        logger.info("evidence zip too large unzipped: %s", too_large)
        raise EvidenceRefused(TOO_LARGE_UNZIPPED) from None
    except UNZIP_ERRORS as error:
        logger.info("unreadable evidence zip: %r", error)
        raise EvidenceRefused(DAMAGED.format("Word/Excel")) from None
    return OOXML_MAIN[kind]


def _ends_with_directory(data, comment):
    """The zip's end record is the last thing in the file: nothing (a web page) is appended after it."""
    end = data.rfind(b"PK\x05\x06")
    return end >= 0 and end + 22 + len(comment) == len(data)


def _check_ole(data):
    """A .doc or .xls (OLE compound file): its header sane, a Word or Excel stream named, no macro storage."""
    if len(data) < 1536 or data[28:30] != b"\xfe\xff" or struct.unpack("<H", data[30:32])[0] not in (9, 12):
        raise EvidenceRefused(DAMAGED.format("Word/Excel 97-2003"))
    if any(_ole_has_entry(data, name) for name in ("_VBA_PROJECT_CUR", "_VBA_PROJECT", "VBA", "Macros")):
        raise EvidenceRefused(SCRIPTED.format("macro"))
    if _ole_has_entry(data, "WordDocument"):
        return DOC
    if _ole_has_entry(data, "Workbook") or _ole_has_entry(data, "Book"):
        return XLS
    raise EvidenceRefused(ACCEPTED)


def _ole_has_entry(data, name):
    """Whether the compound file's directory has a storage or stream of this name: a 128-byte entry whose
    first 64 bytes are the UTF-16 name, zero-padded, then its length in bytes and its type (1 or 2)."""
    encoded = name.encode("utf-16-le") + b"\x00\x00"
    entry = encoded.ljust(64, b"\x00") + struct.pack("<H", len(encoded))
    position = data.find(entry, 512)
    while position >= 0:
        if (position - 512) % 128 == 0 and data[position + 66:position + 67] in (b"\x01", b"\x02"):
            return True
        position = data.find(entry, position + 1)
    return False


def stored_extension(content_type):
    """The extension an evidence file of this type is stored under ("" for a type not accepted)."""
    return EXTENSIONS.get(content_type, ("",))[0]


def display_name(name, content_type):
    """The name the user gave, fit to show and to offer as a download's name: no folders, no control or
    direction characters (a right-to-left override can make "gpj.exe" read "exe.jpg"), at most 255
    characters, and ending with an extension of what the file really is."""
    text = unicodedata.normalize("NFC", str(name or "")).replace("\\", "/").rsplit("/", 1)[-1]
    text = "".join(c for c in text if unicodedata.category(c)[0] != "C")
    text = " ".join(text.split()).strip(" .")
    extensions = EXTENSIONS.get(content_type, ("",))
    if not text.lower().endswith(extensions):
        text = f"{text or 'minh-chung'}{extensions[0]}"
    if len(text) > 255:
        stem, _, extension = text.rpartition(".")
        text = f"{stem[:254 - len(extension)]}.{extension}"
    return text


def same_file(candidates, uploaded):
    """The first of `candidates` (rows with a stored `file` and its `size`: a value's or a report's evidence, already
    narrowed to the name the upload is shown under) that holds exactly the uploaded content, so that a form posted
    twice (a double tap on a phone) finds the file its first post kept; None if none does, or if their files are
    gone from the storage."""
    uploaded.seek(0)
    data = uploaded.read()
    uploaded.seek(0)
    for row in candidates:
        if row.size == len(data) and _holds(row.file, data):
            return row
    return None


def holds_upload(file, uploaded):
    """Whether the stored `file` (a FieldFile) holds exactly the uploaded content (same_file, for one file whose row
    keeps no size: a task report's evidence); False if it is gone from the storage."""
    uploaded.seek(0)
    data = uploaded.read()
    uploaded.seek(0)
    return bool(file) and _holds(file, data)


def _holds(file, data):
    try:
        with file.open("rb") as stored:
            return stored.read() == data
    except OSError:
        return False


def already_attached(row):
    """Why an upload is not kept: the same file is attached already (same_file)."""
    from django.utils import timezone

    return (f"Tệp “{row.original_name}” đã được đính kèm lúc {timezone.localtime(row.uploaded_at):%H:%M %d/%m/%Y}; "
            "không đính kèm thêm lần nữa.")


def evidence_response(file, name, content_type):
    """An evidence file (a value's, a school report's, a task report's) as the one answer every download gives:
    always a download, never shown in the browser, under the type it was checked as (anything else: octet-stream),
    its name cleaned (display_name), nosniff, and kept by no shared cache."""
    from django.http import FileResponse

    checked = content_type if content_type in EXTENSIONS else "application/octet-stream"
    response = FileResponse(file.open("rb"), as_attachment=True, content_type=checked,
                            filename=display_name(name, content_type))
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
