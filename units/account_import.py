"""The bulk import of accounts from an Excel list, both ways: the template workbook to fill in, and the reading
of it back. As with the school's offline form (reports/school_form_xlsx.py), the file is never trusted: its
container is checked, every cell is read, each problem comes back naming its cell in Vietnamese, and nothing is
created unless the whole file is valid (import_accounts runs in one transaction)."""

import io
import logging
import struct
import warnings
import zipfile
import zlib
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models.functions import Lower
from lxml import etree
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation

from . import access, office_files
from .accounts import create_account
from .models import Role, UnitKind

logger = logging.getLogger(__name__)

SHEET = "Tài khoản"
UNITS_SHEET = "Đơn vị"
CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
COLUMNS = [("A", "Tên đăng nhập"), ("B", "Họ và tên"), ("C", "Thư điện tử"), ("D", "Mã đơn vị"), ("E", "Vai trò"),
           ("F", "Chức vụ (không bắt buộc)")]
MAX_ROWS = 2000
ZIP_MAGIC = b"PK\x03\x04"
UNREADABLE = ("Không đọc được tệp Excel: tệp bị hỏng hoặc không phải tệp .xlsx. Hãy dùng mẫu tải từ Cổng, "
              "lưu lại dạng .xlsx rồi tải lên.")
TOO_LARGE_UNZIPPED = ("Tệp Excel quá lớn khi giải nén, không phải danh sách tài khoản theo mẫu của Cổng. Hãy tải mẫu "
                      "từ Cổng, điền danh sách rồi tải lên.")
# what reading a damaged zip or its XML raises: a bad header or checksum, a broken deflate stream, offsets outside
# the file, an unknown compression, XML that is not
UNREADABLE_ZIP = (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, OSError, ValueError, EOFError, KeyError,
                  OverflowError, RuntimeError, NotImplementedError, IndexError, struct.error, etree.XMLSyntaxError)


@dataclass(frozen=True)
class ImportProblem:
    """One problem of an uploaded list; sheet and cell are empty when it concerns the whole file."""

    sheet: str
    cell: str
    message: str

    def __str__(self):
        return f"{self.sheet}!{self.cell}: {self.message}" if self.cell else self.message


@dataclass
class AccountRow:
    username: str
    full_name: str
    email: str
    unit: object
    role: str
    title: str


def role_labels():
    labels = dict(Role.choices)
    return {labels[role]: role.value for role in access.GRANTABLE_ROLES}


# --- building ---------------------------------------------------------------------------------------------------


def build_template(admin):
    """The bytes of the workbook an administrator fills in: the list sheet, and the codes of its units."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = SHEET
    header_fill = PatternFill("solid", fgColor="DDE7F3")
    for index, (letter, label) in enumerate(COLUMNS, start=1):
        cell = sheet.cell(row=1, column=index, value=label)
        cell.font, cell.fill, cell.data_type = Font(bold=True), header_fill, "s"
        sheet.column_dimensions[letter].width = 28
    sheet.append(["hieutruong.vidu", "Nguyễn Văn An", "an.nv@example.vn", "MA-DON-VI", "Cán bộ trường", "Hiệu trưởng"])
    for cell in office_files.as_text(sheet[2]):
        cell.font = Font(italic=True, color="888888")
    roles = DataValidation(type="list", formula1='"' + ",".join(role_labels()) + '"', allow_blank=True,
                           showErrorMessage=True, errorTitle="Vai trò", error="Hãy chọn một vai trò trong danh sách.")
    sheet.add_data_validation(roles)
    roles.add(f"E2:E{MAX_ROWS}")
    sheet.freeze_panes = "A2"
    units = workbook.create_sheet(UNITS_SHEET)
    units.append(["Mã đơn vị", "Tên đơn vị", "Loại"])
    for cell in office_files.as_text(units[1]):
        cell.font, cell.fill = Font(bold=True), header_fill
    for unit in access.administered_units(admin).not_closed().order_by("path"):
        # every text a user typed (a unit's name) written as text, never as a formula
        units.append([unit.code, unit.name, unit.get_kind_display()])
        office_files.as_text(units[units.max_row])
    units.column_dimensions["A"].width, units.column_dimensions["B"].width = 24, 50
    workbook.properties.creator = "Cổng theo dõi thực hiện Nghị quyết 71-NQ/TW"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --- reading ----------------------------------------------------------------------------------------------------


def read_accounts(uploaded_file, admin):
    """(rows, errors): the accounts of the list if every cell is right, else the errors. Never raises."""
    refusal = _check_container(uploaded_file)
    if refusal:
        return [], [ImportProblem("", "", refusal)]
    try:
        raw = _read_sheet(uploaded_file)
    except Exception:  # openpyxl raises many kinds of errors on damaged files; all mean the same here
        logger.info("unreadable account list", exc_info=True)
        return [], [ImportProblem("", "", UNREADABLE)]
    if raw is None:
        return [], [ImportProblem("", "", f"Tệp không có trang tính “{SHEET}”. Hãy dùng mẫu tải từ Cổng.")]
    if not raw:
        return [], [ImportProblem("", "", "Danh sách không có tài khoản nào (từ dòng 2 trở đi).")]
    return _check_rows(raw, admin)


def _check_container(uploaded_file):
    size = uploaded_file.size
    if size > settings.XLSX_MAX_BYTES:
        return f"Tệp quá lớn: tối đa {settings.XLSX_MAX_BYTES // (1024 * 1024)} MB."
    if size == 0:
        return "Tệp rỗng: hãy chọn tệp Excel danh sách tài khoản."
    uploaded_file.seek(0)
    head = uploaded_file.read(4)
    uploaded_file.seek(0)
    if head != ZIP_MAGIC:
        return "Tệp không phải là tệp Excel .xlsx. Hãy tải mẫu từ Cổng, điền danh sách rồi tải lên."
    try:
        with zipfile.ZipFile(uploaded_file) as archive:
            members = office_files.check_directory(archive)
            names = [member.filename.lower() for member in members]
            if any(name.endswith("vbaproject.bin") for name in names):
                return "Tệp có chứa macro, không được chấp nhận. Hãy lưu lại dạng .xlsx rồi tải lên."
            if "xl/workbook.xml" not in names:
                return "Tệp không phải là tệp Excel .xlsx. Hãy tải mẫu từ Cổng, điền danh sách rồi tải lên."
            # openpyxl reads the shared strings, styles... whole: their XML is read as a stream first, bounded
            office_files.check_xml_parts(archive, members)
    except office_files.TooLarge as too_large:
        logger.info("account list too large unzipped: %s", too_large)
        return TOO_LARGE_UNZIPPED
    except UNREADABLE_ZIP as error:
        logger.info("unreadable account list: %r", error)
        return UNREADABLE
    finally:
        uploaded_file.seek(0)
    return None


def _read_sheet(uploaded_file):
    """[(row number, [cells of A..F])] of the non-empty rows below the header; None without the sheet."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        workbook = load_workbook(uploaded_file, read_only=True, data_only=False, keep_links=False)
        try:
            if SHEET not in workbook.sheetnames:
                return None
            rows = []
            cells = workbook[SHEET].iter_rows(min_row=2, max_row=MAX_ROWS + 1, max_col=len(COLUMNS))
            for number, row in enumerate(cells, start=2):
                values = [(getattr(cell, "value", None), getattr(cell, "data_type", None)) for cell in row]
                values += [(None, None)] * (len(COLUMNS) - len(values))
                if any(value not in (None, "") for value, _ in values):
                    rows.append((number, values))
            return rows
        finally:
            workbook.close()


def _check_rows(raw, admin):
    errors, rows = [], []
    texts = {number: [_text(value) for value, _ in values] for number, values in raw}
    usernames = {t[0].lower() for t in texts.values() if t[0]}
    emails = {t[2].lower() for t in texts.values() if t[2]}
    users = get_user_model().objects
    # whatever the case (the web form's rule): "HieuTruong.A1" is taken by "hieutruong.a1", "Hoa@A1.vn" by "hoa@a1.vn"
    taken_usernames = set(users.annotate(key=Lower("username")).filter(key__in=usernames)
                          .values_list("key", flat=True)) if usernames else set()
    taken_emails = set(users.annotate(key=Lower("email")).filter(key__in=emails)
                       .values_list("key", flat=True)) if emails else set()
    units = {unit.code: unit for unit in access.administered_units(admin).not_closed().select_related("parent")
             .filter(code__in={t[3].upper() for t in texts.values() if t[3]})}
    roles = role_labels()
    seen_usernames, seen_emails = {}, {}

    for number, values in raw:
        username, full_name, email, code, role_label, title = texts[number]

        def error(letter, message, number=number):
            errors.append(ImportProblem(SHEET, f"{letter}{number}", message))

        formulas = [letter for (letter, _), (_, data_type) in zip(COLUMNS, values, strict=True) if data_type == "f"]
        if formulas:
            for letter in formulas:
                error(letter, "Ô có công thức: hãy ghi giá trị, không dùng công thức.")
            continue
        if not username:
            error("A", "Thiếu tên đăng nhập.")
        else:
            try:
                UnicodeUsernameValidator()(username)
                if len(username) > 150:
                    raise ValidationError("")
            except ValidationError:
                error("A", f"Tên đăng nhập “{username}” không hợp lệ: chỉ gồm chữ, số và các dấu . @ + - _ "
                           "(tối đa 150 ký tự).")
            if username.lower() in taken_usernames:
                error("A", f"Tên đăng nhập “{username}” đã có người dùng.")
            elif username.lower() in seen_usernames:
                error("A", f"Tên đăng nhập “{username}” trùng với dòng {seen_usernames[username.lower()]}.")
            seen_usernames.setdefault(username.lower(), number)
        if not full_name:
            error("B", "Thiếu họ và tên.")
        elif len(full_name) > 150:
            error("B", "Họ và tên dài quá 150 ký tự.")
        if not email:
            error("C", "Thiếu thư điện tử: thư đặt mật khẩu được gửi tới địa chỉ này.")
        else:
            try:
                validate_email(email)
            except ValidationError:
                error("C", f"Địa chỉ thư điện tử “{email}” không hợp lệ.")
            if email.lower() in taken_emails:
                error("C", f"Địa chỉ {email} đã thuộc một tài khoản khác.")
            elif email.lower() in seen_emails:
                error("C", f"Địa chỉ {email} trùng với dòng {seen_emails[email.lower()]}.")
            seen_emails.setdefault(email.lower(), number)
        unit = units.get(code.upper()) if code else None
        if not code:
            error("D", "Thiếu mã đơn vị.")
        elif unit is None:
            error("D", f"Mã đơn vị “{code}” không có, hoặc không thuộc phạm vi bạn quản trị (xem trang “{UNITS_SHEET}”).")
        role = roles.get(role_label) or (role_label if role_label in roles.values() else None)
        if not role_label:
            error("E", "Thiếu vai trò.")
        elif role is None:
            error("E", f"Vai trò “{role_label}” không hợp lệ: chọn một trong {', '.join(roles)}.")
        elif role == Role.SCHOOL_STAFF and unit is not None and unit.kind != UnitKind.SCHOOL:
            error("E", f"Vai trò cán bộ trường chỉ gán cho một trường học; “{unit.name}” không phải trường học.")
        elif unit is not None and not access.can_grant_role(admin, unit, role):
            error("E", access.grant_refusal(role))
        if len(title) > 120:
            error("F", "Chức vụ dài quá 120 ký tự.")
        rows.append(AccountRow(username, full_name, email.lower(), unit, role, title))
    return (rows, []) if not errors else ([], errors)


def _text(value):
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).split())


@transaction.atomic
def import_accounts(rows, *, by):
    """Create every account of a checked list, or none (one transaction)."""
    return [create_account(username=row.username, full_name=row.full_name, email=row.email, unit=row.unit,
                           role=row.role, title=row.title, by=by, imported=True) for row in rows]
