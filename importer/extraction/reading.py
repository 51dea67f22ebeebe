"""Reading a plan file (.txt, .docx, .pdf) into text, refusing what cannot be read with a clear message.

``read_document`` takes a path or an open file (an uploaded file included). Word files are read with
python-docx, tables as tab-separated rows; PDFs with pypdf, which needs a text layer: a scan gives no
text and is refused rather than read as an empty plan.
"""

import io
import os
import re
from pathlib import Path

from .errors import ExtractionError
from .plan import has_plan_structure
from .targets import find_anchors
from .text import clean_text, outline

MAX_BYTES = 20 * 1024 * 1024
SUPPORTED = (".txt", ".docx", ".pdf")


def read_document(path_or_file):
    """The text of a plan file. Raises ExtractionError for anything that is not a readable plan."""
    name, data = _load(path_or_file)
    suffix = Path(name).suffix.lower()
    if not data.strip():
        raise ExtractionError(f"Tệp “{name}” rỗng, không có nội dung.")
    if suffix == ".pdf" or data[:5] == b"%PDF-":
        text = _read_pdf(data, name)
    elif suffix == ".docx":
        text = _read_docx(data, name)
    elif suffix == ".txt":
        text = _read_txt(data)
    elif suffix == ".doc":
        raise ExtractionError(
            f"Tệp “{name}” là định dạng Word cũ (.doc): hãy lưu lại thành .docx hoặc .pdf rồi tải lên."
        )
    else:
        raise ExtractionError(
            f"Không hỗ trợ định dạng của tệp “{name}”. Chỉ đọc được tệp .txt, .docx và .pdf có lớp văn bản."
        )
    if not text.strip():
        raise ExtractionError(f"Tệp “{name}” không có nội dung văn bản.")
    ensure_plan(text, name)
    return text


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


def _too_large(name, size):
    return (f"Tệp “{name}” quá lớn ({size / 1024 / 1024:.1f} MB): chỉ nhận tệp đến "
            f"{MAX_BYTES // 1024 // 1024} MB.")


def _read_txt(data):
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    if data.count(b"\x00") > len(data) // 4:  # UTF-16 without a byte order mark
        return data.decode("utf-16-le" if data[1:2] == b"\x00" else "utf-16-be", errors="replace")
    return data.decode("cp1258", errors="replace")


def _read_pdf(data, name):
    from pypdf import PdfReader
    from pypdf.errors import DependencyError, FileNotDecryptedError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise ExtractionError(f"Tệp PDF “{name}” được đặt mật khẩu: hãy gỡ mật khẩu rồi tải lên lại.")
        pages = [page.extract_text() or "" for page in reader.pages]
    except (FileNotDecryptedError, DependencyError) as error:
        raise ExtractionError(f"Tệp PDF “{name}” được mã hóa, không đọc được nội dung.") from error
    except ExtractionError:
        raise
    except Exception as error:  # a damaged file fails in many ways inside pypdf
        raise ExtractionError(f"Tệp PDF “{name}” bị hỏng hoặc không đúng định dạng PDF.") from error
    text = "\n\n".join(pages)
    if len(re.sub(r"\s", "", text)) < 20:
        raise ExtractionError(
            f"Tệp PDF “{name}” không có lớp văn bản (có thể là bản quét hoặc ảnh chụp): hãy dùng bản Word "
            "hoặc PDF xuất từ Word, hoặc nhận dạng chữ (OCR) trước khi tải lên."
        )
    return text


def _read_docx(data, name):
    from docx import Document
    from docx.table import Table

    try:
        document = Document(io.BytesIO(data))
        lines = []
        for block in document.iter_inner_content():
            if isinstance(block, Table):
                lines.extend(_table_lines(block))
            else:
                lines.append(block.text)
    except Exception as error:  # not a zip, no document part, damaged XML: python-docx raises them all
        raise ExtractionError(f"Tệp Word “{name}” bị hỏng hoặc không đúng định dạng .docx.") from error
    return "\n".join(lines)


def _table_lines(table):
    """A data table as tab-separated rows; a layout table (header, signature) as its cells' lines."""
    rows = []
    for row in table.rows:
        cells, seen = [], []
        for cell in row.cells:
            # A merged cell repeats in every column it spans: keep it once, the columns empty.
            repeated = any(element is cell._tc for element in seen)
            cells.append("" if repeated else cell.text)
            seen.append(cell._tc)
        rows.append(cells)
    width = max((len(row) for row in rows), default=0)
    layout = width <= 2 or any("\n" in cell for row in rows for cell in row)
    if layout:
        return [line for row in rows for cell in row for line in cell.split("\n") if line.strip()]
    return ["\t".join(cell.replace("\n", " ") for cell in row) for row in rows]
