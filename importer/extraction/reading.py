"""Reading a plan file (.txt, .docx, .pdf) into text, refusing what cannot be read with a clear message.

``read_document`` takes a path or an open file (an uploaded file included). Word files are read with
python-docx, tables as tab-separated rows; PDFs with pypdf, which needs a text layer: a scan gives no
text and is refused rather than read as an empty plan.

Every file is bounded before it is read whole: its size, then for a .docx (a zip) the zip's directory
(members, unzipped size) and its paragraphs counted while streaming, for a PDF its pages, and for any
file the characters of its text. A plan of 40 pages is about 100 KB of text, 800 paragraphs, 1 MB of
Word file; the caps sit far above that and far below what takes a worker minutes or a gigabyte.
"""

import io
import os
import re
import zipfile
from pathlib import Path

from .errors import ExtractionError
from .plan import has_plan_structure
from .targets import find_anchors
from .text import clean_text, outline

MAX_BYTES = 20 * 1024 * 1024  # an uploaded file
MAX_CHARS = 1_000_000  # characters of text, from any kind of file: about 400 pages
MAX_PDF_PAGES = 500
MAX_ZIP_MEMBERS = 500  # parts of a .docx: a plan has 10 to 40, more with many pictures
MAX_UNZIPPED_BYTES = 50 * 1024 * 1024  # all the parts of a .docx unzipped, pictures included
MAX_XML_BYTES = 20 * 1024 * 1024  # its XML parts unzipped, which are parsed whole
MAX_PARAGRAPHS = 30_000  # in a .docx's XML, table cells' paragraphs included

PDF_MAGIC = b"%PDF-"
ZIP_MAGIC = b"PK\x03\x04"
_WORD_PARAGRAPH = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}p"


def read_document(path_or_file, progress=None):
    """The text of a plan file. Raises ExtractionError for anything that is not a readable plan.

    ``progress``, if given, is called with a short Vietnamese note of each step (and each PDF page).
    """
    progress = progress or (lambda note: None)
    name, data = _load(path_or_file)
    kind = file_kind(name, len(data), data[:8])
    if not data.strip():
        raise ExtractionError(f"Tệp “{name}” rỗng, không có nội dung.")
    progress("Đang mở tệp")
    if kind == "pdf":
        text = _read_pdf(data, name, progress)
    elif kind == "docx":
        text = _read_docx(data, name)
    else:
        text = _read_txt(data)
    if not text.strip():
        raise ExtractionError(f"Tệp “{name}” không có nội dung văn bản.")
    if len(text) > MAX_CHARS:
        raise ExtractionError(_too_long(name))
    progress("Đang kiểm tra cấu trúc văn bản")
    ensure_plan(text, name)
    return text


def file_kind(name, size, head):
    """"pdf", "docx" or "txt" from the file's name and first bytes; ExtractionError for a file that is empty,
    too large or of a kind that is not read. Cheap, so that the upload form refuses such a file at once."""
    suffix = Path(name).suffix.lower()
    if size == 0:
        raise ExtractionError(f"Tệp “{name}” rỗng, không có nội dung.")
    if size > MAX_BYTES:
        raise ExtractionError(_too_large(name, size))
    if suffix == ".pdf" or head.startswith(PDF_MAGIC):
        return "pdf"
    if suffix in (".docx", ".txt"):
        return suffix[1:]
    if suffix == ".doc":
        raise ExtractionError(
            f"Tệp “{name}” là định dạng Word cũ (.doc): hãy lưu lại thành .docx hoặc .pdf rồi tải lên."
        )
    raise ExtractionError(
        f"Không hỗ trợ định dạng của tệp “{name}”. Chỉ đọc được tệp .txt, .docx và .pdf có lớp văn bản."
    )


def ensure_plan(text, name="văn bản"):
    """Refuse a text that has neither the headings of a plan nor any target-like figure."""
    cleaned = clean_text(text)
    _preamble, body = outline(cleaned)
    if has_plan_structure(body):
        return
    lines = body or [line for line in _preamble]
    if any(find_anchors(line.text, "target") for line in lines):
        return
    raise ExtractionError(
        f"“{name}” không phải là một kế hoạch: không thấy các phần mục tiêu, nhiệm vụ, tổ chức thực hiện "
        "và không có chỉ tiêu nào."
    )


def _load(path_or_file):
    """(name, bytes), refusing a file over MAX_BYTES before reading it whole."""
    if isinstance(path_or_file, (str, os.PathLike)):
        path = Path(path_or_file)
        if not path.is_file():
            raise ExtractionError(f"Không tìm thấy tệp “{path}”.")
        if path.stat().st_size > MAX_BYTES:
            raise ExtractionError(_too_large(path.name, path.stat().st_size))
        return path.name, path.read_bytes()
    name = Path(getattr(path_or_file, "name", None) or "tệp tải lên").name
    size = getattr(path_or_file, "size", None)
    if size is not None and size > MAX_BYTES:
        raise ExtractionError(_too_large(name, size))
    data = path_or_file.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise ExtractionError(_too_large(name, len(data)))
    if isinstance(data, str):
        data = data.encode("utf-8")
    return name, data


def _thousands(value):
    """A count as Vietnamese writes it: 30.000."""
    return f"{value:,}".replace(",", ".")


def _megabytes(size):
    return f"{size / 1024 / 1024:.1f} MB"


def _too_large(name, size):
    return (f"Tệp “{name}” quá lớn ({_megabytes(size)}): chỉ nhận tệp đến "
            f"{MAX_BYTES // 1024 // 1024} MB.")


def _too_long(name):
    return (f"Không đọc được tệp “{name}”: nội dung dài hơn {_thousands(MAX_CHARS)} ký tự (khoảng 400 trang), "
            "quá dài đối với một kế hoạch. Hãy tách thành nhiều tệp hoặc bỏ các phụ lục rồi tải lên lại.")


def _read_txt(data):
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    if data.count(b"\x00") > len(data) // 4:  # UTF-16 without a byte order mark
        return data.decode("utf-16-le" if data[1:2] == b"\x00" else "utf-16-be", errors="replace")
    return data.decode("cp1258", errors="replace")


def _read_pdf(data, name, progress):
    from pypdf import PdfReader
    from pypdf.errors import DependencyError, FileNotDecryptedError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise ExtractionError(f"Tệp PDF “{name}” được đặt mật khẩu: hãy gỡ mật khẩu rồi tải lên lại.")
        count = len(reader.pages)
        if count > MAX_PDF_PAGES:
            raise ExtractionError(
                f"Không đọc được tệp PDF “{name}”: tệp có {_thousands(count)} trang, quá "
                f"{_thousands(MAX_PDF_PAGES)} trang đọc được. Hãy tách phần kế hoạch ra một tệp riêng rồi tải lên.")
        pages, length = [], 0
        for index, page in enumerate(reader.pages, start=1):
            progress(f"Đang đọc trang {index}/{count}")
            pages.append(page.extract_text() or "")
            length += len(pages[-1])
            if length > MAX_CHARS:
                raise ExtractionError(_too_long(name))
    except (FileNotDecryptedError, DependencyError) as error:
        raise ExtractionError(f"Tệp PDF “{name}” được mã hóa, không đọc được nội dung.") from error
    except (ExtractionError, MemoryError):
        raise
    except Exception as error:  # a damaged file fails in many ways inside pypdf
        raise ExtractionError(f"Không đọc được tệp PDF “{name}”: tệp bị hỏng hoặc không đúng định dạng PDF.") from error
    text = "\n\n".join(pages)
    if len(re.sub(r"\s", "", text)) < 20:
        raise ExtractionError(
            f"Tệp PDF “{name}” không có lớp văn bản (có thể là bản quét hoặc ảnh chụp): hãy dùng bản Word "
            "hoặc PDF xuất từ Word, hoặc nhận dạng chữ (OCR) trước khi tải lên."
        )
    return text


def _damaged_docx(name):
    return f"Không đọc được tệp Word “{name}”: tệp bị hỏng hoặc không đúng định dạng .docx."


def _read_docx(data, name):
    from docx import Document
    from docx.table import Table

    check_docx(data, name)
    try:
        document = Document(io.BytesIO(data))
        lines, length = [], 0
        for block in document.iter_inner_content():
            added = _table_lines(block) if isinstance(block, Table) else [block.text]
            lines.extend(added)
            length += sum(len(line) + 1 for line in added)
            if length > MAX_CHARS:
                raise ExtractionError(_too_long(name))
    except (ExtractionError, MemoryError):
        raise
    except Exception as error:  # not a zip, no document part, damaged XML: python-docx raises them all
        raise ExtractionError(_damaged_docx(name)) from error
    return "\n".join(lines)


def check_docx(data, name):
    """Refuse a .docx whose zip directory announces too many parts or too many bytes unzipped (a zip bomb),
    or whose XML holds too many paragraphs, before python-docx unzips and parses it whole.

    The sizes in the directory bound what is unzipped: zipfile stops reading a part at its stated size.
    """
    if not data.startswith(ZIP_MAGIC):
        raise ExtractionError(_damaged_docx(name))
    too_big = (f"Không đọc được tệp Word “{name}”: khi giải nén, tệp lớn quá {MAX_UNZIPPED_BYTES // 1024 // 1024} MB "
               "(có thể là tệp bị hỏng hoặc tệp nén độc hại). Hãy mở tệp bằng Word, lưu lại thành .docx hoặc .pdf "
               "rồi tải lên.")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
            if len(members) > MAX_ZIP_MEMBERS:
                raise ExtractionError(
                    f"Không đọc được tệp Word “{name}”: tệp gồm {_thousands(len(members))} phần, nhiều hơn hẳn một văn "
                    "bản Word. Hãy mở tệp bằng Word, lưu lại thành .docx hoặc .pdf rồi tải lên.")
            if sum(member.file_size for member in members) > MAX_UNZIPPED_BYTES:
                raise ExtractionError(too_big)
            xml = [member for member in members if not member.is_dir() and _is_xml(archive, member)]
            if sum(member.file_size for member in xml) > MAX_XML_BYTES:
                raise ExtractionError(too_big)
            paragraphs = 0
            for member in xml:
                paragraphs += _count_paragraphs(archive, member, MAX_PARAGRAPHS - paragraphs)
                if paragraphs > MAX_PARAGRAPHS:
                    raise ExtractionError(
                        f"Không đọc được tệp Word “{name}”: văn bản có hơn {_thousands(MAX_PARAGRAPHS)} đoạn, quá dài "
                        "đối với một kế hoạch. Hãy tách thành nhiều tệp hoặc bỏ các phụ lục rồi tải lên lại.")
    except (ExtractionError, MemoryError):
        raise
    except Exception as error:
        # a damaged directory or part (BadZipFile, zlib.error, EOFError...), an unknown compression, an encrypted part
        raise ExtractionError(_damaged_docx(name)) from error


def _is_xml(archive, member):
    """Whether a part's first bytes read as XML (a picture's do not): those are the parts that get parsed."""
    with archive.open(member) as stream:
        head = stream.read(64)
    return head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<")


def _count_paragraphs(archive, member, limit):
    """The <w:p> elements of one XML part, read as a stream and counted up to just over ``limit``."""
    from lxml import etree

    count = 0
    with archive.open(member) as stream:
        try:
            for _event, element in etree.iterparse(stream, events=("end",), tag=_WORD_PARAGRAPH, resolve_entities=False,
                                                   no_network=True, load_dtd=False, huge_tree=False):
                count += 1
                if count > limit:
                    break
                element.clear(keep_tail=True)
        except etree.XMLSyntaxError:
            pass  # python-docx decides whether a part it needs is damaged
    return count


def _table_lines(table):
    """A data table as tab-separated rows; a layout table (header, signature) as its cells' lines."""
    from docx.table import _Cell

    rows, texts = [], {}
    for row in _row_cells(table):
        cells, seen = [], set()
        for tc in row:
            # A merged cell repeats in every column it spans: keep it once, the columns empty.
            if tc in seen:
                cells.append("")
            else:
                if tc not in texts:
                    texts[tc] = _Cell(tc, table).text
                cells.append(texts[tc])
            seen.add(tc)
        rows.append(cells)
    width = max((len(row) for row in rows), default=0)
    layout = width <= 2 or any("\n" in cell for row in rows for cell in row)
    if layout:
        return [line for row in rows for cell in row for line in cell.split("\n") if line.strip()]
    return ["\t".join(cell.replace("\n", " ") for cell in row) for row in rows]


MAX_GRID_SPAN = 1000  # columns one cell spans; Word makes tables of 63 columns at most


def _row_cells(table):
    """The <w:tc> of each row as python-docx's _Row.cells gives its cells: one spanning several columns
    repeated, one that continues a vertical merge replaced by the cell that starts it (ValueError when there
    is none, as python-docx raises). Resolved in one pass from the row above: python-docx looks each merged
    cell up again through every row above it, which took minutes for a crafted table of a thousand rows."""
    rows, above = [], None  # above: the previous row's cells by the grid column they start at
    for tr in table._tbl.tr_lst:
        row, starts, column = [], {}, tr.grid_before
        for tc in tr.tc_lst:
            if not 0 < tc.grid_span <= MAX_GRID_SPAN:
                raise ValueError(f"a cell spans {tc.grid_span} columns")
            if tc.vMerge == "continue":
                if above is None or column not in above:
                    raise ValueError(f"no cell above grid column {column} to continue")
                cells = above[column]
            else:
                cells = [tc] * tc.grid_span
            starts[column] = cells
            row.extend(cells)
            column += tc.grid_span
        rows.append(row)
        above = starts
    return rows
