"""Projection tables: figures planned for each school year, as tab-separated rows.

Two layouts are read. Periods down the side:

    Cấp học \\ Năm học   Mầm non           Tiểu học
                        Số lớp   Số HS    Số lớp   Số HS
    Năm học 2025-2026   45       1318     59       2042

and periods across the top:

    Chỉ tiêu            2025-2026   2026-2027
    Số lớp mầm non      45          47

and units down the side ("TT | Tên trường | Tỷ lệ phòng học kiên cố (%) | Số phòng học thông minh"): each
figure a target of its column's indicator for the school (or village) its row names.

Every figure becomes one projection, the period as its deadline; its quote is the row after its column's
header cells as written, from top to bottom (a caption or a group spanning several columns, then the name;
a row of units, "ĐVT | % | phòng", is read for the unit only), as a merge of header and row would quote it.
A cell is read as a figure ("95",
"98,5%", comparator '='), a bound ("≥ 95", "dưới 1%", "tối thiểu 90%"), a range ("80 - 85", "từ 80 đến
85%"), a count with its noun ("18 phòng") or a level ("Mức độ 2", "cấp độ 3", achieved); anything else
(words, a school year) is not a value. Rows exported from a PDF lose their tabs; a row that starts with a
school year and goes on with figures only is still read, with its columns named by position. A table
ends where a heading stands between two rows: two tables under different headings are read apart.
"""

import bisect
import re

from .categories import categorize
from .figures import NUMBER, parse_level, parse_number
from .text import LONG, fold_spaces, narrow

HEADER_ROWS = 6  # the rows above a table's first row of figures read for its column names

_PERIOD = re.compile(r"^(?:(?:đến\s+)?năm học\s+|(?:đến\s+)?năm\s+)?(\d{4})(?:\s*[-–]\s*(\d{4}))?$", re.IGNORECASE)
_FIGURE = re.compile(rf"^(?:≥|≤|>=|<=|>|<)?\s*(?:{NUMBER})\s*%?$")
_SIGNS = {"≥": ">=", ">=": ">=", ">": ">=", "≤": "<=", "<=": "<=", "<": "<="}
# A bound written in words before the figure ("dưới 1%", "tối thiểu 90%") or after it ("90% trở lên").
_WORD_BOUND = re.compile(
    rf"^(?P<word>dưới|không quá|không vượt quá|tối đa|nhỏ hơn|thấp hơn|ít hơn|trên|tối thiểu|ít nhất|không dưới"
    rf"|không thấp hơn|từ|lớn hơn|cao hơn|đạt trên)\s+(?P<num>{NUMBER})\s*(?P<percent>%?)"
    rf"(?P<after>\s+trở\s+(?:lên|xuống))?$", re.IGNORECASE)
_AFTER_BOUND = re.compile(rf"^(?P<num>{NUMBER})\s*(?P<percent>%?)\s+trở\s+(?P<way>lên|xuống)$", re.IGNORECASE)
_AT_MOST_WORDS = {"dưới", "không quá", "không vượt quá", "tối đa", "nhỏ hơn", "thấp hơn", "ít hơn"}
_CELL_RANGE = re.compile(rf"^(?:từ\s+)?(?P<low>{NUMBER})\s*%?\s*(?:[-–]|đến|tới)\s*(?P<high>{NUMBER})\s*(?P<percent>%?)$",
                         re.IGNORECASE)
# A count and its noun: "18 phòng", "02 trường học"; a noun of time or age is not what is counted.
_CELL_COUNT = re.compile(rf"^(?P<num>{NUMBER})\s+(?P<noun>(?!(?:năm|tháng|ngày|tuần|giờ|buổi|lần|tuổi)\b)"
                         r"[^\W\d_]+(?:\s+[^\W\d_]+)?)$", re.IGNORECASE)
_CELL_LEVEL = re.compile(r"^(?:đạt\s+)?(?P<word>mức độ|mức|cấp độ|MĐ|CĐ)\s*(?P<n>\d{1,2}|[IVX]{1,4})$", re.IGNORECASE)
_LEVEL_WORDS = {"mđ": "mức độ", "mức": "mức độ", "cđ": "cấp độ"}
# Each figure is read atomically up to the white space after it: "1.318" is a figure in two ways, and trying
# both for every figure of a row that ends otherwise took time exponential in the number of figures.
_SPACED_ROW = re.compile(rf"^(?:năm học\s+)?\d{{4}}\s*[-–]\s*\d{{4}}(?:\s+(?>(?:{NUMBER})(?=\s|$))){{2,}}$",
                         re.IGNORECASE)
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
    """(lines just before, rows) for each run of consecutive table rows among the body lines. A heading
    between two rows (it is not a body line: the rows' places in the text are not consecutive) ends the
    table above it."""
    run, before = [], []
    for line in body:
        if is_row(line.text):
            if run and (line.index != run[-1].index + 1 or line.headings != run[-1].headings):
                yield before, run
                run, before = [], []
            run.append(line)
            continue
        if run:
            yield before, run
            run = []
        before = (before + [line])[-2:]
    if run:
        yield before, run


def extract_projections(body, *, issuer=None, limit=None, horizon_of=None):
    """Proposals (dicts without ids) from every table of the body: projections, or targets when the
    table stands under a "Chỉ tiêu" / "Mục tiêu" heading or lead-in and does not call itself a forecast.
    No more than ``limit`` + 1, so that a caller that refuses more than ``limit`` stops early.

    ``horizon_of(headings)``: the horizon a table with one column of values and no period of its own
    takes (its heading's, else the plan's)."""
    proposals = []
    for before, block in blocks(body):
        context = " ".join([*block[0].headings, *(line.text for line in before)])
        forecast = re.search(r"dự kiến|quy mô|dự báo", context, re.IGNORECASE)
        kind = "target" if re.search(r"chỉ tiêu|mục tiêu", context, re.IGNORECASE) and not forecast else "projection"
        horizon = horizon_of(block[0].headings) if horizon_of else None
        for proposal in _table(before, block, issuer, horizon):
            proposals.append(dict(proposal, kind=kind))
            if limit is not None and len(proposals) > limit:
                return proposals
    return proposals


def _table(before, block, issuer, horizon=None):
    """The proposals of one table, one at a time: periods down the side, else across the top, else one
    column of values ("Chỉ tiêu", "Mục tiêu năm 2030"), else a column of periods, one for each row."""
    rows = [cells(line.text) for line in block]
    if "\t" not in block[0].text:
        # A PDF loses the header's columns; recover them from the lines above when they add up.
        width = max(len(row) for row in rows) - 1
        header = _spaced_header([line.text for line in before], width)
        rows = header + rows
        block = [block[0]] * len(header) + block
    for reader in (_periods_down, _periods_across, _units_down, _value_column, _period_column):
        proposals = reader(block, rows, issuer, horizon)
        first = next(proposals, None)
        if first is not None:
            yield first
            yield from proposals
            return


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
    return _read_cell(cell) is not None


def is_value_cell(cell):
    """Whether a table cell states a value a row can propose (see ``_read_cell``)."""
    return _read_cell(cell) is not None


def _read_cell(cell):
    """(comparator, value, value_max, percent, level_label) of a cell that states a value, else None."""
    cell = " ".join(cell.split())
    if not cell or not cell[0].isdigit() and not cell[0].isalpha() and cell[0] not in "≥≤><":
        return None
    if _FIGURE.match(cell):
        sign = re.match(r"^(≥|≤|>=|<=|>|<)\s*", cell)
        value = parse_number(cell[sign.end() if sign else 0:].rstrip("% "))
        return _SIGNS[sign.group(1)] if sign else "=", value, None, "%" in cell, None
    if period_of(cell):
        return None  # "2025-2026" is a school year, not a range
    match = _CELL_RANGE.match(cell)
    if match:
        low, high = parse_number(match.group("low")), parse_number(match.group("high"))
        return ("range", low, high, "%" in cell, None) if low < high else None
    match = _WORD_BOUND.match(cell)
    if match:
        word = match.group("word").lower()
        after = (match.group("after") or "").split()
        comparator = "<=" if word in _AT_MOST_WORDS or after[-1:] == ["xuống"] else ">="
        return comparator, parse_number(match.group("num")), None, bool(match.group("percent")), None
    match = _AFTER_BOUND.match(cell)
    if match:
        comparator = ">=" if match.group("way").lower() == "lên" else "<="
        return comparator, parse_number(match.group("num")), None, bool(match.group("percent")), None
    match = _CELL_COUNT.match(cell)
    if match:
        return "=", parse_number(match.group("num")), None, False, None
    match = _CELL_LEVEL.match(cell)
    if match:
        word = match.group("word").lower()
        value = parse_level(match.group("n").upper())
        return "achieve", value, None, False, f"{_LEVEL_WORDS.get(word, word)} {value}"
    return None


def _periods_down(block, rows, issuer, _horizon=None):
    """Periods down a column near the left ("Năm học", or after a "TT" column), indicators across: every
    figure is named by its column's header, whose cells (a caption or a group above the names, a row of units
    below them) go before the row in its quote, as a merge of the header and the row would."""
    data = [index for index, row in enumerate(rows) if _period_at(row) is not None]
    if not data:
        return
    header = _Header(rows[max(0, data[0] - HEADER_ROWS):data[0]], max(len(row) for row in rows))
    labels = _column_labels(header.rows, header.width)
    for index in data:
        row, line = rows[index], block[index]
        start = _period_at(row)
        quote = _Quote(line)
        for column, cell in enumerate(row[start + 1:], start=start + 1):
            if _is_figure(cell):
                label, group = labels.get(column, (f"Cột {column}", None))
                yield _projection(line, header.quote(column, quote.of(column)), cell, _unitless(label), group,
                                  period_of(row[start]), issuer, header.unit(column))


def _period_at(row):
    """The column of a data row's period: the first cell, or the second after a number ("1 | Năm 2026 | …"),
    when figures follow it."""
    for column, cell in enumerate(row[:2]):
        if period_of(cell):
            return column if any(_is_figure(later) for later in row[column + 1:]) else None
        if column == 0 and not re.fullmatch(r"\d{1,3}\.?", cell.strip()):
            return None
    return None


# The header cell of the column naming the units a table gives figures for: "Tên trường", "Đơn vị", "Thôn".
_UNITS_HEADER = re.compile(r"(?:tên\s+)?(?:trường(?:\s+học)?|đơn vị|cơ sở giáo dục|cơ sở|thôn|tổ dân phố|khu phố"
                           r"|xã, phường|xã|phường)", re.IGNORECASE)
_TOTAL = re.compile(r"(?:tổng|cộng|toàn\s+(?:xã|phường|đặc khu|huyện|tỉnh|thành phố|ngành))\b", re.IGNORECASE)
_HEADER_PERIOD = re.compile(r"năm(?:\s+học)?\s+(\d{4})(?:\s*[-–]\s*(\d{4}))?", re.IGNORECASE)


def _units_down(block, rows, issuer, horizon=None):
    """Units down the side, indicators across ("TT | Tên trường | Tỷ lệ phòng học kiên cố (%) | Số phòng học
    thông minh"): each figure is a target of its column's indicator for the unit its row names (the scope), due
    at a year its header states, else the heading's or the plan's. A row of totals ("Tổng cộng", "Toàn xã") is
    the sum of the units' figures, not a target of its own; a table whose rows name periods is not this one."""
    found = next(((index, column) for index, row in enumerate(rows[:HEADER_ROWS]) for column, cell in enumerate(row)
                  if column < 3 and _UNITS_HEADER.fullmatch(cell.strip())), None)
    if found is None:
        return
    header_index, name_column = found
    if any(_INDICATORS_HEADER.match(cell.strip()) for cell in rows[header_index][:name_column]):
        return  # "TT | Chỉ tiêu | Đơn vị | Kế hoạch": the indicators run down the side, "Đơn vị" is their unit
    data = [index for index in range(header_index + 1, len(rows))
            if len(rows[index]) > name_column and _unit_name(rows[index][name_column])
            and any(_is_figure(cell) for cell in rows[index][name_column + 1:])]
    if not data or any(period_of(cell) for index in data for cell in rows[index]):
        return
    if _MEASURE_HEADER.fullmatch(rows[header_index][name_column].strip()) and sum(
            _is_measure(rows[index][name_column]) for index in data) * 2 >= len(data):
        return  # a column "Đơn vị" of "%", "trường", "phòng": units of measure, not units of the tree
    header = _Header(rows[header_index:data[0]], max(len(row) for row in rows))
    for index in data:
        row, line = rows[index], block[index]
        quote = _Quote(line)
        for column, cell in enumerate(row[name_column + 1:], start=name_column + 1):
            if not _is_figure(cell) or not header.parts(column):
                continue
            year = _HEADER_PERIOD.search(" ".join(header.parts(column)))
            period = (f"{year.group(1)}-{year.group(2)}" if year.group(2) else year.group(1)) if year else horizon
            proposal = _projection(line, header.quote(column, quote.of(column)), cell,
                                   _expand(_unitless(header.parts(column)[-1])), None, period, issuer,
                                   header.unit(column))
            yield dict(proposal, scope=fold_spaces(row[name_column])[:LONG])


# a header naming the indicators' column, left of a column headed "Đơn vị": that one is then their unit of measure
_INDICATORS_HEADER = re.compile(r"(?:tên\s+)?(?:chỉ tiêu|nội dung|tiêu chí|mục tiêu|chỉ số)\b", re.IGNORECASE)
_MEASURE_HEADER = re.compile(r"đơn vị(?:\s+tính)?", re.IGNORECASE)


def _is_measure(cell):
    """A cell that reads as a unit of measure ("%", "(trường)", "học sinh", "phòng/lớp"), not a unit's name."""
    cell = cell.strip()
    return bool(_UNIT_ROW_MARK.match(cell) or (_UNIT_CELL.fullmatch(cell) and len(cell) <= 16
                                                and not cell[:1].isupper()))


def _unit_name(cell):
    """A row's unit as its name cell writes it, or "" for a row of totals or none."""
    cell = cell.strip()
    return "" if not cell or _TOTAL.match(cell) or _is_figure(cell) else cell


# A row of units under a header: "ĐVT | % | phòng", "(%) | (%) | (trường)".
_UNIT_CELL = re.compile(r"\(?\s*(?:%|‰|[^\W\d_]+(?:[\s/][^\W\d_]+)?)\s*\)?")
_UNIT_ROW_MARK = re.compile(r"^\(?\s*%\s*\)?$|^(?:ĐVT|Đơn vị tính|Đơn vị)$", re.IGNORECASE)
# A header cell over all the indicators that names none of them: "Chỉ tiêu phấn đấu", "Chỉ tiêu đến năm 2030".
_CAPTION = re.compile(r"^(?:các\s+)?(?:chỉ tiêu|mục tiêu|kế hoạch|lộ trình|kết quả)\b", re.IGNORECASE)


def _unitless(label):
    """A name without the unit it ends with: "Tỷ lệ phòng học kiên cố (%)" -> "Tỷ lệ phòng học kiên cố"."""
    return re.sub(r"\s*\((?:%|‰|[^\W\d_]+(?:[\s/][^\W\d_]+)?)\)$", "", label).strip() or label


class _Header:
    """The header rows above a table's first data row: what each column's cells say from top to bottom (a cell
    merged across the columns after it counts for each), and the row of units, if any, apart."""

    def __init__(self, header_rows, width):
        units = [row for row in header_rows if _is_unit_row(row)]
        self.units = units[-1] if units else []
        self.rows = [row for row in header_rows if not _is_unit_row(row)]
        self.width = width
        self._parts = {}
        for position, row in enumerate(self.rows):
            current = ""
            for column in range(width):
                cell = fold_spaces(row[column]) if column < len(row) else ""
                # a caption or group spans the empty cells after it; the last row's names do not
                current = cell if cell or position == len(self.rows) - 1 else current
                if column and current and not period_of(current) and not _is_figure(current):
                    parts = self._parts.setdefault(column, [])
                    if current not in parts:
                        parts.append(current)

    def parts(self, column):
        return self._parts.get(column, [])

    def quote(self, column, row_quote):
        """The column's header cells before the row's quote."""
        parts = self.parts(column)
        return f"{' '.join(parts)[:LONG]} {row_quote}" if parts else row_quote

    def unit(self, column):
        """The unit its row of units or its name writes: "%" for "(%)"."""
        written = self.units[column] if column < len(self.units) else ""
        name = self.parts(column)[-1] if self.parts(column) else ""
        return f"{written} %" if name.endswith("(%)") else written


def _is_unit_row(row):
    cells = [cell.strip() for cell in row[1:] if cell.strip()]
    return bool(cells) and all(_UNIT_ROW_MARK.match(cell) or _UNIT_CELL.fullmatch(cell) and len(cell) <= 16
                               for cell in cells) and any(_UNIT_ROW_MARK.match(cell) for cell in cells)


def _periods_across(block, rows, issuer, _horizon=None):
    headers = [index for index, row in enumerate(rows) if sum(1 for cell in row if period_of(cell)) >= 2]
    if not headers:
        return
    header_index = headers[0]
    periods = {column: period_of(cell) for column, cell in enumerate(rows[header_index]) if period_of(cell)}
    header = rows[header_index]
    skipped = {column for column, cell in enumerate(header) if re.fullmatch(r"S?TT|Số TT|Số thứ tự", cell.strip())}
    units = [column for column, cell in enumerate(header) if re.fullmatch(r"Đơn vị(?: tính)?|ĐVT", cell.strip())]
    # in order, and sets: a row reads only the columns it has, whatever the width of the header
    ordered, not_words = sorted(periods), set(periods) | skipped | set(units)
    for row, line in zip(rows[header_index + 1:], block[header_index + 1:], strict=True):
        words = [cell for column, cell in enumerate(row) if column not in not_words and cell and not _is_figure(cell)]
        label = _expand(" ".join(words)) or "Chỉ tiêu"
        unit = " ".join(row[column] for column in units[:bisect.bisect_left(units, len(row))])
        quote = _Quote(line)
        for column in ordered[:bisect.bisect_left(ordered, len(row))]:
            if _is_figure(row[column]):
                yield _projection(line, quote.of(column), row[column], label, None, periods[column], issuer, unit)


_VALUE_HEADER = re.compile(r"chỉ tiêu|mục tiêu|kế hoạch|giá trị|kết quả phấn đấu|đến năm|năm học|năm \d{4}",
                           re.IGNORECASE)
_NAME_HEADER = re.compile(r"tên|nội dung|chỉ tiêu$", re.IGNORECASE)
_HEADER_YEAR = re.compile(r"(?:năm học\s+)?(\d{4})(?:\s*[-–]\s*(\d{4}))?", re.IGNORECASE)


def _value_column(block, rows, issuer, horizon):
    """A table with one column of values: "TT | Tên chỉ tiêu | Đơn vị tính | Mục tiêu năm 2030". The value
    column is the last header cell that names a target or a year; its year, if any, is the horizon."""
    if len(rows) < 2:
        return
    header = rows[0]
    if any(_is_figure(cell) for cell in header):
        return
    values = [column for column, cell in enumerate(header) if column and _VALUE_HEADER.search(cell)]
    if not values:
        return
    value_column = values[-1]
    year = _HEADER_YEAR.search(header[value_column])
    if year:
        horizon = f"{year.group(1)}-{year.group(2)}" if year.group(2) else year.group(1)
    skipped = {column for column, cell in enumerate(header) if re.fullmatch(r"S?TT|Số TT|Số thứ tự", cell.strip())}
    units = [column for column, cell in enumerate(header) if re.fullmatch(r"Đơn vị(?: tính)?|ĐVT", cell.strip())]
    for row, line in zip(rows[1:], block[1:], strict=True):
        if value_column >= len(row) or not _is_figure(row[value_column]):
            continue
        words = [cell for column, cell in enumerate(row)
                 if column not in skipped and column not in units and column != value_column and cell
                 and not _is_figure(cell)]
        label = _expand(" ".join(words)) or "Chỉ tiêu"
        unit = " ".join(row[column] for column in units if column < len(row))
        yield _projection(line, _Quote(line).of(value_column), row[value_column], label, None, horizon, issuer, unit)


_TIME_HEADER = re.compile(r"năm|thời gian|thời hạn|thời điểm|lộ trình", re.IGNORECASE)


def _period_column(block, rows, issuer, _horizon=None):
    """A table whose rows each name their own period in a column headed by a time ("TT | Tên trường | Mức độ
    | Năm học được công nhận"): every value of a row is due at the row's period, named after its column's
    header and the row's words ("Trường …")."""
    if len(rows) < 2 or any(_is_figure(cell) for cell in rows[0]):
        return
    header = rows[0]
    times = [column for column, cell in enumerate(header) if column and _TIME_HEADER.search(cell)]
    skipped = {column for column, cell in enumerate(header) if re.fullmatch(r"S?TT|Số TT|Số thứ tự", cell.strip())}
    for row, line in zip(rows[1:], block[1:], strict=True):
        periods = [column for column in times if column < len(row) and period_of(row[column])]
        if not periods:
            continue
        period = period_of(row[periods[0]])
        values = [column for column, cell in enumerate(row)
                  if column not in skipped and column not in periods and _is_figure(cell)]
        words = " ".join(cell for column, cell in enumerate(row)
                         if column not in skipped and column not in periods and cell and not _is_figure(cell))
        quote = _Quote(line)
        for column in values:
            name = header[column] if column < len(header) and header[column] else f"Cột {column}"
            label = _expand(f"{name} {words}".strip()) if words else _expand(name)
            yield _projection(line, quote.of(column), row[column], label, None, period, issuer)


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
        group = parts[0] if len(parts) > 1 and not _CAPTION.match(parts[0]) else None
        name = parts[-1]
        if group:
            name = f"{name} {group if group.isupper() else group.lower()}"
        labels[column] = (_expand(name), group)
    return labels


def _expand(label):
    return " ".join(_ABBREVIATIONS.get(word, word) for word in label.split())


class _Quote:
    """The quote of a row's figures: the row, or for a row longer than LONG the cells around each figure."""

    def __init__(self, line):
        self.text = line.text
        self.whole = fold_spaces(self.text) if len(self.text) <= LONG else None
        self._spans = None

    def of(self, column):
        if self.whole is not None:
            return self.whole
        if self._spans is None:
            self._spans = _cell_spans(self.text)
        start, end = self._spans[column] if column < len(self._spans) else (0, 0)
        return fold_spaces(narrow(self.text, start, end)[1])


def _cell_spans(text):
    """Where each of ``cells(text)`` stands in ``text``."""
    if "\t" in text:
        spans, start = [], 0
        for raw in text.split("\t"):
            stripped = raw.strip()
            offset = start + (raw.index(stripped) if stripped else 0)
            spans.append((offset, offset + len(stripped)))
            start += len(raw) + 1
        return spans
    stripped = text.strip()
    offset = text.index(stripped) if stripped else 0
    first = re.match(r"^((?:năm học\s+)?\d{4}\s*[-–]\s*\d{4})\s+(.*)$", stripped, re.IGNORECASE)
    if not first:
        return [(offset + m.start(), offset + m.end()) for m in re.finditer(r"\S+", stripped)]
    rest = offset + first.start(2)
    return [(offset, offset + first.end(1)),
            *((rest + m.start(), rest + m.end()) for m in re.finditer(r"\S+", first.group(2)))]


def _projection(line, quote, cell, label, group, period, issuer, unit=""):
    label, group = label[:LONG], group[:LONG] if group else group  # a header cell may run to any length
    comparator, value, value_max, percent_sign, level_label = _read_cell(cell)
    percent = not level_label and (percent_sign or "%" in unit or re.search(r"tỷ lệ|tỉ lệ|%", label, re.IGNORECASE))
    index = not percent and re.search(r"chỉ số|hệ số|\bđiểm\b|\bHDI\b", label, re.IGNORECASE)
    return {
        "kind": "projection",
        "quote": quote,
        "indicator": label,
        "comparator": comparator,
        "value": value,
        "value_max": value_max,
        "unit": "level" if level_label else "%" if percent else "index" if index else "count",
        "level_label": level_label,
        "deadline": period,
        "scope": group or issuer,
        "category": categorize(label, "", ()),
        "section": line.section,
    }
