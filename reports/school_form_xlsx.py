"""The school's offline form of its report, both ways: the Excel workbook to fill in, and the reading of it back.

The workbook carries the item codes in column B and its school, period and report version on a hidden
"_meta" sheet, so an upload is read by code (not by position) and refused when it belongs to another
school or period. Reading never trusts the file: size, zip signature, macros, every cell are checked,
and each problem comes back as an UploadError naming the sheet and cell, in Vietnamese.
"""

import io
import logging
import lzma
import math
import secrets
import struct
import unicodedata
import warnings
import zipfile
import zlib
from collections import namedtuple
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.conf import settings
from django.utils import timezone
from lxml import etree
from openpyxl import Workbook, load_workbook
from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.utils.indexed_list import IndexedList
from openpyxl.workbook.protection import WorkbookProtection
from openpyxl.worksheet.datavalidation import DataValidation

from targets.fields import format_number, parse_vietnamese_number
from units.office_files import TooLarge, as_text, check_directory, check_xml_parts

from .actions import Upload, applicable_items, upload_refusal
from .entries import NARRATIVE, check_entries
from .models import ItemKind
from .report_xlsx import FONT_NAME, FONT_SIZE, LINE_HEIGHT

logger = logging.getLogger(__name__)

SHEET = "Báo cáo"
META_SHEET = "_meta"
GENERATED_FORMAT = "%Y-%m-%d %H:%M:%S"
FORMAT = "nq71-bao-cao-truong/1"
HEADERS = ["STT", "Mã mục", "Nội dung", "Giá trị", "Ghi chú"]
WIDTHS = {"A": 6, "B": 22, "C": 58, "D": 14, "E": 34}  # characters
HEADER_ROW = 4
CODE_COL, VALUE_COL = 2, 4  # B holds the item code, D the figure (or the narrative text)
VALUE_LETTER = "D"
# the narrative parts are read back by these keys in column B, like the items by their codes
NARRATIVE_KEYS = {"highlights": "ket-qua-noi-bat", "difficulties": "kho-khan-vuong-mac",
                  "proposals": "de-xuat-kien-nghi"}
YES, NO = "Có", "Không"

MAX_ROWS = 500  # the form has about 40 rows; anything below this is not ours and is not read
MAX_TEXT = 5000  # as the web form's narrative fields
MAX_COUNT = Decimal(10) ** 12 - 1  # what SchoolReportEntry.value (14 digits, 2 places) can hold
MAX_UNZIPPED_BYTES = 30 * 1024 * 1024  # a zip bomb under the upload limit stops here
MAX_ZIP_MEMBERS = 500

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
UNREADABLE = ("Không đọc được tệp Excel: tệp bị hỏng hoặc không phải tệp .xlsx. Hãy mở tệp bằng Excel, lưu lại "
              "dạng .xlsx rồi tải lên.")
# what reading a damaged zip raises: a bad header or checksum, a broken deflate stream (zlib.error), offsets
# that point outside the file (ValueError: negative seek value, OverflowError, EOFError, struct.error)...
UNREADABLE_ZIP = (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, lzma.LZMAError, KeyError, OSError, EOFError,
                  RuntimeError, NotImplementedError, ValueError, OverflowError, IndexError, struct.error)
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X"]

THIN = Side(style="thin", color="999999")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEADER_FILL = PatternFill("solid", fgColor="DDE7F3")
SECTION_FILL = PatternFill("solid", fgColor="EFEFEF")
INPUT_FILL = PatternFill("solid", fgColor="FFF8D6")
ALARM_FILL = PatternFill("solid", fgColor="F8C9C4")
UNLOCKED = Protection(locked=False)
WRAP = Alignment(wrap_text=True, vertical="top")
TOP = Alignment(vertical="top")


def _font(**properties):
    """A font of the form: Times New Roman, 12 pt unless `size` says otherwise, as the report workbooks
    (reports/report_xlsx.py); a Font without a name is shown in the spreadsheet's default."""
    return Font(**{"name": FONT_NAME, "size": FONT_SIZE, "family": 1, **properties})


BODY_FONT = _font()


@dataclass(frozen=True)
class UploadError:
    """One problem of an uploaded workbook; sheet and cell are empty when it concerns the whole file."""

    sheet: str
    cell: str
    message: str

    def __str__(self):
        return f"{self.sheet}!{self.cell}: {self.message}" if self.cell else self.message


# --- building ------------------------------------------------------------------------------------


def build_report_template(school, period, report):
    """The bytes of the .xlsx a principal fills in offline, pre-filled with the report's figures if any."""
    items = applicable_items(school)
    values = {entry.item_id: entry.value for entry in report.entries.all()} if report else {}
    workbook = Workbook()
    # the font of every cell without one of its own (what is typed in, the hidden sheet): openpyxl has no setting for
    # it but the first font of the workbook's list and the "Normal" style, which Excel and LibreOffice use
    workbook._fonts = IndexedList([BODY_FONT])
    workbook._named_styles["Normal"].font = BODY_FONT
    sheet = workbook.active
    sheet.title = SHEET
    _write_title(sheet, school, period, report)
    row = _write_items(sheet, items, values) + 1
    _write_narrative(sheet, row, report)
    _finish_sheet(sheet)
    _write_meta(workbook, school, period, report)
    workbook.security = WorkbookProtection(lockStructure=True)  # no renaming, deleting or unhiding sheets
    workbook.properties.title = f"Báo cáo {period.name} — {school.name}"
    workbook.properties.creator = "Cổng theo dõi thực hiện Nghị quyết 71-NQ/TW"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _write_title(sheet, school, period, report):
    sheet["A1"] = f"BÁO CÁO {period.name.upper()}"
    sheet["A1"].font = _font(bold=True, size=14)
    sheet["A2"] = (f"Trường: {school.name} (mã {school.code}) · Kỳ báo cáo: {period.name} · "
                   f"Hạn nộp: {period.deadline:%d/%m/%Y}")
    sheet["A2"].font = _font(bold=True)
    version = report.version if report else 0
    sheet["A3"] = (
        "Nhập số liệu vào các ô nền vàng của cột “Giá trị” và phần đánh giá ở cuối trang; không sửa cột "
        "“Mã mục”. Lưu tệp (dạng .xlsx) rồi tải lên trang báo cáo của trường trên Cổng. "
        f"Mẫu tải về lúc {timezone.localtime():%H:%M %d/%m/%Y} (phiên bản báo cáo {version})."
    )
    sheet["A3"].alignment = WRAP
    sheet["A3"].font = _font(italic=True, size=9)
    sheet.row_dimensions[3].height = 36
    for row in (1, 2, 3):
        sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=len(HEADERS))
    for column, label in enumerate(HEADERS, start=1):
        cell = sheet.cell(HEADER_ROW, column, label)
        cell.font = _font(bold=True)
        cell.fill = HEADER_FILL
        cell.border = BORDER
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)


def _write_items(sheet, items, values):
    """One row per item under its section's heading; returns the last row written."""
    shown = {item.code for item in items}
    validations = {
        ItemKind.COUNT: _validation("Hãy nhập số nguyên từ 0 trở lên.", type="whole", operator="greaterThanOrEqual",
                                    formula1="0"),
        ItemKind.YES_NO: _validation(f"Hãy chọn “{YES}” hoặc “{NO}”.", type="list", formula1=f'"{YES},{NO}"'),
    }
    level_validations = {}
    rows = {}
    row = HEADER_ROW
    for number, (section, section_items) in enumerate(_sections(items)):
        row += 1
        sheet.cell(row, 1, f"{ROMAN[number] if number < len(ROMAN) else number + 1}. {section}")
        sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=len(HEADERS))
        sheet.cell(row, 1).font = _font(bold=True)
        for column in range(1, len(HEADERS) + 1):
            sheet.cell(row, column).fill = SECTION_FILL
            sheet.cell(row, column).border = BORDER
        for position, item in enumerate(section_items, start=1):
            row += 1
            rows[item.code] = row
            sheet.cell(row, 1, position).alignment = Alignment(horizontal="center", vertical="top")
            code = sheet.cell(row, CODE_COL, item.code)
            code.font = _font(color="777777", size=9)
            code.alignment = TOP
            as_text([sheet.cell(row, 3, item.label)])[0].alignment = WRAP
            value = sheet.cell(row, VALUE_COL, _cell_value(item, values.get(item.id)))
            value.protection = UNLOCKED
            value.fill = INPUT_FILL
            value.alignment = Alignment(horizontal="right", vertical="top")
            if item.kind == ItemKind.LEVEL:
                maximum = item.max_value or 0
                if maximum not in level_validations:
                    level_validations[maximum] = _validation(
                        f"Hãy nhập một số nguyên từ 0 đến {maximum}.", type="whole", operator="between",
                        formula1="0", formula2=str(maximum))
                level_validations[maximum].add(value)
            else:
                validations[item.kind].add(value)
                if item.kind == ItemKind.COUNT:
                    value.number_format = "#,##0"
            sheet.cell(row, 5, _hint(item, shown)).alignment = WRAP
            # tall enough for the wrapped label and hint: LibreOffice and Excel's print keep a row's stored height
            sheet.row_dimensions[row].height = LINE_HEIGHT * max(_lines(item.label, WIDTHS["C"]),
                                                                 _lines(_hint(item, shown), WIDTHS["E"]))
            for column in range(1, len(HEADERS) + 1):
                sheet.cell(row, column).border = BORDER
    for item in items:
        # Excel shows a part above its whole in red while typing; the upload refuses it anyway
        if item.not_above_id and item.not_above.code in rows:
            part, whole = f"D{rows[item.code]}", f"D{rows[item.not_above.code]}"
            sheet.conditional_formatting.add(part, FormulaRule(
                formula=[f"AND(ISNUMBER({part}),ISNUMBER({whole}),{part}>{whole})"], fill=ALARM_FILL))
    for validation in [*validations.values(), *level_validations.values()]:
        if validation.sqref:
            sheet.add_data_validation(validation)
    return row


def _validation(error, **rule):
    # Excel only stops a wrong entry when asked to show the error; pasting still bypasses it
    return DataValidation(allow_blank=True, showErrorMessage=True, errorStyle="stop",
                          errorTitle="Số liệu không hợp lệ", error=error, **rule)


def _sections(items):
    groups = {}
    for item in items:
        groups.setdefault(item.section, []).append(item)
    return list(groups.items())


def _cell_value(item, value):
    if value is None:
        return None
    if item.kind == ItemKind.YES_NO:
        return YES if value > 0 else NO
    return int(value) if value == value.to_integral_value() else float(value)


def _hint(item, shown):
    if item.kind == ItemKind.YES_NO:
        return f"Chọn “{YES}” hoặc “{NO}”"
    if item.kind == ItemKind.LEVEL:
        return f"Số nguyên từ 0 đến {item.max_value or 0}"
    hint = "Số nguyên ≥ 0"
    if item.not_above_id and item.not_above.code in shown:
        hint += f"; không vượt quá: {item.not_above.label}"
    return hint


def _write_narrative(sheet, row, report):
    sheet.cell(row, 1, "Đánh giá chung").font = _font(bold=True)
    sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=len(HEADERS))
    for column in range(1, len(HEADERS) + 1):
        sheet.cell(row, column).fill = SECTION_FILL
        sheet.cell(row, column).border = BORDER
    validation = _validation(f"Mỗi phần đánh giá tối đa {format_number(MAX_TEXT)} ký tự.", type="textLength",
                             operator="lessThanOrEqual", formula1=str(MAX_TEXT))
    for field, label in NARRATIVE:
        row += 1
        code = sheet.cell(row, CODE_COL, NARRATIVE_KEYS[field])
        code.font = _font(color="777777", size=9)
        code.alignment = TOP
        sheet.cell(row, 3, label).font = _font(bold=True)
        sheet.cell(row, 3).alignment = WRAP
        text = sheet.cell(row, VALUE_COL, getattr(report, field, "") or None)
        if text.data_type == "f":
            text.data_type = "s"  # a narrative that starts with "=" is text, not a formula for Excel to run
        text.protection = UNLOCKED
        text.fill = INPUT_FILL
        text.alignment = WRAP
        validation.add(text)
        sheet.merge_cells(start_row=row, start_column=VALUE_COL, end_row=row, end_column=len(HEADERS))
        sheet.row_dimensions[row].height = 96
        for column in range(1, len(HEADERS) + 1):
            sheet.cell(row, column).border = BORDER
    sheet.add_data_validation(validation)


def _lines(text, width):
    """How many lines `text` wraps to in a column `width` characters wide (a little narrower, for proportional
    type)."""
    return max(1, math.ceil(len(text) / max(1, width - 4)))


def _finish_sheet(sheet):
    for letter, width in WIDTHS.items():
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = f"A{HEADER_ROW + 1}"
    sheet.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.orientation = sheet.ORIENTATION_PORTRAIT
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.page_margins.left = sheet.page_margins.right = 0.5
    sheet.oddFooter.center.text = "Trang &P / &N"
    # without a password: it guides the typing, it is not a security boundary (the upload checks all)
    sheet.protection.sheet = True
    sheet.protection.formatColumns = False  # still allowed: widening columns and rows to read
    sheet.protection.formatRows = False


def _write_meta(workbook, school, period, report):
    meta = workbook.create_sheet(META_SHEET)
    for row in [("format", FORMAT), ("school", school.code), ("school_name", school.name),
                ("period", period.code), ("period_name", period.name),
                ("version", report.version if report else 0),
                ("generated_at", timezone.localtime().strftime(GENERATED_FORMAT)),
                ("download", secrets.token_hex(8))]:  # this download's mark (upload_of)
        meta.append(row)
        as_text(meta[meta.max_row])  # a school named "=HYPERLINK(…)" stays text, not a formula
    meta.sheet_state = "hidden"
    meta.protection.sheet = True


# --- reading -------------------------------------------------------------------------------------

RawRow = namedtuple("RawRow", "number code value data_type")


def parse_report_upload(uploaded_file, school, period, into=None):
    """(entries code -> Decimal|None, narrative field -> text, errors): never raises on a bad file. `into`: a dict
    that receives the file's download ("upload": upload_of), for the save to check it again."""
    refusal = _check_container(uploaded_file)
    if refusal:
        return {}, {}, [UploadError("", "", refusal)]
    try:
        meta, rows = _read_workbook(uploaded_file)
    except Exception:
        # openpyxl raises many kinds of errors on damaged files (zip, XML, styles); all mean the same here
        logger.info("unreadable report upload for %s / %s", school.code, period.code, exc_info=True)
        return {}, {}, [UploadError("", "", UNREADABLE)]
    refusals = _check_meta(meta, school, period)
    if into is not None and meta is not None:
        into["upload"] = upload_of(meta)
    if refusals:
        return {}, {}, [UploadError("", "", message) for message in refusals]
    if rows is None:
        return {}, {}, [UploadError("", "", f"Tệp không có trang tính “{SHEET}”. Hãy dùng mẫu tải từ Cổng "
                                            "và không đổi tên trang tính.")]
    return _read_rows(rows, applicable_items(school))


def _check_container(uploaded_file):
    """A refusal message when the file is not a plain .xlsx of a sane size, else None."""
    size = _size(uploaded_file)
    if size > settings.XLSX_MAX_BYTES:
        return f"Tệp quá lớn ({_bytes_label(size)}): tối đa {_bytes_label(settings.XLSX_MAX_BYTES)}."
    if size == 0:
        return "Tệp rỗng: hãy chọn tệp Excel đã điền số liệu."
    uploaded_file.seek(0)
    head = uploaded_file.read(8)
    uploaded_file.seek(0)
    if head.startswith(OLE_MAGIC):
        return ("Tệp ở định dạng Excel 97-2003 (.xls), không đọc được. Hãy dùng mẫu tải từ Cổng, "
                "hoặc mở tệp bằng Excel và lưu lại dạng “Sổ làm việc Excel (*.xlsx)”.")
    not_xlsx = ("Tệp không phải là tệp Excel .xlsx (có thể là tệp CSV, PDF hay tệp khác được đổi tên). "
                "Hãy tải mẫu Excel từ Cổng, điền số liệu rồi tải lên.")
    macros = ("Tệp có chứa macro (tệp .xlsm), không được chấp nhận vì lý do an toàn. Hãy lưu lại dạng "
              "“Sổ làm việc Excel (*.xlsx)” rồi tải lên.")
    if not head.startswith(ZIP_MAGIC):
        return not_xlsx
    try:
        with zipfile.ZipFile(uploaded_file) as archive:
            members = {member.filename.lower(): member for member in archive.infolist()}
            if "[content_types].xml" not in members or "xl/workbook.xml" not in members:
                return not_xlsx
            if any(name.endswith("vbaproject.bin") for name in members):
                return macros
            too_large = "Tệp Excel quá lớn khi giải nén, không phải mẫu báo cáo của Cổng. Hãy dùng mẫu tải từ Cổng."
            try:  # the shared bounds of every Office file read (units.office_files): size, parts, XML elements
                check_directory(archive, max_bytes=MAX_UNZIPPED_BYTES, max_members=MAX_ZIP_MEMBERS)
                check_xml_parts(archive)
            except TooLarge:
                return too_large
            except etree.XMLSyntaxError as error:
                logger.info("damaged report upload: %r", error)
                return UNREADABLE
            if b"macroenabled" in archive.read(members["[content_types].xml"]).lower():
                return macros
            for member in members.values():  # every member's checksum: a flipped byte is found here, not later
                with archive.open(member) as stream:
                    while stream.read(1024 * 1024):
                        pass
    except UNREADABLE_ZIP as error:
        logger.info("damaged report upload: %r", error)
        return UNREADABLE
    finally:
        uploaded_file.seek(0)
    return None


def _size(uploaded_file):
    size = getattr(uploaded_file, "size", None)
    if size is None:
        size = uploaded_file.seek(0, io.SEEK_END)
        uploaded_file.seek(0)
    return size


def _bytes_label(size):
    for unit, scale in (("MB", 1024 * 1024), ("KB", 1024)):
        if size >= scale:
            return f"{format_number(Decimal(size) / scale, places=1).removesuffix(',0')} {unit}"
    return f"{size} byte"


def _read_workbook(uploaded_file):
    """The _meta pairs and the raw rows of the report sheet (None without it): all of openpyxl's work."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # openpyxl warns about Excel extensions it does not read
        workbook = load_workbook(uploaded_file, read_only=True, data_only=False, keep_links=False)
        try:
            meta = None
            if META_SHEET in workbook.sheetnames:
                meta = {str(key).strip(): value for key, value, *_ in
                        workbook[META_SHEET].iter_rows(max_row=30, max_col=2, values_only=True) if key}
            rows = None
            if SHEET in workbook.sheetnames:
                rows = []
                cells = workbook[SHEET].iter_rows(min_row=1, max_row=MAX_ROWS, max_col=VALUE_COL)
                for number, row in enumerate(cells, start=1):
                    code = row[CODE_COL - 1].value if len(row) >= CODE_COL else None
                    if code is None:
                        continue
                    value = row[VALUE_COL - 1] if len(row) >= VALUE_COL else None
                    rows.append(RawRow(number, code, getattr(value, "value", None),
                                       getattr(value, "data_type", None)))
            return meta, rows
        finally:
            workbook.close()


def _check_meta(meta, school, period):
    if meta is None or meta.get("format") != FORMAT:
        return ["Tệp không phải là mẫu báo cáo tải từ Cổng (không có thông tin nhận dạng trường và kỳ báo cáo). "
                "Hãy tải mẫu Excel trên trang báo cáo của trường rồi điền vào mẫu đó."]
    refusals = []
    upload = upload_of(meta)
    changed = upload_refusal(school, period, upload) if upload is not None else None
    if changed:
        refusals.append(changed)
    if str(meta.get("school") or "") != school.code:
        owner = _short(meta.get("school_name")) or "một trường khác"
        refusals.append(f"Tệp này là báo cáo của {owner} (mã {_short(meta.get('school'))}), không phải của "
                        f"{school.name}. Hãy tải mẫu Excel của trường mình.")
    if str(meta.get("period") or "") != period.code:
        other = _short(meta.get("period_name")) or "một kỳ khác"
        refusals.append(f"Tệp này là báo cáo {other} (mã kỳ {_short(meta.get('period'))}), không phải "
                        f"{period.name}. Hãy tải mẫu của {period.name}.")
    return refusals


def upload_of(meta):
    """The download an uploaded file came from (reports.actions.Upload), from its hidden sheet; None if its time is
    unreadable. Files from before 28/11/2026 carry no mark: their download's time stands for it."""
    try:
        downloaded = timezone.make_aware(datetime.strptime(str(meta.get("generated_at")), GENERATED_FORMAT))
    except (ValueError, OverflowError):  # not a time, or one at the end of the calendar (9999-12-31 23:59:59)
        return None
    return Upload(stamp=_short(meta.get("download") or meta.get("generated_at"), 64), downloaded_at=downloaded)


def _short(value, limit=120):
    return str(value or "").strip()[:limit]


def _read_rows(rows, items):
    by_code = {item.code: item for item in items}
    fields = {key: field for field, key in NARRATIVE_KEYS.items()}
    entries, narrative, errors, seen = {}, {}, [], {}
    for row in rows:
        code = _text(row.code)
        if not code or code == HEADERS[CODE_COL - 1]:
            continue
        cell = f"{VALUE_LETTER}{row.number}"
        if code in seen:
            errors.append(UploadError(SHEET, f"B{row.number}", f"mã mục “{code}” lặp lại (đã có ở dòng "
                                                              f"{seen[code]}); mỗi mục chỉ nhập một lần"))
            continue
        seen[code] = row.number
        try:
            if code in fields:
                narrative[fields[code]] = _narrative(row)
            elif code in by_code:
                entries[code] = _figure(by_code[code], row)
            else:
                errors.append(UploadError(SHEET, f"B{row.number}", f"mã mục “{_short(code, 64)}” không có trong "
                                                                  "mẫu báo cáo của trường; không sửa cột “Mã mục”"))
        except ValueError as error:
            errors.append(UploadError(SHEET, cell, str(error)))
    if not entries and not errors:
        errors.append(UploadError("", "", f"Không tìm thấy mục báo cáo nào trong trang tính “{SHEET}” (cột "
                                          "“Mã mục”). Hãy dùng mẫu tải từ Cổng."))
    for error in check_entries(items, entries):  # worded as the cells' errors: lower case, naming the item
        message = error.message[:1].lower() + error.message[1:].rstrip(".")
        errors.append(UploadError(SHEET, f"{VALUE_LETTER}{seen[error.item.code]}",
                                  f"{message} (mục “{error.item.label}”)"))
    # in the order of the sheet, as the user goes down it to correct them; the whole file's first
    errors.sort(key=lambda e: (bool(e.cell), int(e.cell[1:]) if e.cell[1:].isdigit() else 0, e.cell))
    return entries, narrative, errors


def _text(value):
    return unicodedata.normalize("NFC", str(value)).strip() if value is not None else ""


def _is_formula(row):
    return row.data_type == "f" or (isinstance(row.value, str) and row.value.lstrip().startswith("="))


def _figure(item, row):
    """The item's figure as a Decimal (None when blank), or ValueError with the reason in Vietnamese."""
    if item.kind == ItemKind.YES_NO:
        return _yes_no(item, row)
    label = f"mục “{item.label}”"
    if _is_formula(row):
        raise ValueError(f"có công thức, hãy nhập số ({label})")
    value = row.value
    if isinstance(value, str):
        text = value.strip().replace("\u00a0", "")
        if not text:
            return None
        if "%" in text:
            raise ValueError(f"nhập số, không kèm dấu %: mục này là số lượng, không phải tỷ lệ ({label})")
        try:
            number = parse_vietnamese_number(text)
        except ValueError:
            raise ValueError(f"“{_short(text, 40)}” không phải là số; hãy nhập số nguyên, ví dụ 25 hoặc 1.318 "
                             f"({label})") from None
    elif value is None:
        return None
    elif isinstance(value, bool):
        raise ValueError(f"“{'TRUE' if value else 'FALSE'}” không phải là số ({label})")
    elif isinstance(value, (datetime, date, time, timedelta)):
        raise ValueError(f"ô đang có dạng ngày giờ; hãy nhập số ({label})")
    elif isinstance(value, int):
        number = Decimal(value)  # not through str(): a cell of 5,000 digits is "too large", not a ValueError
    elif isinstance(value, (float, Decimal)):
        number = Decimal(str(value))
    else:
        raise ValueError(f"không đọc được giá trị; hãy nhập số ({label})")
    if not number.is_finite():
        raise ValueError(f"không phải là số ({label})")
    if number < 0:
        raise ValueError(f"số liệu không được âm ({label})")
    if number > MAX_COUNT:
        raise ValueError(f"số quá lớn: tối đa {format_number(MAX_COUNT)} ({label})")
    if number != number.to_integral_value():
        raise ValueError(f"phải là số nguyên, không có phần thập phân: {_short(format_number(number), 40)} ({label})")
    if item.kind == ItemKind.LEVEL and number > (item.max_value or 0):
        raise ValueError(f"mức cao nhất là {item.max_value or 0}, không được nhập {format_number(number)} ({label})")
    return number.quantize(Decimal(1))


def _yes_no(item, row):
    label = f"mục “{item.label}”"
    if _is_formula(row):
        raise ValueError(f"có công thức, hãy chọn “{YES}” hoặc “{NO}” ({label})")
    text = _text(row.value)
    if not text:
        return None
    answer = text.casefold()
    if answer == YES.casefold():
        return Decimal(1)
    if answer == NO.casefold():
        return Decimal(0)
    raise ValueError(f"“{_short(text, 40)}” không hợp lệ; hãy chọn “{YES}” hoặc “{NO}” ({label})")


def _narrative(row):
    label = next(label for field, label in NARRATIVE if NARRATIVE_KEYS[field] == _text(row.code))
    if row.data_type == "f":  # only a real formula: a text may well start with "="
        raise ValueError(f"có công thức, hãy nhập nội dung bằng chữ (phần “{label}”)")
    value = row.value
    if isinstance(value, datetime):
        value = f"{value:%d/%m/%Y}"
    text = _text(value).replace("\r\n", "\n")
    if len(text) > MAX_TEXT:
        raise ValueError(f"dài {format_number(len(text))} ký tự, tối đa {format_number(MAX_TEXT)} ký tự "
                         f"(phần “{label}”)")
    return text
