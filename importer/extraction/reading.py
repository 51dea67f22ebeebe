"""Reading a plan file (.txt, .docx, .pdf) into text, refusing what cannot be read with a clear message.

``read_document`` takes a path or an open file (an uploaded file included). Word files are read with
python-docx, data tables as tab-separated rows, Word's automatic list numbering and bullets written out as
the markers a typed list has ("1.", "a)", "- "); PDFs with pypdf, which needs a text layer: a scan gives no
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

from lxml import etree

from units import office_files

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
MAX_XML_ELEMENTS = office_files.MAX_XML_ELEMENTS  # in a .docx's XML, read as a stream before python-docx parses it

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
        numbering = _ListNumbering(document)
        lines, length = [], 0
        for block in document.iter_inner_content():
            added = _table_lines(block) if isinstance(block, Table) else [numbering.marker(block._p) + block.text]
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
    or whose XML holds too many elements or paragraphs, before python-docx unzips and parses it whole.

    The sizes in the directory bound what is unzipped: zipfile stops reading a part at its stated size. The XML
    parts are read as a stream that keeps nothing (units/office_files.py, the check every upload shares): 20 MB of
    empty elements would be a tree of gigabytes in python-docx.
    """
    if not data.startswith(ZIP_MAGIC):
        raise ExtractionError(_damaged_docx(name))
    too_big = (f"Không đọc được tệp Word “{name}”: khi giải nén, tệp lớn quá {MAX_UNZIPPED_BYTES // 1024 // 1024} MB "
               "(có thể là tệp bị hỏng hoặc tệp nén độc hại). Hãy mở tệp bằng Word, lưu lại thành .docx hoặc .pdf "
               "rồi tải lên.")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            try:
                members = office_files.check_directory(archive, max_bytes=MAX_UNZIPPED_BYTES,
                                                       max_members=MAX_ZIP_MEMBERS)
            except office_files.TooLarge as too_large:
                if too_large.bound == "members":
                    raise ExtractionError(
                        f"Không đọc được tệp Word “{name}”: tệp gồm {_thousands(too_large.found)} phần, nhiều hơn hẳn "
                        "một văn bản Word. Hãy mở tệp bằng Word, lưu lại thành .docx hoặc .pdf rồi tải lên.") from None
                raise ExtractionError(too_big) from None
            xml = [member for member in members if office_files.is_xml(archive, member)]
            if sum(member.file_size for member in xml) > MAX_XML_BYTES:
                raise ExtractionError(too_big)
            paragraphs, elements = 0, 0
            for member in xml:
                try:
                    found, counted = office_files.scan_part(archive, member, max_bytes=MAX_XML_BYTES,
                                                            max_elements=MAX_XML_ELEMENTS - elements,
                                                            tag=_WORD_PARAGRAPH)
                except office_files.TooLarge:
                    raise ExtractionError(
                        f"Không đọc được tệp Word “{name}”: văn bản có hơn {_thousands(MAX_XML_ELEMENTS)} thành phần "
                        "(có thể là tệp bị hỏng hoặc tệp nén độc hại). Hãy mở tệp bằng Word, lưu lại thành .docx "
                        "hoặc .pdf rồi tải lên.") from None
                except etree.XMLSyntaxError:
                    continue  # python-docx decides whether a part it needs is damaged
                elements, paragraphs = elements + found, paragraphs + counted
                if paragraphs > MAX_PARAGRAPHS:
                    raise ExtractionError(
                        f"Không đọc được tệp Word “{name}”: văn bản có hơn {_thousands(MAX_PARAGRAPHS)} đoạn, quá dài "
                        "đối với một kế hoạch. Hãy tách thành nhiều tệp hoặc bỏ các phụ lục rồi tải lên lại.")
    except (ExtractionError, MemoryError):
        raise
    except Exception as error:
        # a damaged directory or part (BadZipFile, zlib.error, EOFError...), an unknown compression, an encrypted part
        raise ExtractionError(_damaged_docx(name)) from error


def _table_lines(table):
    """A data table as tab-separated rows (a cell's paragraphs joined by a space); a layout table (the
    header's two blocks, the signature) as its cells' lines."""
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
    if _is_layout(rows):
        return [line for row in rows for cell in row for line in cell.split("\n") if line.strip()]
    # a tab typed inside a cell would split it: the tab is the cells' separator
    return ["\t".join(" ".join(cell.replace("\t", " ").split()) for cell in row) for row in rows]


# What only the header or the signature block of a Vietnamese administrative document holds: the national
# motto, "Nơi nhận:", a signature's "TM./KT./TL./Q." line, the "Số: 12/KH-UBND" line.
_LAYOUT_MARK = re.compile(r"CỘNG HÒA XÃ HỘI CHỦ NGHĨA|CỘNG HOÀ XÃ HỘI CHỦ NGHĨA|Độc lập\s*[-–]\s*Tự do|^\s*Nơi nhận\b"
                          r"|^\s*(?:TM|KT|TL|TUQ|Q)\.\s|^\s*Số\s*:\s*\S+/", re.IGNORECASE | re.MULTILINE)


def _is_layout(rows):
    """Whether a table only lays out text side by side (the issuer beside the motto, the recipients beside
    the signature) rather than holding data: two columns at most, or a header's or signature's marks, or
    cells of several paragraphs with no two rows of two filled cells (a data table has a header row and rows
    of data). A data table whose cell holds two paragraphs is data."""
    width = max((len(row) for row in rows), default=0)
    if any(_LAYOUT_MARK.search(cell) for row in rows for cell in row):
        return True
    if width <= 2:
        return not _two_column_data(rows)
    several = any("\n" in cell for row in rows for cell in row)
    filled = sum(1 for row in rows if sum(1 for cell in row if cell.strip()) >= 2)
    return several and filled < 2


def _two_column_data(rows):
    """Whether a table of two columns is a list of values ("Chỉ tiêu | Kết quả đến năm 2030", then a name
    and its value on each row): a header row of two filled cells, then rows most of whose second cells
    state a value (a figure, a bound, a range, a count, a level)."""
    from .tables import is_value_cell

    if len(rows) < 2 or len(rows[0]) < 2 or not all(cell.strip() for cell in rows[0]):
        return False
    values = [row[1] for row in rows[1:] if len(row) > 1 and row[1].strip()]
    return len(values) * 2 >= len(rows) - 1 and sum(1 for value in values if is_value_cell(value)) * 2 > len(values)


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


# ---- Word's automatic numbering ---------------------------------------------------------------------

# A paragraph that already starts with a marker someone typed: Word's number is not added to it.
_TYPED_MARKER = re.compile(r"^\s*(?:[-+•*–—·○●■□▪◦➢➤✓√]|\(?\d+(?:\.\d+)*[.)/]|\(?[a-zđ][.)]\s|[IVXLC]+[.)]\s"
                           r"|(?:PHẦN|Phần|CHƯƠNG|Chương|MỤC|Mục|Điều)\s+[\dIVXLC]+\b)")
_LEVELS = 9  # Word's list levels, ilvl 0 to 8
_ROMAN_DIGITS = [(1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"), (50, "l"), (40, "xl"),
                 (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")]
# formats read from the style's name when the document holds no numbering definition for it
_STYLE_FORMATS = [(re.compile(r"^List Bullet", re.IGNORECASE), ("bullet", "")),
                  (re.compile(r"^List Number", re.IGNORECASE), ("decimal", "%1."))]


def _roman(number):
    out = ""
    for value, digits in _ROMAN_DIGITS:
        while number >= value:
            out, number = out + digits, number - value
    return out


def _letters(number):
    """1 → a, 26 → z, 27 → aa (Word repeats the letter)."""
    return "abcdefghijklmnopqrstuvwxyz"[(number - 1) % 26] * ((number - 1) // 26 + 1) if number > 0 else ""


def _format(number, kind):
    if kind in ("lowerLetter", "upperLetter"):
        text = _letters(number)
        return text.upper() if kind == "upperLetter" else text
    if kind in ("lowerRoman", "upperRoman"):
        text = _roman(number)
        return text.upper() if kind == "upperRoman" else text
    if kind == "decimalZero":
        return f"{number:02d}"
    return str(number)


class _ListNumbering:
    """The markers Word draws before the paragraphs of its automatic lists, as the text a typed list has:
    a bullet as "- " ("+ " below the first level), a number from the level's own text ("%1." → "1.",
    "%1.%2." → "1.2.", "%1)" with letters → "a)"), counted per list (numId) and level, a level restarting
    below the one before it. The format is read from the numbering part, else from the style's name
    (List Bullet, List Number)."""

    def __init__(self, document):
        from docx.oxml.ns import qn

        self._qn = qn
        self._counters = {}
        self._styles = {}  # style id: (numId, ilvl, style name, based on)
        self._default = None  # the paragraph style of a paragraph that names none
        for style in document.styles.element.findall(qn("w:style")):
            if style.get(qn("w:type")) == "paragraph" and style.get(qn("w:default")) in ("1", "true", "on"):
                self._default = style.get(qn("w:styleId"))
            num_id, level = self._num_pr(style.find(qn("w:pPr")))
            name = style.find(qn("w:name"))
            based = style.find(qn("w:basedOn"))
            self._styles[style.get(qn("w:styleId"))] = (
                num_id, level, name.get(qn("w:val")) if name is not None else "",
                based.get(qn("w:val")) if based is not None else None)
        self._abstracts, self._nums = {}, {}
        part = _numbering_element(document)
        if part is None:
            return
        for abstract in part.findall(qn("w:abstractNum")):
            levels = {}
            for lvl in abstract.findall(qn("w:lvl")):
                levels[self._int(lvl.get(qn("w:ilvl")))] = self._level(lvl)
            link = abstract.find(qn("w:numStyleLink"))
            self._abstracts[abstract.get(qn("w:abstractNumId"))] = (
                levels, link.get(qn("w:val")) if link is not None else None)
        for num in part.findall(qn("w:num")):
            abstract = num.find(qn("w:abstractNumId"))
            overrides = {}
            for override in num.findall(qn("w:lvlOverride")):
                level = self._int(override.get(qn("w:ilvl")))
                lvl, start = override.find(qn("w:lvl")), override.find(qn("w:startOverride"))
                overrides[level] = (self._level(lvl) if lvl is not None else None,
                                    self._int(start.get(qn("w:val")), None) if start is not None else None)
            self._nums[num.get(qn("w:numId"))] = (
                abstract.get(qn("w:val")) if abstract is not None else None, overrides)

    @staticmethod
    def _int(value, default=0):
        try:
            return int(value)
        except (TypeError, ValueError):
            return default

    def _val(self, element, tag):
        child = element.find(self._qn(tag)) if element is not None else None
        return child.get(self._qn("w:val")) if child is not None else None

    def _level(self, lvl):
        """(format, level text, start) of a <w:lvl>."""
        return (self._val(lvl, "w:numFmt") or "decimal", self._val(lvl, "w:lvlText"),
                self._int(self._val(lvl, "w:start"), 1))

    def _num_pr(self, p_pr):
        """(numId, ilvl) of a <w:pPr>, either None when not stated."""
        num_pr = p_pr.find(self._qn("w:numPr")) if p_pr is not None else None
        if num_pr is None:
            return None, None
        level = self._val(num_pr, "w:ilvl")
        return self._val(num_pr, "w:numId"), self._int(level) if level is not None else None

    def _style_numbering(self, style_id):
        """(numId, ilvl, style name) a paragraph style gives, through the styles it is based on."""
        num_id, level, name, seen = None, None, None, set()
        while style_id in self._styles and style_id not in seen:
            seen.add(style_id)
            own_id, own_level, own_name, based = self._styles[style_id]
            name = name or own_name
            num_id = num_id if num_id is not None else own_id
            level = level if level is not None else own_level
            style_id = based
        return num_id, level, name

    def _definition(self, num_id, level, depth=0):
        """(format, level text, start) of a list's level, or None."""
        if num_id not in self._nums or depth > 3:
            return None
        abstract_id, overrides = self._nums[num_id]
        override, start = overrides.get(level, (None, None))
        definition = override
        if definition is None and abstract_id in self._abstracts:
            levels, link = self._abstracts[abstract_id]
            definition = levels.get(level)
            if definition is None and link:  # the list is defined by a numbering style
                linked, _level, _name = self._style_numbering(link)
                return self._definition(linked, level, depth + 1) if linked and linked != num_id else None
        if definition is not None and start is not None:
            definition = (definition[0], definition[1], start)
        return definition

    def marker(self, p):
        """The marker to write before a paragraph (a <w:p>), "" for a paragraph not in a list."""
        p_pr = p.pPr
        num_id, level = self._num_pr(p_pr)
        style_num, style_level, name = self._style_numbering(self._val(p_pr, "w:pStyle") or self._default)
        num_id = num_id if num_id is not None else style_num
        level = level if level is not None else style_level or 0
        if num_id == "0" or not 0 <= level < _LEVELS:
            return ""
        definition = self._definition(num_id, level) if num_id is not None else None
        if definition is None:
            fallback = next((kind for pattern, kind in _STYLE_FORMATS if pattern.match(name or "")), None)
            if fallback is None:
                return ""
            definition, num_id = (*fallback, 1), num_id or f"style:{name}"
        kind, text, _start = definition
        counts = self._count(num_id, level)  # Word counts every paragraph of the list, even one it shows bare
        written = "".join(t.text or "" for t in p.iter(self._qn("w:t")))
        if kind == "none" or not written.strip() or _TYPED_MARKER.match(written):
            return ""
        if kind == "bullet":
            return "- " if level == 0 else "+ "
        rendered = self._render(num_id, text, level, counts, kind).strip()
        if not rendered:
            return ""
        if rendered[-1].isalnum():
            rendered += ")" if kind in ("lowerLetter", "upperLetter") else "."
        return rendered + " "

    def _count(self, num_id, level):
        """Advance the list's counter at ``level`` (deeper levels start again) and return the counters."""
        counts = self._counters.setdefault(num_id, [None] * _LEVELS)
        if counts[level] is None:
            definition = self._definition(num_id, level)
            counts[level] = definition[2] if definition else 1
        else:
            counts[level] += 1
        for deeper in range(level + 1, _LEVELS):
            counts[deeper] = None
        return counts

    def _render(self, num_id, text, level, counts, kind):
        if text is None:  # no level text: the level's own number, as a typed list writes it
            text = f"%{level + 1}."
        def number(match):
            index = int(match.group(1)) - 1
            if not 0 <= index < _LEVELS:
                return ""
            definition = self._definition(num_id, index) if index != level else (kind, None, 1)
            value = counts[index] if counts[index] is not None else (definition[2] if definition else 1)
            return _format(value, definition[0] if definition else "decimal")
        return re.sub(r"%(\d)", number, text)


def _numbering_element(document):
    """The <w:numbering> of a document, or None: python-docx would add an empty part when there is none."""
    from docx.opc.constants import RELATIONSHIP_TYPE as RT

    for rel in document.part.rels.values():
        if rel.reltype == RT.NUMBERING and not rel.is_external:
            return rel.target_part.element if hasattr(rel.target_part, "element") else None
    return None
