"""Projection tables: figures planned for each school year, as tab-separated rows.

Two layouts are read. Periods down the side:

    Cấp học \\ Năm học   Mầm non           Tiểu học
                        Số lớp   Số HS    Số lớp   Số HS
    Năm học 2025-2026   45       1318     59       2042

and periods across the top:

    Chỉ tiêu            2025-2026   2026-2027
    Số lớp mầm non      45          47

Every figure becomes one projection (comparator '=', the period as its deadline). Rows exported from
a PDF lose their tabs; a row that starts with a school year and goes on with figures only is still
read, with its columns named by position.
"""

import re

from .categories import categorize
from .figures import NUMBER, parse_number
from .text import fold_spaces

_PERIOD = re.compile(r"^(?:(?:đến\s+)?năm học\s+|(?:đến\s+)?năm\s+)?(\d{4})(?:\s*[-–]\s*(\d{4}))?$", re.IGNORECASE)
_FIGURE = re.compile(rf"^(?:≥|≤|>=|<=|>|<)?\s*(?:{NUMBER})\s*%?$")
_SIGNS = {"≥": ">=", ">=": ">=", ">": ">=", "≤": "<=", "<=": "<=", "<": "<="}
_SPACED_ROW = re.compile(rf"^(?:năm học\s+)?\d{{4}}\s*[-–]\s*\d{{4}}(?:\s+(?:{NUMBER})){{2,}}$", re.IGNORECASE)
_ABBREVIATIONS = {"HS": "học sinh", "GV": "giáo viên", "CBQL": "cán bộ quản lý", "NV": "nhân viên", "SL": "số lượng"}


def is_row(text):
    return "\t" in text or bool(_SPACED_ROW.match(text.strip()))


def cells(text):
    if "\t" in text:
        return [cell.strip() for cell in text.split("\t")]
    first = re.match(r"^((?:năm học\s+)?\d{4}\s*[-–]\s*\d{4})\s+(.*)$", text.strip(), re.IGNORECASE)
    return [first.group(1), *first.group(2).split()] if first else text.split()


def period_of(cell):
    match = _PERIOD.match(cell.strip())
    if not match:
        return None
    return f"{match.group(1)}-{match.group(2)}" if match.group(2) else match.group(1)


def blocks(body):
    """(lines just before, rows) for each run of consecutive table rows among the body lines."""
    run, before = [], []
    for line in body:
        if is_row(line.text):
            run.append(line)
            continue
        if run:
            yield before, run
            run = []
        before = (before + [line])[-2:]
    if run:
        yield before, run


def extract_projections(body, *, issuer=None):
    """Proposals (dicts without ids) from every table of the body: projections, or targets when the
    table stands under a "Chỉ tiêu" / "Mục tiêu" heading or lead-in and does not call itself a forecast."""
    proposals = []
    for before, block in blocks(body):
        context = " ".join([*block[0].headings, *(line.text for line in before)])
        forecast = re.search(r"dự kiến|quy mô|dự báo", context, re.IGNORECASE)
        kind = "target" if re.search(r"chỉ tiêu|mục tiêu", context, re.IGNORECASE) and not forecast else "projection"
        found = _table(before, block, issuer)
        proposals.extend(dict(proposal, kind=kind) for proposal in found)
    return proposals


def _table(before, block, issuer):
    rows = [cells(line.text) for line in block]
    if "\t" not in block[0].text:
        # A PDF loses the header's columns; recover them from the lines above when they add up.
        width = max(len(row) for row in rows) - 1
        header = _spaced_header([line.text for line in before], width)
        rows = header + rows
        block = [block[0]] * len(header) + block
    return _periods_down(block, rows, issuer) or _periods_across(block, rows, issuer)


_LABEL_START = re.compile(r"(?=\b(?:Số|Tỷ lệ|Tỉ lệ|Tổng số|SL)\b)")
_LEVELS = re.compile(r"Nhà trẻ|Mẫu giáo|Mầm non|Tiểu học|THCS|THPT|TH&THCS|Trung học cơ sở|Trung học phổ thông|GDTX")


def _spaced_header(lines, width):
    """Header rows (as cells) rebuilt from "Số lớp Số HS Số lớp Số HS" and "... Mầm non Tiểu học"."""
    if not lines:
        return []
    labels = [part.strip() for part in _LABEL_START.split(lines[-1]) if part.strip()]
    if len(labels) != width:
        return []
    header = [["", *labels]]
    groups = _LEVELS.findall(lines[0]) if len(lines) > 1 else []
    if groups and width % len(groups) == 0:
        span = width // len(groups)
        header.insert(0, ["", *(group if index % span == 0 else "" for index, group in
                                enumerate(group for group in groups for _ in range(span)))])
    return header


def _is_figure(cell):
    return bool(_FIGURE.match(cell))


def _periods_down(block, rows, issuer):
    data = [index for index, row in enumerate(rows)
            if row and period_of(row[0]) and any(_is_figure(cell) for cell in row[1:])]
    if not data:
        return []
    labels = _column_labels(rows[:data[0]], max(len(row) for row in rows))
    proposals = []
    for index in data:
        row, line = rows[index], block[index]
        for column, cell in enumerate(row[1:], start=1):
            if _is_figure(cell):
                label, group = labels.get(column, (f"Cột {column}", None))
                proposals.append(_projection(line, cell, label, group, period_of(row[0]), issuer))
    return proposals


def _periods_across(block, rows, issuer):
    headers = [index for index, row in enumerate(rows) if sum(1 for cell in row if period_of(cell)) >= 2]
    if not headers:
        return []
    header_index = headers[0]
    periods = {column: period_of(cell) for column, cell in enumerate(rows[header_index]) if period_of(cell)}
    header = rows[header_index]
    skipped = {column for column, cell in enumerate(header) if re.fullmatch(r"S?TT|Số TT|Số thứ tự", cell.strip())}
    units = [column for column, cell in enumerate(header) if re.fullmatch(r"Đơn vị(?: tính)?|ĐVT", cell.strip())]
    proposals = []
    for row, line in zip(rows[header_index + 1:], block[header_index + 1:], strict=True):
        words = [cell for column, cell in enumerate(row) if column not in periods and column not in skipped
                 and column not in units and cell and not _is_figure(cell)]
        label = _expand(" ".join(words)) or "Chỉ tiêu"
        unit = " ".join(row[column] for column in units if column < len(row))
        for column, period in periods.items():
            if column < len(row) and _is_figure(row[column]):
                proposals.append(_projection(line, row[column], label, None, period, issuer, unit))
    return proposals


def _column_labels(header_rows, width):
    """{column: (label, group)} from header rows, a group name spanning the empty cells after it."""
    filled = []
    for row in header_rows:
        row = row + [""] * (width - len(row))
        current, line = "", []
        for column, cell in enumerate(row):
            current = cell if cell or column == 0 else current
            line.append(current)
        filled.append(line)
    labels = {}
    for column in range(1, width):
        parts = [row[column] for row in filled if row[column]]
        if not parts:
            continue
        group = parts[0] if len(parts) > 1 else None
        name = parts[-1]
        if group:
            name = f"{name} {group if group.isupper() else group.lower()}"
        labels[column] = (_expand(name), group)
    return labels


def _expand(label):
    return " ".join(_ABBREVIATIONS.get(word, word) for word in label.split())


def _projection(line, cell, label, group, period, issuer, unit=""):
    percent = "%" in cell or "%" in unit or re.search(r"tỷ lệ|tỉ lệ|%", label, re.IGNORECASE)
    sign = re.match(r"^(≥|≤|>=|<=|>|<)\s*", cell)
    return {
        "kind": "projection",
        "quote": fold_spaces(line.text),
        "indicator": label,
        "comparator": _SIGNS[sign.group(1)] if sign else "=",
        "value": parse_number(cell[sign.end() if sign else 0:].rstrip("% ")),
        "value_max": None,
        "unit": "%" if percent else "count",
        "level_label": None,
        "deadline": period,
        "scope": group or issuer,
        "category": categorize(label, "", ()),
        "section": line.section,
    }
