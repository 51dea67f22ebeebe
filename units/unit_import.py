"""The unit tree of a province from a CSV file (`manage.py import_units`): a province starts with 100–170 communes
and 1,000–2,000 schools, too many to add one by one on the units page.

Every line is checked before anything is written, and each problem is named by its line and column ("Dòng 7, cột …"); the units are
created only when the whole file is right, in one transaction, each through units.maintenance.add_unit (the rules and
the AdminEvent of the units page). A parent is a unit of the portal or one of the file, on any line.
"""

import csv
import io
import unicodedata
from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from .forms import PARENT_KINDS
from .maintenance import add_unit
from .models import CODE_VALIDATOR, AdminEvent, SchoolLevel, Unit, UnitKind

COLUMNS = {
    "code": "Mã đơn vị",
    "name": "Tên đơn vị",
    "kind": "Loại đơn vị",
    "parent": "Mã đơn vị cấp trên",
    "levels": "Cấp học",
    "short_name": "Tên ngắn",
    "place_name": "Địa danh",
    "email": "Thư điện tử",
    "valid_from": "Hoạt động từ ngày",
}
REQUIRED = ("code", "name", "kind", "parent")
MAX_ROWS = 20000
MAX_ERRORS = 200
# the units page's rules (units.forms.PARENT_KINDS) for the kinds it adds; a file may also start a province's tree
# (at the top, or under Trung ương) or add the country itself: nothing else may be without a parent, or a school
# would be a tree of its own that no province sees or counts
ROOT_KINDS = {UnitKind.CENTRAL, UnitKind.PROVINCE}
IMPORT_PARENT_KINDS = {**PARENT_KINDS, UnitKind.PROVINCE: {UnitKind.CENTRAL}, UnitKind.DISTRICT: {UnitKind.PROVINCE}}


class UnitImportError(Exception):
    """The file was refused: its problems, each naming its line, in Vietnamese."""

    def __init__(self, problems):
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass
class UnitRow:
    line: int
    code: str
    name: str
    kind: str
    parent_code: str
    levels: list
    short_name: str
    place_name: str
    email: str
    valid_from: object


def _choices(choices):
    """Accept a choice by its value ("school") or its label ("Trường học"), whatever the case."""
    found = {}
    for value, label in choices:
        found[value.lower()] = value
        found[label.lower()] = value
    return found


KINDS = _choices(UnitKind.choices)
LEVELS = _choices(SchoolLevel.choices)


def read_units(data):
    """The rows of a CSV file (bytes, UTF-8 with or without BOM; comma, semicolon or tab), or UnitImportError."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UnitImportError(["Tệp không phải văn bản UTF-8: trong Excel hãy lưu bằng “CSV UTF-8 (Comma delimited)”."]
                              ) from None
    # decomposed accents (Unikey's "Unicode tổ hợp", a Mac) composed, as the other readers do: else the header's
    # labels are not found and names are stored in a form that no search or comparison matches
    text = unicodedata.normalize("NFC", text)
    first_line = text.split("\n", 1)[0]
    delimiter = max(",;\t", key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header = [" ".join(cell.split()).lower() for cell in next(reader, [])]
    labels = {label.lower(): key for key, label in COLUMNS.items()}
    positions = {labels[cell]: index for index, cell in enumerate(header) if cell in labels}
    missing = [COLUMNS[key] for key in REQUIRED if key not in positions]
    if missing:
        raise UnitImportError([f"Dòng 1: thiếu cột {', '.join(f'“{name}”' for name in missing)}. Các cột của tệp: "
                               f"{', '.join(COLUMNS.values())}."])
    raw = []
    for cells in reader:
        if not any(cell.strip() for cell in cells):
            continue
        if len(raw) == MAX_ROWS:
            raise UnitImportError([f"Tệp có hơn {MAX_ROWS} đơn vị: hãy chia thành nhiều tệp."])
        values = {key: " ".join(cells[index].split()) if index < len(cells) else ""
                  for key, index in positions.items()}
        raw.append((reader.line_num, values))
    if not raw:
        raise UnitImportError(["Tệp không có đơn vị nào dưới dòng tiêu đề."])
    return _check_rows(raw)


def _check_rows(raw):
    """Every rule the save applies (import_units, add_unit, Unit.full_clean), each mistake named by its line and
    column, all of them: `--check` says "Tệp hợp lệ" only of a file the import takes."""
    problems, rows = [], []
    codes_in_file, kinds_in_file = {}, {}
    for line, values in raw:
        code = values["code"].upper()
        if code and code not in codes_in_file:
            codes_in_file[code] = line
            kinds_in_file[code] = KINDS.get(values["kind"].lower())
    wanted = set(codes_in_file) | {values.get("parent", "").upper() for _, values in raw}
    existing = {unit.code: unit for unit in Unit.objects.filter(code__in=wanted)}

    for line, values in raw:
        wrong = set()  # the columns of this line already found wrong

        def problem(column, message, line=line, wrong=wrong):
            wrong.add(column)
            problems.append((line, f"Dòng {line}, cột “{COLUMNS[column]}”: {message}"))

        code, name, parent_code = values["code"].upper(), values["name"], values["parent"].upper()
        if not code:
            problem("code", "thiếu mã đơn vị.")
        else:
            try:
                CODE_VALIDATOR(code)
            except ValidationError:
                problem("code", f"mã “{values['code']}” không hợp lệ: chỉ gồm chữ in hoa không dấu, chữ số và gạch "
                                "ngang.")
            if codes_in_file[code] != line:
                problem("code", f"mã “{code}” trùng với dòng {codes_in_file[code]}.")
            elif code in existing:
                problem("code", f"mã “{code}” đã có trong Cổng ({existing[code].name}).")
        if not name:
            problem("name", "thiếu tên đơn vị.")
        kind = KINDS.get(values["kind"].lower())
        if kind is None:
            wrong.add("levels")  # whether levels are allowed depends on the kind
            problem("kind", f"loại đơn vị “{values['kind']}” không hợp lệ: chọn một trong "
                            f"{', '.join(label for _, label in UnitKind.choices)}.")
        levels = []
        for part in values.get("levels", "").replace("&", ",").replace(";", ",").split(","):
            if part.strip():
                level = LEVELS.get(part.strip().lower())
                if level is None:
                    problem("levels", f"cấp học “{part.strip()}” không hợp lệ: mn, th, thcs hoặc thpt.")
                elif level not in levels:
                    levels.append(level)
        if kind == UnitKind.SCHOOL and not values.get("levels"):
            problem("levels", "trường học phải có cấp học (mn, th, thcs, thpt; trường liên cấp: “th, thcs”).")
        elif kind is not None and kind != UnitKind.SCHOOL and levels:
            problem("levels", "chỉ trường học mới có cấp học.")
        if parent_code:
            if parent_code == code:
                problem("parent", "đơn vị không thể là cấp trên của chính nó.")
            elif parent_code not in codes_in_file and parent_code not in existing:
                problem("parent", f"không có đơn vị cấp trên mã “{parent_code}”, trong tệp hay trong Cổng.")
            elif parent_code in existing and parent_code not in codes_in_file and existing[parent_code].valid_to:
                problem("parent", f"đơn vị cấp trên “{parent_code}” đã ngừng hoạt động.")
            else:
                parent_kind = kinds_in_file[parent_code] if parent_code in codes_in_file else existing[parent_code].kind
                if kind is not None and parent_kind is not None and parent_kind not in IMPORT_PARENT_KINDS.get(kind, ()):
                    problem("parent", f"không thể đặt {UnitKind(kind).label.lower()} dưới "
                                      f"{UnitKind(parent_kind).label.lower()} “{parent_code}”: {_parent_rule(kind)}")
        elif kind is not None and kind not in ROOT_KINDS:
            problem("parent", f"thiếu mã đơn vị cấp trên: {_parent_rule(kind)}")
        email = values.get("email", "")
        if email:
            try:
                validate_email(email)
            except ValidationError:
                problem("email", f"địa chỉ thư điện tử “{email}” không hợp lệ.")
        valid_from = None
        if values.get("valid_from"):
            try:
                valid_from = datetime.strptime(values["valid_from"], "%d/%m/%Y").date()
            except ValueError:
                problem("valid_from", f"ngày “{values['valid_from']}” không hợp lệ: ghi theo dạng ngày/tháng/năm, ví "
                                      "dụ 01/07/2025.")
        row = UnitRow(line, code, name, kind, parent_code, levels, values.get("short_name", ""),
                      values.get("place_name", ""), email.lower(), valid_from)
        # the model's own rules (lengths of every field, ...), for the columns not already found wrong
        unit = Unit(code=row.code, name=row.name, kind=row.kind or "", short_name=row.short_name, levels=row.levels,
                    place_name=row.place_name, valid_from=row.valid_from, email=row.email)
        try:
            unit.full_clean(exclude=["parent", "path", "depth"], validate_unique=False, validate_constraints=False)
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                if field in COLUMNS and field not in wrong:
                    problem(field, " ".join(message.rstrip(".") + "." for message in messages))
        rows.append(row)
        if len(problems) >= MAX_ERRORS:
            problems.append((line + 1, f"… và có thể còn lỗi khác: chỉ liệt kê {MAX_ERRORS} lỗi đầu tiên."))
            break
    problems.extend(_check_parents_open(rows, existing))
    problems.sort(key=lambda problem: problem[0])  # by line, in the order found on a line
    problems = [text for _, text in problems]
    if not problems:
        problems = _check_cycles(rows)
    if problems:
        raise UnitImportError(problems)
    return rows


def _check_parents_open(rows, existing):
    """add_unit's rule on the parent's dates (maintenance._check_parent_open), checked before anything is saved: a
    unit under a parent that opens later starts on that day or after. The parent, of the file or of the portal."""
    in_file = {row.code: row for row in rows}
    today = timezone.localdate()
    problems = []
    for row in rows:
        parent = in_file.get(row.parent_code) or existing.get(row.parent_code)
        if parent is None:
            continue
        opens = parent.valid_from
        if opens and opens > today and (row.valid_from is None or row.valid_from < opens):
            problems.append((row.line, f"Dòng {row.line}, cột “{COLUMNS['valid_from']}”: {parent.name} hoạt động từ "
                                       f"ngày {opens:%d/%m/%Y}: hãy ghi ngày từ ngày đó trở đi."))
    return problems


def _parent_rule(kind):
    """Which units a unit of this kind may sit under, in words: "trường học phải thuộc một xã / phường / …"."""
    parents = [label.lower() for value, label in UnitKind.choices if value in IMPORT_PARENT_KINDS.get(kind, ())]
    if not parents:
        return f"{UnitKind(kind).label.lower()} không có đơn vị cấp trên."
    return f"{UnitKind(kind).label.lower()} phải thuộc một {' hoặc một '.join(parents)}."


def _check_cycles(rows):
    """Lines whose parents, followed through the file, come back to them (A under B, B under A)."""
    by_code = {row.code: row for row in rows}
    problems = []
    for row in rows:
        seen, current = {row.code}, row
        while current.parent_code in by_code:
            current = by_code[current.parent_code]
            if current.code in seen:
                problems.append(f"Dòng {row.line}: các đơn vị cấp trên của “{row.code}” quay vòng về chính nó.")
                break
            seen.add(current.code)
    return problems


@transaction.atomic
def import_units(rows, *, by):
    """Create every unit of a checked file, parents first, or none (one transaction)."""
    created = {}
    pending = list(rows)
    while pending:
        waiting = {row.code for row in pending}
        ready = [row for row in pending if row.parent_code not in waiting]
        for row in ready:
            parent = created.get(row.parent_code) or (
                Unit.objects.get(code=row.parent_code) if row.parent_code else None)
            try:
                created[row.code] = _add(row, parent, by)
            except ValidationError as error:
                raise UnitImportError([f"Dòng {row.line}: {' '.join(error.messages)}"]) from None
        pending = [row for row in pending if row.code not in created]
    return list(created.values())


def _add(row, parent, by):
    fields = {"kind": row.kind, "code": row.code, "name": row.name, "short_name": row.short_name,
              "levels": row.levels, "place_name": row.place_name, "valid_from": row.valid_from, "email": row.email}
    if parent is not None:
        return add_unit(parent=parent, by=by, **fields)
    # the top of a new tree (the province, or Trung ương): add_unit places units under a parent
    unit = Unit(**fields)
    unit.place()
    unit.full_clean()
    unit.save()
    AdminEvent.objects.create(action=AdminEvent.Action.UNIT_CREATED, unit=unit, by=by, detail="Đơn vị gốc")
    return unit
