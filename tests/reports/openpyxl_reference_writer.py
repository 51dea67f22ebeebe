# A frozen copy of reports/report_xlsx.py as it was when it wrote with openpyxl: the reference the XlsxWriter
# version is compared against (tests/reports/test_report_xlsx_equivalence.py). Verbatim but for its imports,
# made absolute, and the layout changed since in both (edit it only so, the same change as there):
# - 28/11/2026: every cell of the tables at the top of its row, the tasks bordered; the projection's scale a table
#   of figures and its unit column only when a unit is given; the sheets of figures sized from what they hold
#   (reports.report_xlsx._text_widths and _number_width, imported), texts wrapped, counts in #,##0, all bordered.
# - 28/11/2026 (later): the target table's column "Cần đạt đến nay" (ReportRow.expected) after the result; the sheet
#   "Báo cáo" after "Tổng hợp", portrait, no header row: the unit's own sections, the tasks in a line, the schools'
#   texts, "Nơi nhận" and the signature block; a consolidation given its cover (content.ReportCover) heads its table
#   with the official header, title and subject (a bare title: A1 as before).

"""The progress report as an Excel workbook for the officer above: a commune's report, and a province's
consolidation across its communes.

Built from a ReportContent (reports/content.py), like the PDF, so paper and spreadsheet agree; a
province's sheet of figures comes from reports/consolidation.py, as the PDF's aggregates do. Figures
are real numbers with number formats chosen by the indicator's kind (a rate is stored as 0.375 and
shown as 37,5% in a Vietnamese Excel), so the workbook can be summed, filtered and pivoted. The workbook is written in write-only
mode: a province of 120 communes x 60 targets streams out in about a second.

Everything a user typed (indicator names, goals, tasks, unit names) is written as a string that Excel
never evaluates, even if it begins with "=", "+", "-" or "@" (see `text`).
"""

import io
import textwrap

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.utils.indexed_list import IndexedList
from openpyxl.worksheet.properties import PageSetupProperties

from plans.models import TaskStatus
from reports.consolidation import commune_figures, commune_name
from reports.content import COMPLETION_NOTE, ReportCover, own_section_blocks
from reports.report_xlsx import (
    BELOW_WIDTHS,
    NUMBER_WIDTH,
    PROJECTION_SCALE_HEADERS,
    RAW_TEXT_WIDTHS,
    _number_width,
    _text_widths,
)
from targets.models import IndicatorKind

SUMMARY_SHEET, TASK_SHEET, RAW_SHEET = "Tổng hợp", "Nhiệm vụ", "Số liệu gốc"
TEXT_SHEET = "Báo cáo"
PROJECTION_SHEET = "Quy mô dự kiến"

PERCENT = "0.0%"
COUNT = "#,##0"
DECIMAL = "0.00"
LEVEL = '"mức "0'
LEVEL_DECIMAL = '"mức "0.00'
MILESTONE = '"Đã đạt";"Đã đạt";"Chưa đạt"'  # 1 reads "Đã đạt", 0 "Chưa đạt": still a number to count

TARGET_HEADERS = ["STT", "Chỉ tiêu", "Đơn vị tính", "Giá trị nền", "Chỉ tiêu theo mốc", "Kết quả kỳ báo cáo",
                  "Cần đạt đến nay", "Tỷ lệ hoàn thành", "Đánh giá", "Đơn vị chủ trì"]
TARGET_WIDTHS = [6, 52, 10, 11, 26, 13, 12, 12, 16, 30]
TEXT_WIDTHS = [54, 35]
SIGNATURE_SPACE = 4
TASK_ORDER = [TaskStatus.DONE, TaskStatus.IN_PROGRESS, TaskStatus.LATE, TaskStatus.NOT_STARTED]
TASK_HEADERS = ["STT", "Nhóm", "Nhiệm vụ", "Đơn vị chủ trì", "Tình trạng"]
TASK_WIDTHS = [6, 9, 90, 34, 16]
RAW_HEADERS = ["Mã đơn vị", "Đơn vị", "Chỉ tiêu", "Kỳ báo cáo", "Tử số", "Mẫu số", "Giá trị"]
CONSOLIDATED_HEADERS = ["Mã đơn vị", "Xã, phường", "Tiêu chí", "STT", "Chỉ tiêu", "Đơn vị tính",
                        "Chỉ tiêu theo mốc", "Kết quả kỳ báo cáo", "Tỷ lệ hoàn thành", "Đánh giá"]
CONSOLIDATED_WIDTHS = [14, 26, 22, 6, 52, 10, 26, 13, 12, 16]

# a leading character that makes Excel (or a CSV reader downstream) read the text as a formula
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")
ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X"]

FONT_NAME, FONT_SIZE = "Times New Roman", 12
BODY_FONT = Font(name=FONT_NAME, size=FONT_SIZE, family=1)
BOLD = Font(name=FONT_NAME, size=FONT_SIZE, family=1, bold=True)
TITLE_FONT = Font(name=FONT_NAME, size=14, family=1, bold=True)
ITALIC = Font(name=FONT_NAME, size=FONT_SIZE, family=1, italic=True)
UNDERLINED = Font(name=FONT_NAME, size=FONT_SIZE, family=1, bold=True, underline="single")
RECIPIENT_SIZE = 11
RECIPIENTS_LABEL = Font(name=FONT_NAME, size=FONT_SIZE, family=1, bold=True, italic=True)
RECIPIENT_FONT = Font(name=FONT_NAME, size=RECIPIENT_SIZE, family=1)
LINE_HEIGHT = 16  # points per line of 12 pt Times New Roman
MAX_LINES = 24
# characters of Vietnamese text per unit of column width, at 12 pt: an average, on the safe side (capitals, "—" and
# diacritics are wider; 1.15 left a 59-character name on one line of 36 pt where LibreOffice wrapped it)
CHARS_PER_WIDTH = 1.05
MM_PER_INCH = 25.4
CENTRE = Alignment(horizontal="center", vertical="center", wrap_text=True)
WRAP = Alignment(vertical="top", wrap_text=True)
TOP = Alignment(vertical="top")
TOP_CENTRE = Alignment(horizontal="center", vertical="top", wrap_text=True)
HEADER_FILL = PatternFill("solid", fgColor="DDE7F3")
GROUP_FILL = PatternFill("solid", fgColor="EFEFEF")
THIN = Side(style="thin", color="999999")
GRID = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)


def write_report_xlsx(content) -> bytes:
    """The workbook of one unit's report: summary and target table, tasks, and the raw figures."""
    workbook = _workbook()
    _summary_sheet(workbook, content)
    _text_sheet(workbook, content)
    if content.projections:
        _projection_sheet(workbook, content.projections)
    _task_sheet(workbook, content)
    _raw_sheet(workbook, content)
    workbook.properties.title = f"{content.title} {content.subject}"
    return _save(workbook)


def write_consolidated_xlsx(contents, title) -> bytes:
    """A parent's workbook across its communes: one row per commune and target, then each commune's
    figure per indicator with the counts behind it.

    No per-cell style but number formats (and the quote prefix of a text that looks like a formula):
    the rows of a province stay cheap to write.
    """
    # the column naming the units consolidated: a province's communes, the country's provinces (ReportCover)
    cover = title if isinstance(title, ReportCover) else None
    below = cover.below_header if cover else "Xã, phường"
    headers = [below if header == "Xã, phường" else header for header in CONSOLIDATED_HEADERS]
    title = str(title)  # a consolidated report's cover reads as its subject line
    workbook = _workbook()
    header_row = _header_rows(cover) + 3 if cover else 2
    ws = _new_sheet(workbook, SUMMARY_SHEET, CONSOLIDATED_WIDTHS, header_row=header_row)
    last = get_column_letter(len(CONSOLIDATED_HEADERS))
    if cover:
        _official_header(ws, cover, last)
        _append(ws, [_styled(ws, cover.title, font=TITLE_FONT, alignment=CENTRE)], fit=False)
        ws.merged_cells.add(f"A{ws.report_rows}:{last}{ws.report_rows}")
        _paragraph(ws, cover.subject, len(CONSOLIDATED_HEADERS), font=BOLD, alignment=CENTRE)
    else:
        _append(ws, [_styled(ws, title, font=TITLE_FONT)])
    _append(ws, [_styled(ws, header, font=BOLD, alignment=CENTRE, fill=HEADER_FILL) for header in headers])
    rows = sum(len(content.rows) for content in contents)
    ws.auto_filter.ref = f"A{header_row}:{last}{rows + header_row}"
    for content in contents:
        commune = text(ws, commune_name(content))
        code = text(ws, content.unit_code)
        for group in content.groups:
            criterion = text(ws, group.label)
            for row in group.rows:
                result, result_format = result_number(row.result, row.kind)
                _append(ws, [code, commune, criterion, _int_or_text(row.number), text(ws, row.indicator),
                           text(ws, row.unit_label), text(ws, row.goal), number(ws, result, result_format),
                           number(ws, _share(row.completion), PERCENT), row.status_label])

    _figures_sheet(workbook, contents, below)
    workbook.properties.title = title
    return _save(workbook)


def text(ws, value):
    """A string Excel shows as typed and never runs: "=1+1", "+84 912", "-5", "@SUM(A1)" stay text.

    openpyxl itself makes a formula of a string starting with "=", and Excel re-reads "+", "-" and "@"
    as one when the cell is edited; such text goes out as an inline string with the quote prefix
    (Excel's leading apostrophe). Characters XML cannot hold (a vertical tab pasted from Word) are
    dropped rather than failing the whole export.
    """
    if not isinstance(value, str):
        return value
    value = ILLEGAL_CHARACTERS_RE.sub("", value)
    if not value.startswith(FORMULA_STARTS):
        return value
    cell = WriteOnlyCell(ws, value)
    cell.data_type = "s"
    cell.quotePrefix = True
    return cell


def number(ws, value, number_format):
    """A figure with its number format, or an empty cell."""
    if value is None:
        return None
    cell = WriteOnlyCell(ws, value)
    cell.number_format = number_format
    return cell


def _plain_number(value):
    if value is None:
        return None
    return int(value) if float(value).is_integer() else value


def result_number(value, kind):
    """A figure as Excel should hold it, by its indicator's kind: (value, number format); a rate as a
    fraction (37.5% -> 0.375), a milestone as 1/0 that reads "Đã đạt" / "Chưa đạt", a level "mức 2"."""
    if value is None:
        return None, None
    if kind == IndicatorKind.RATE:
        return value / 100, PERCENT
    if kind == IndicatorKind.MILESTONE:
        return (1 if value else 0), MILESTONE
    if kind == IndicatorKind.LEVEL:
        return value, LEVEL
    return value, _count_format(value)


def _header_rows(c):
    return max(len(c.issuer_lines), 2) + 1  # issuing body and motto, then "Số" / place and date


def _official_header(ws, c, last):
    """The official header of a report or a consolidation's cover, `last` the letter of the last column."""
    header_rows = _header_rows(c)
    national = (["ĐẢNG CỘNG SẢN VIỆT NAM"] if c.is_party else
                ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"])
    issuer = c.issuer_lines
    for index in range(header_rows - 1):
        left = _styled(ws, issuer[index] if index < len(issuer) else None, alignment=CENTRE,
                       font=BOLD if len(issuer) - c.issuer_bold <= index < len(issuer) else None)
        right = _styled(ws, national[index] if index < len(national) else None, alignment=CENTRE,
                        font=UNDERLINED if index == len(national) - 1 else BOLD)
        _append(ws, [left, None, None, None, right], fit=False)
    _append(ws, [_styled(ws, c.number, alignment=CENTRE), None, None, None,
                 _styled(ws, c.place_date, font=ITALIC, alignment=CENTRE)], fit=False)
    for row in range(1, header_rows + 1):  # the issuing body over A:C, the motto over E to the last column
        ws.merged_cells.add(f"A{row}:C{row}")
        ws.merged_cells.add(f"E{row}:{last}{row}")


def _summary_sheet(workbook, content):
    header_rows = _header_rows(content)
    table_row = header_rows + 7  # after the title, subject, period, status labels, counts and a blank line
    ws = _new_sheet(workbook, SUMMARY_SHEET, TARGET_WIDTHS, header_row=table_row)
    last = get_column_letter(len(TARGET_HEADERS))
    _official_header(ws, content, last)
    for offset, (value, font) in enumerate(((content.title, TITLE_FONT), (content.subject, BOLD),
                                            (f"Kỳ báo cáo: {content.period_name}", ITALIC)), 1):
        _append(ws, [_styled(ws, value, font=font, alignment=CENTRE)], fit=False)
        ws.merged_cells.add(f"A{header_rows + offset}:{last}{header_rows + offset}")

    labels = [label for _key, label in content.summary_labels]
    counts = [content.summary.get(key, 0) for key, _label in content.summary_labels]
    rate_label = f"Tỷ lệ trường nộp báo cáo ({content.schools} trường)" if content.schools else "Tỷ lệ trường nộp báo cáo"
    _append(ws, [None, _styled(ws, "Tổng hợp đánh giá chỉ tiêu", font=BOLD),
               *[_styled(ws, label, font=BOLD, alignment=CENTRE, fill=HEADER_FILL, border=GRID)
                 for label in [*labels, "Tổng số chỉ tiêu", rate_label]]])
    _append(ws, [None, "Số chỉ tiêu",
               *[_styled(ws, count, number_format=COUNT, alignment=CENTRE, border=GRID) for count in counts],
               _styled(ws, sum(counts), number_format=COUNT, font=BOLD, alignment=CENTRE, border=GRID),
               _styled(ws, _share(content.reporting_rate.percent), number_format=PERCENT, alignment=CENTRE,
                       border=GRID)])
    # the line above the table, over the table's width (text running past it would widen the printed page)
    ws.row_dimensions[ws.report_rows + 1].height = 2 * LINE_HEIGHT + 4
    _append(ws, [None, _styled(ws, COMPLETION_NOTE, font=ITALIC, alignment=WRAP)], fit=False)
    ws.merged_cells.add(f"B{ws.report_rows}:{last}{ws.report_rows}")

    _append(ws, [_styled(ws, header, font=BOLD, alignment=CENTRE, fill=HEADER_FILL, border=GRID)
               for header in TARGET_HEADERS])
    for index, group in enumerate(content.groups):
        _append(ws, [_styled(ws, ROMAN[index] if index < len(ROMAN) else str(index + 1), font=BOLD,
                             alignment=TOP_CENTRE, fill=GROUP_FILL, border=GRID),
                   _styled(ws, group.label, font=BOLD, alignment=TOP, fill=GROUP_FILL, border=GRID),
                   *[_styled(ws, None, alignment=TOP, fill=GROUP_FILL, border=GRID) for _ in TARGET_HEADERS[2:]]])
        for row in group.rows:
            result, result_format = result_number(row.result, row.kind)
            expected, expected_format = expected_number(row.expected, row.kind)
            baseline = row.baseline / 100 if row.baseline is not None and row.is_rate else row.baseline
            _append(ws, [
                _styled(ws, _int_or_text(row.number), alignment=TOP_CENTRE, border=GRID),
                _styled(ws, _indicator_text(row), alignment=WRAP, border=GRID),
                _styled(ws, row.unit_label, alignment=TOP_CENTRE, border=GRID),
                _styled(ws, baseline, number_format=PERCENT if row.is_rate else _count_format(baseline), alignment=TOP,
                        border=GRID),
                _styled(ws, row.goal, alignment=WRAP, border=GRID),
                _styled(ws, result, number_format=result_format, alignment=TOP, border=GRID),
                _styled(ws, expected, number_format=expected_format, alignment=TOP, border=GRID),
                _styled(ws, _share(row.completion), number_format=PERCENT, alignment=TOP, border=GRID),
                _styled(ws, row.status_label, alignment=WRAP, border=GRID),
                _styled(ws, row.lead, alignment=WRAP, border=GRID),
            ])


def expected_number(value, kind):
    if value is not None and kind == IndicatorKind.LEVEL and not float(value).is_integer():
        return value, LEVEL_DECIMAL
    return result_number(value, kind)


def _text_sheet(workbook, content):
    """The report's text after its table, portrait, without a header row: the unit's sections, the tasks in a line,
    the schools' texts, "Nơi nhận" and the signature block."""
    ws = _new_sheet(workbook, TEXT_SHEET, TEXT_WIDTHS, header_row=None, portrait=True, scale=80)
    columns = len(TEXT_WIDTHS)
    own = dict(own_section_blocks(content))

    def merged():
        ws.merged_cells.add(f"A{ws.report_rows}:{get_column_letter(columns)}{ws.report_rows}")

    def heading(label):
        ws.row_dimensions[ws.report_rows + 1].height = LINE_HEIGHT + 8
        _append(ws, [_styled(ws, label.upper(), font=BOLD)], fit=False)
        merged()

    def paragraphs(text, label=None):
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        for index, line in enumerate(lines):
            _paragraph(ws, f"{label}: {line}" if label and index == 0 else line, columns)

    achievements = own.pop("Kết quả đạt được", "")
    if achievements:
        heading("Kết quả đạt được")
        paragraphs(achievements)
    heading("Tình hình thực hiện nhiệm vụ")
    if content.tasks:
        counts = [(status.label, sum(1 for task in content.tasks if task["status"] == status.label))
                  for status in TASK_ORDER]
        line = (f"Kế hoạch có {len(content.tasks)} nhiệm vụ: "
                + "; ".join(f"{label.lower()} {count}" for label, count in counts)
                + f". Danh mục đầy đủ với nội dung, đơn vị chủ trì và tình trạng ở trang “{TASK_SHEET}”.")
    else:
        line = "Kế hoạch chưa có nhiệm vụ được theo dõi."
    _paragraph(ws, line, columns)
    heading("Ý kiến của các cơ sở giáo dục")
    for index, narrative in enumerate(content.narratives, 1):
        _append(ws, [_styled(ws, f"{index}. {narrative.school}", font=BOLD, alignment=WRAP)], fit=False)
        merged()
        for label, text in (("Kết quả nổi bật", narrative.highlights), ("Khó khăn, vướng mắc", narrative.difficulties),
                            ("Đề xuất, kiến nghị", narrative.proposals)):
            if text:
                paragraphs(text, label)
    if not content.narratives:
        _paragraph(ws, "Chưa có báo cáo đã duyệt của cơ sở giáo dục nào có ý kiến trong kỳ này.", columns)
    for label, text in own.items():
        heading(label)
        paragraphs(text)
    _append(ws, [])
    left = [_styled(ws, "Nơi nhận:", font=RECIPIENTS_LABEL, alignment=WRAP),
            *[_styled(ws, f"- {recipient}", font=RECIPIENT_FONT, alignment=WRAP) for recipient in content.recipients]]
    right = [*[_styled(ws, line.upper(), font=BOLD, alignment=TOP_CENTRE) for line in content.signer_title],
             *[None] * SIGNATURE_SPACE, _styled(ws, content.signer_name, font=BOLD, alignment=TOP_CENTRE)]
    for index in range(max(len(left), len(right))):
        cells = [left[index] if index < len(left) else None, right[index] if index < len(right) else None]
        lines = max(_lines(cells[0], TEXT_WIDTHS[0] * FONT_SIZE / RECIPIENT_SIZE), _lines(cells[1], TEXT_WIDTHS[1]))
        if lines > 1:
            ws.row_dimensions[ws.report_rows + 1].height = lines * LINE_HEIGHT + 4
        _append(ws, cells, fit=False)


def _paragraph(ws, text, columns, *, font=None, alignment=WRAP):
    """A paragraph over the first `columns` columns merged, wrapped, as many rows of at most MAX_LINES lines as it
    takes."""
    per_line = max(int(sum(ws.report_widths[:columns]) * CHARS_PER_WIDTH), 1)
    lines = textwrap.wrap(text, per_line, break_on_hyphens=False, break_long_words=False) or [""]
    for start in range(0, len(lines), MAX_LINES):
        part = lines[start:start + MAX_LINES]
        if len(part) > 1:
            ws.row_dimensions[ws.report_rows + 1].height = len(part) * LINE_HEIGHT + 4
        _append(ws, [_styled(ws, " ".join(part), font=font, alignment=alignment)], fit=False)
        ws.merged_cells.add(f"A{ws.report_rows}:{get_column_letter(columns)}{ws.report_rows}")


def _projection_sheet(workbook, table):
    """The plan's projection figures as the plan prints them: one row per indicator, school years as columns;
    then the figures of its scale that are not by school year, a table of their own."""
    years, rows, scale = table.get("years", []), table.get("rows", []), table.get("scale", [])
    units = 1 if any(item["unit_label"] for item in [*rows, *scale]) else 0
    figures = max(len(years), len(PROJECTION_SCALE_HEADERS) - 2 if scale else 0)
    ws = _new_sheet(workbook, PROJECTION_SHEET, [46, *[10] * units, *[14] * figures], header_row=2)
    _append(ws, [_styled(ws, "Quy mô trường, lớp, học sinh dự kiến theo kế hoạch", font=TITLE_FONT)])

    def header(indicator, unit, *labels):
        return [_styled(ws, label, font=BOLD, alignment=CENTRE, fill=HEADER_FILL, border=GRID)
                for label in [indicator, *[unit] * units, *labels]]

    def first(item):
        cells = [_styled(ws, item["indicator"], alignment=WRAP, border=GRID)]
        if units:
            cells.append(_styled(ws, item["unit_label"], alignment=TOP_CENTRE, border=GRID))
        return cells

    if rows:
        _append(ws, header("Chỉ tiêu", "Đơn vị tính", *[f"Năm học {year}" for year in years]))
    for row in rows:
        _append(ws, [*first(row), *[_styled(ws, value, number_format=_count_format(value), alignment=TOP, border=GRID)
                                    for value in row["values"]]])
    if scale:
        if rows:
            _append(ws, [])
        _append(ws, header(*PROJECTION_SCALE_HEADERS))
        for item in scale:
            _append(ws, [*first(item), _styled(ws, item["value"], number_format=_count_format(item["value"]),
                                               alignment=TOP, border=GRID),
                         _styled(ws, item["label"], alignment=WRAP, border=GRID)])


def _task_sheet(workbook, content):
    ws = _new_sheet(workbook, TASK_SHEET, TASK_WIDTHS, header_row=1)
    _append(ws, [_styled(ws, header, font=BOLD, alignment=CENTRE, fill=HEADER_FILL, border=GRID)
                 for header in TASK_HEADERS])
    ws.auto_filter.ref = f"A1:{get_column_letter(len(TASK_HEADERS))}{len(content.tasks) + 1}"
    for index, task in enumerate(content.tasks, 1):
        _append(ws, [_styled(ws, index, alignment=TOP_CENTRE, border=GRID),
                     _styled(ws, task["group"], alignment=TOP_CENTRE, border=GRID),
                     _styled(ws, task["text"], alignment=WRAP, border=GRID),
                     _styled(ws, task["lead"], alignment=WRAP, border=GRID),
                     _styled(ws, task["status"], alignment=WRAP, border=GRID)])


def _raw_sheet(workbook, content):
    """The figures behind the tables, one row per school, indicator and period."""
    rates = {row.indicator for row in content.rows if row.is_rate}
    rows = []
    for value in content.raw_values:
        figure = value["value"]
        # a figure from counts is a rate in percent (ProgressValue.effective_value)
        is_rate = (value["numerator"] is not None and bool(value["denominator"])) or value["indicator"] in rates
        numerator, denominator = _plain_number(value["numerator"]), _plain_number(value["denominator"])
        rows.append(((value["unit_code"], value["unit"], value["indicator"], value["period"]),
                     [(numerator, _count_format(numerator)), (denominator, _count_format(denominator)),
                      (_share(figure), PERCENT) if is_rate else (figure, _count_format(figure))]))
    _figures_table(workbook, RAW_HEADERS, RAW_TEXT_WIDTHS, rows)


def _figures_sheet(workbook, contents, below="Xã, phường"):
    """A province's sheet of figures: each commune's figure per indicator (reports.consolidation) with
    the counts a rate comes from."""
    rows = []
    for value in [value for content in contents for value in commune_figures(content)]:
        numerator, denominator = _plain_number(value["numerator"]), _plain_number(value["denominator"])
        rows.append(((value["unit"], value["unit_code"], value["unit"], value["indicator"], value["period"]),
                     [(numerator, _count_format(numerator)), (denominator, _count_format(denominator)),
                      result_number(value["value"], value["kind"])]))
    _figures_table(workbook, [below, *RAW_HEADERS], [BELOW_WIDTHS, *RAW_TEXT_WIDTHS], rows)


def _figures_table(workbook, headers, limits, rows):
    """A sheet of figures from its rows (texts, [(number, number format)]): texts wrapped, numbers formatted."""
    widths = [*_text_widths(limits, [texts for texts, _figures in rows]), *[NUMBER_WIDTH] * (len(headers) - len(limits))]
    for _texts, figures in rows:
        for column, (value, number_format) in enumerate(figures, len(limits)):
            if value is not None:
                widths[column] = max(widths[column], _number_width(value, number_format))
    ws = _new_sheet(workbook, RAW_SHEET, widths, header_row=1)
    _append(ws, [_styled(ws, header, font=BOLD, alignment=CENTRE, fill=HEADER_FILL, border=GRID) for header in headers])
    ws.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{len(rows) + 1}"
    for texts, figures in rows:
        _append(ws, [*[_styled(ws, value, alignment=WRAP, border=GRID) for value in texts],
                     *[_styled(ws, value, number_format=number_format, alignment=TOP, border=GRID)
                       for value, number_format in figures]])


def _new_sheet(workbook, title, widths, *, header_row, portrait=False, scale=None):
    """A write-only sheet set up before its first row (as write-only mode requires): widths, frozen
    header, A4 landscape (or `portrait`) fitted to the width with the header row repeated on every printed page
    (none for `header_row` None)."""
    ws = workbook.create_sheet(title)
    for index, width in enumerate(widths, 1):
        ws.column_dimensions[get_column_letter(index)].width = width
    if header_row is not None:
        ws.freeze_panes = f"A{header_row + 1}"
        ws.print_title_rows = f"{header_row}:{header_row}"
    ws.page_setup.orientation = "portrait" if portrait else "landscape"
    ws.page_setup.paperSize = 9  # A4
    if scale is None:
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0  # as many pages tall as needed
        ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    else:  # printed at a fixed scale (the text sheet: Excel ignores page breaks in a sheet fitted to pages)
        ws.page_setup.scale = scale
    # the margins of Nghị định 30/2020: 30 mm left, 15 mm right, 20 mm top and bottom (in inches)
    ws.page_margins.left, ws.page_margins.right = 30 / MM_PER_INCH, 15 / MM_PER_INCH
    ws.page_margins.top, ws.page_margins.bottom = 20 / MM_PER_INCH, 20 / MM_PER_INCH
    ws.page_margins.header = ws.page_margins.footer = 8 / MM_PER_INCH
    ws.report_widths, ws.report_rows = list(widths), 0  # what _append needs to size the rows it writes
    ws.print_options.horizontalCentered = True
    # the page number centred in the top margin from page 2 (Nghị định 30/2020)
    ws.HeaderFooter.differentFirst = True
    ws.oddHeader.center.text = "&P"
    ws.oddHeader.center.font = FONT_NAME
    return ws


def _workbook():
    """A write-only workbook whose default font (that of every cell without a style) is Times New Roman 12.

    openpyxl has no public setting for it: the first font of the workbook's list and the "Normal" style
    are what Excel and LibreOffice use for unstyled cells."""
    workbook = Workbook(write_only=True)
    workbook._fonts = IndexedList([BODY_FONT])
    workbook._named_styles["Normal"].font = BODY_FONT
    return workbook


def _append(ws, values, *, fit=True):
    """Write a row; its height fits the longest wrapped text in it, estimated from the column's width
    (LibreOffice and Excel keep the default height for rows written without one, so wrapped lines overlap).
    `fit=False` for rows of merged cells, whose text spans several columns."""
    ws.report_rows += 1
    if fit:
        lines = max((_lines(value, width) for value, width in zip(values, ws.report_widths, strict=False)), default=1)
        if lines > 1:
            ws.row_dimensions[ws.report_rows].height = lines * LINE_HEIGHT + 4
    ws.append(values)


def _lines(value, width):
    """How many lines a wrapped cell's text takes in a column `width` wide (1 for a cell that does not wrap)."""
    if not isinstance(value, Cell) or not isinstance(value.value, str) or not value.alignment.wrap_text:
        return 1
    per_line = max(int(width * CHARS_PER_WIDTH), 1)
    # wrapped at spaces, as Excel and LibreOffice do: a word that does not fit goes whole to the next line
    return sum(len(textwrap.wrap(line, per_line, break_on_hyphens=False)) or 1 for line in value.value.split("\n"))


def _styled(ws, value, *, font=None, alignment=None, fill=None, border=None, number_format=None):
    cell = text(ws, value)
    if not isinstance(cell, Cell):
        cell = WriteOnlyCell(ws, cell)
    if font is not None:
        cell.font = font
    if alignment is not None:
        cell.alignment = alignment
    if fill is not None:
        cell.fill = fill
    if border is not None:
        cell.border = border
    if number_format is not None and value is not None:
        cell.number_format = number_format
    return cell


def _indicator_text(row):
    """The target as the table names it, with the plan's sections when the plan states it twice, and what the result
    is of (ReportRow.result_note: an earlier period's, the number of units below that reported it)."""
    text = row.indicator
    if row.sections:
        text += f"\n(Kế hoạch nêu tại các mục: {'; '.join(row.sections)})"
    if row.result_note:
        text += f"\n(Kết quả: {row.result_note})"
    return text


def _save(workbook):
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _share(percent):
    return None if percent is None else percent / 100


def _count_format(value):
    return COUNT if value is None or float(value).is_integer() else DECIMAL


def _int_or_text(value):
    return int(value) if isinstance(value, str) and value.isascii() and value.isdigit() else value
