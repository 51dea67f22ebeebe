"""The progress report as an Excel workbook for the officer above: a commune's report, and a province's
consolidation across its communes.

Built from a ReportContent (reports/content.py), like the PDF, so paper and spreadsheet agree; a
province's sheet of figures comes from reports/consolidation.py, as the PDF's aggregates do. Figures
are real numbers with number formats chosen by the indicator's kind (a rate is stored as 0.375 and
shown as 37,5% in a Vietnamese Excel), so the workbook can be summed, filtered and pivoted. The workbook is
written with XlsxWriter: a province of 120 communes x 60 targets (130,000 cells) is written in about 1.4 s,
where openpyxl's write-only mode took 3.1 s, most of it binding each cell's value.

Everything a user typed (indicator names, goals, tasks, unit names) is written as a string that Excel
never evaluates, even if it begins with "=", "+", "-" or "@" (see `text`).
"""

import functools
import io
import math
import re
import textwrap
from decimal import Decimal
from typing import NamedTuple

from xlsxwriter import Workbook
from xlsxwriter.worksheet import Worksheet

from plans.models import TaskStatus
from targets.fields import format_number
from targets.models import IndicatorKind

from .consolidation import commune_figures, commune_name
from .content import COMPLETION_NOTE, ReportCover, own_section_blocks

SUMMARY_SHEET, TASK_SHEET, RAW_SHEET = "Tổng hợp", "Nhiệm vụ", "Số liệu gốc"
TEXT_SHEET = "Báo cáo"  # the report's text after its table: the unit's sections, the schools', "Nơi nhận", signature
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
# the text sheet, printed portrait: its paragraphs over both columns; "Nơi nhận" in the first, the signature in the
# second, as the PDF sets them side by side
TEXT_WIDTHS = [54, 35]
SIGNATURE_SPACE = 4  # blank rows between the signer's title and name, where the report is signed (about 22 mm)
TASK_ORDER = [TaskStatus.DONE, TaskStatus.IN_PROGRESS, TaskStatus.LATE, TaskStatus.NOT_STARTED]
TASK_HEADERS = ["STT", "Nhóm", "Nhiệm vụ", "Đơn vị chủ trì", "Tình trạng"]
TASK_WIDTHS = [6, 9, 90, 34, 16]
RAW_HEADERS = ["Mã đơn vị", "Đơn vị", "Chỉ tiêu", "Kỳ báo cáo", "Tử số", "Mẫu số", "Giá trị"]
# a sheet of figures sizes its columns from what they hold (_text_widths): its texts (code, unit, indicator, period)
# between the (narrowest, widest) of their column, wrapped past the widest; its numbers NUMBER_WIDTH, or as wide as
# the longest one takes. The consolidation's figures have the commune's name (BELOW_WIDTHS) before them.
RAW_TEXT_WIDTHS = [(12, 30), (12, 40), (16, 70), (14, 30)]
BELOW_WIDTHS = (14, 40)
NUMBER_WIDTH = 10
# column widths a character takes at 12 pt, on the safe side: a capital ("DK-THTHCS-TANTHANH"), a digit (8 pixels of
# a 7-pixel unit), anything else as CHARS_PER_WIDTH; and a cell's padding
CAPITAL_WIDTH, DIGIT_WIDTH, CELL_PADDING = 1.3, 1.15, 2
PROJECTION_SCALE_HEADERS = ["Chỉ tiêu", "Đơn vị tính", "Dự kiến", "Thời hạn"]
CONSOLIDATED_HEADERS = ["Mã đơn vị", "Xã, phường", "Tiêu chí", "STT", "Chỉ tiêu", "Đơn vị tính",
                        "Chỉ tiêu theo mốc", "Kết quả kỳ báo cáo", "Tỷ lệ hoàn thành", "Đánh giá"]
CONSOLIDATED_WIDTHS = [14, 26, 22, 6, 52, 10, 26, 13, 12, 16]

# a leading character that makes Excel (or a CSV reader downstream) read the text as a formula
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")
# characters XML 1.0 cannot hold (the control characters but tab, line feed and carriage return)
ILLEGAL_CHARACTERS_RE = re.compile(r"[\000-\010]|[\013-\014]|[\016-\037]")
ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X"]

# Styles are the properties of XlsxWriter formats, combined per cell and made a Format once per workbook
# (see _Formats). The workbook's default format is Times New Roman 12: it is also the font of every
# cell without one. The font is no theme font (XlsxWriter would mark every other font "minor", which
# Excel shows in the theme's Calibri) and "theme": -1 writes it without the theme's colour.
FONT_NAME, FONT_SIZE = "Times New Roman", 12
BODY_FONT = {"font_name": FONT_NAME, "font_size": FONT_SIZE, "font_family": 1, "font_scheme": "none", "theme": -1}
BOLD = {"bold": True}
TITLE_FONT = {"bold": True, "font_size": 14}
ITALIC = {"italic": True}
RECIPIENTS_LABEL = {"bold": True, "italic": True}
RECIPIENT_SIZE = 11  # the recipients' lines in 11 pt, under "Nơi nhận:" in 12 (Nghị định 30/2020)
RECIPIENT_FONT = {"font_size": RECIPIENT_SIZE}
UNDERLINED = {"bold": True, "underline": 1}
LINE_HEIGHT = 16  # points per line of 12 pt Times New Roman
# the lines a row of text is given at most (Excel's rows are at most 409 pt): a longer paragraph goes on in the next
MAX_LINES = 24
# characters of Vietnamese text per unit of column width, at 12 pt: an average, on the safe side (capitals, "—" and
# diacritics are wider; 1.15 left a 59-character name on one line of 36 pt where LibreOffice wrapped it)
CHARS_PER_WIDTH = 1.05
PIXELS_PER_WIDTH = 7  # XlsxWriter's column width unit in pixels: a width of 52 is stored as 52
MM_PER_INCH = 25.4
PT_PER_MM = 72 / MM_PER_INCH
# the text sheet is printed at a fixed scale, not fitted to the page's width as the tables are: Excel ignores the
# page breaks written into a sheet fitted to pages (LibreOffice keeps them). Its columns, in 12 pt Times New Roman,
# need 82% (LibreOffice) to 89% (Excel) to fit a portrait page's width between the margins: 80% fits both
TEXT_PRINT_SCALE = 80
# the height, in the sheet's points, a portrait A4 page at that scale gives its rows between the margins of Nghị
# định 30/2020 (20 mm top and bottom), less a line's worth of room so that a renderer's rounding never pushes a row
# past our own page break
PORTRAIT_BODY_HEIGHT = (297 - 20 - 20) * PT_PER_MM * 100 / TEXT_PRINT_SCALE - LINE_HEIGHT
CENTRE = {"align": "center", "valign": "vcenter", "text_wrap": True}
# a table's cells all start at the top of their row, where its wrapped text starts (a figure at the bottom of a
# row of several lines reads as the next row's)
WRAP = {"valign": "top", "text_wrap": True}
TOP = {"valign": "top"}
TOP_CENTRE = {"align": "center", "valign": "top", "text_wrap": True}
HEADER_FILL = {"pattern": 1, "bg_color": "#DDE7F3"}
GROUP_FILL = {"pattern": 1, "bg_color": "#EFEFEF"}
GRID = {"border": 1, "border_color": "#999999"}
QUOTED = {"quote_prefix": True}


class Cell(NamedTuple):
    """A value with its style: the sorted (property, value) pairs of an XlsxWriter format."""

    value: object
    style: tuple


def write_report_xlsx(content, raw_sheets=None, on_progress=None) -> bytes:
    """The workbook of one unit's report: summary and target table, the report's text with "Nơi nhận" and the
    signature, the plan's projections, tasks, and the raw figures.

    `raw_sheets`: the raw figures as [(sheet name, rows)], read as they are written (the country's, by province:
    content.raw_value_sheets), instead of the content's; the workbook is then written row by row to temporary
    files (XlsxWriter's constant_memory), and `on_progress` runs every PROGRESS_ROWS rows. Whichever way, a sheet
    that would pass Excel's last row goes on in another ("… (2)")."""
    buffer = io.BytesIO()
    workbook = _workbook(buffer, streamed=raw_sheets is not None)
    _summary_sheet(workbook, content)
    _text_sheet(workbook, content)
    if content.projections:
        _projection_sheet(workbook, content.projections)
    _task_sheet(workbook, content)
    _raw_sheets(workbook, content, [(RAW_SHEET, content.raw_values)] if raw_sheets is None else raw_sheets,
                on_progress=on_progress)
    workbook.set_properties({"title": f"{content.title} {content.subject}"})
    return _save(workbook, buffer)


def write_consolidated_xlsx(contents, title) -> bytes:
    """A parent's workbook across its communes: one row per commune and target, then each commune's
    figure per indicator with the counts behind it. `title`: the report's cover (content.ReportCover), whose official
    header (issuing body, number, motto, place and date, title and subject) heads the table as a unit's workbook's
    does (until 28/11/2026 only its subject line, in A1), or a bare title.

    No per-cell style in the table but number formats (and the quote prefix of a text that looks like a formula):
    the rows of a province stay cheap to write.
    """
    # the column naming the units consolidated: a province's communes, the country's provinces (ReportCover)
    cover = title if isinstance(title, ReportCover) else None
    below = cover.below_header if cover else "Xã, phường"
    headers = [below if header == "Xã, phường" else header for header in CONSOLIDATED_HEADERS]
    title = str(title)  # a consolidated report's cover reads as its subject line
    buffer = io.BytesIO()
    workbook = _workbook(buffer)
    last = len(CONSOLIDATED_HEADERS) - 1
    # the header, then the title and the subject, over the table's header
    header_row = _header_rows(cover) + 3 if cover else 2
    ws = _new_sheet(workbook, SUMMARY_SHEET, CONSOLIDATED_WIDTHS, header_row=header_row)
    if cover:
        _official_header(ws, cover, last)
        _append(ws, [_styled(cover.title, font=TITLE_FONT, alignment=CENTRE)], fit=False, merges=[(0, last)])
        _paragraph(ws, cover.subject, (0, last), font=BOLD, alignment=CENTRE)  # a plan named by its title: two lines
    else:
        _append(ws, [_styled(title, font=TITLE_FONT)])
    _append(ws, [_styled(header, font=BOLD, alignment=CENTRE, fill=HEADER_FILL) for header in headers])
    rows = sum(len(content.rows) for content in contents)
    ws.autofilter(header_row - 1, 0, header_row - 1 + rows, last)
    for content in contents:
        commune = text(commune_name(content))
        code = text(content.unit_code)
        for group in content.groups:
            criterion = text(group.label)
            for row in group.rows:
                result, result_format = result_number(row.result, row.kind)
                _append(ws, [code, commune, criterion, _int_or_text(row.number), text(row.indicator),
                             text(row.unit_label), text(row.goal), number(result, result_format),
                             number(_share(row.completion), PERCENT), row.status_label], fit=False)  # none wraps

    _figures_sheet(workbook, contents, below)
    workbook.set_properties({"title": title})
    return _save(workbook, buffer)


def text(value):
    """A string Excel shows as typed and never runs: "=1+1", "+84 912", "-5", "@SUM(A1)" stay text.

    Every string is written as a string (never through XlsxWriter's guessing `write`), and Excel re-reads
    "=", "+", "-" and "@" as a formula when the cell is edited; such text goes out with the quote prefix
    (Excel's leading apostrophe). Characters XML cannot hold (a vertical tab pasted from Word) are
    dropped rather than failing the whole export.
    """
    if not isinstance(value, str):
        return value
    value = ILLEGAL_CHARACTERS_RE.sub("", value)
    if not value.startswith(FORMULA_STARTS):
        return value
    return Cell(value, _style_key(QUOTED))


def number(value, number_format):
    """A figure with its number format, or an empty cell."""
    if value is None:
        return None
    return Cell(value, (("num_format", number_format),))


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
    """The rows of the official header (_official_header): the issuing body's lines beside the motto's, then "Số" /
    place and date."""
    return max(len(c.issuer_lines), 2) + 1


def _official_header(ws, c, last):
    """The official header of a report or a consolidation's cover `c` (Nghị định 30/2020): the issuing body (its
    parent's line regular, its own bold) over A:C, the national title and motto (or "ĐẢNG CỘNG SẢN VIỆT NAM") over E
    to the `last` column; then the number under the one and the place and date, in italics, under the other."""
    national = (["ĐẢNG CỘNG SẢN VIỆT NAM"] if c.is_party else
                ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"])
    issuer = c.issuer_lines
    header_merges = [(0, 2), (4, last)]
    for index in range(_header_rows(c) - 1):
        left = _styled(issuer[index] if index < len(issuer) else None, alignment=CENTRE,
                       font=BOLD if len(issuer) - c.issuer_bold <= index < len(issuer) else None)
        right = _styled(national[index] if index < len(national) else None, alignment=CENTRE,
                        font=UNDERLINED if index == len(national) - 1 else BOLD)
        _append(ws, [left, None, None, None, right], fit=False, merges=header_merges)
    _append(ws, [_styled(c.number, alignment=CENTRE), None, None, None,
                 _styled(c.place_date, font=ITALIC, alignment=CENTRE)], fit=False, merges=header_merges)


def _summary_sheet(workbook, content):
    table_row = _header_rows(content) + 7  # after the title, subject, period, status labels, counts and a blank line
    ws = _new_sheet(workbook, SUMMARY_SHEET, TARGET_WIDTHS, header_row=table_row)
    last = len(TARGET_HEADERS) - 1
    _official_header(ws, content, last)
    for value, font in ((content.title, TITLE_FONT), (content.subject, BOLD),
                        (f"Kỳ báo cáo: {content.period_name}", ITALIC)):
        _append(ws, [_styled(value, font=font, alignment=CENTRE)], fit=False, merges=[(0, last)])

    labels = [label for _key, label in content.summary_labels]
    counts = [content.summary.get(key, 0) for key, _label in content.summary_labels]
    rate_label = (f"Tỷ lệ trường nộp báo cáo ({format_number(content.schools)} trường)" if content.schools
                  else "Tỷ lệ trường nộp báo cáo")
    _append(ws, [None, _styled("Tổng hợp đánh giá chỉ tiêu", font=BOLD),
                 *[_styled(label, font=BOLD, alignment=CENTRE, fill=HEADER_FILL, border=GRID)
                   for label in [*labels, "Tổng số chỉ tiêu", rate_label]]])
    _append(ws, [None, "Số chỉ tiêu",
                 *[_styled(count, number_format=COUNT, alignment=CENTRE, border=GRID) for count in counts],
                 _styled(sum(counts), number_format=COUNT, font=BOLD, alignment=CENTRE, border=GRID),
                 _styled(_share(content.reporting_rate.percent), number_format=PERCENT, alignment=CENTRE,
                         border=GRID)])
    # the line above the table, over the table's width (text running past it would widen the printed page)
    _append(ws, [None, _styled(COMPLETION_NOTE, font=ITALIC, alignment=WRAP)], fit=False, merges=[(1, last)],
            height=2 * LINE_HEIGHT + 4)

    _append(ws, [_styled(header, font=BOLD, alignment=CENTRE, fill=HEADER_FILL, border=GRID)
                 for header in TARGET_HEADERS])
    # every cell of the table at the top of its row, with the first line of the target's wrapped text; a section's
    # heading row keeps the default height (an odd one would move the page breaks)
    for index, group in enumerate(content.groups):
        _append(ws, [_styled(ROMAN[index] if index < len(ROMAN) else str(index + 1), font=BOLD, alignment=TOP_CENTRE,
                             fill=GROUP_FILL, border=GRID),
                     _styled(group.label, font=BOLD, alignment=TOP, fill=GROUP_FILL, border=GRID),
                     *[_styled(None, alignment=TOP, fill=GROUP_FILL, border=GRID) for _ in TARGET_HEADERS[2:]]])
        for row in group.rows:
            result, result_format = result_number(row.result, row.kind)
            expected, expected_format = expected_number(row.expected, row.kind)
            baseline = row.baseline / 100 if row.baseline is not None and row.is_rate else row.baseline
            _append(ws, [
                _styled(_int_or_text(row.number), alignment=TOP_CENTRE, border=GRID),
                _styled(_indicator_text(row), alignment=WRAP, border=GRID),
                _styled(row.unit_label, alignment=TOP_CENTRE, border=GRID),
                _styled(baseline, number_format=PERCENT if row.is_rate else _count_format(baseline), alignment=TOP,
                        border=GRID),
                _styled(row.goal, alignment=WRAP, border=GRID),
                _styled(result, number_format=result_format, alignment=TOP, border=GRID),
                _styled(expected, number_format=expected_format, alignment=TOP, border=GRID),
                _styled(_share(row.completion), number_format=PERCENT, alignment=TOP, border=GRID),
                _styled(row.status_label, alignment=WRAP, border=GRID),
                _styled(row.lead, alignment=WRAP, border=GRID),
            ])


def expected_number(value, kind):
    """ "Cần đạt đến nay" as Excel holds it: as the result is (result_number), a level between two levels with its
    decimals ("mức 1,50"); (None, None) where there is none (ReportRow.expected)."""
    if value is not None and kind == IndicatorKind.LEVEL and not float(value).is_integer():
        return value, LEVEL_DECIMAL
    return result_number(value, kind)


def _text_sheet(workbook, content):
    """The report's text, after the table as in the PDF and the Word file: what the unit wrote itself (kết quả đạt
    được; hạn chế, phương hướng, đề xuất), the tasks in a line (their list is the sheet "Nhiệm vụ"), the schools'
    texts; then "Nơi nhận" on the left and the signature block on the right. A sheet of its own, printed portrait:
    on the table's sheet its pages would repeat the table's header (until 28/11/2026 the workbook had none of it)."""
    ws = _new_sheet(workbook, TEXT_SHEET, TEXT_WIDTHS, header_row=None, portrait=True, scale=TEXT_PRINT_SCALE)
    ws.report_heights, ws.report_keep = [], set()  # paginated here: see page_breaks
    span = (0, len(TEXT_WIDTHS) - 1)
    own = dict(own_section_blocks(content))

    def heading(label):  # a row taller than its line: the heading at its foot (a cell's default), room above it
        _append(ws, [_styled(label.upper(), font=BOLD)], fit=False, merges=[span], height=LINE_HEIGHT + 8,
                keep_with_next=True)

    def paragraphs(text, label=None):
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        for index, line in enumerate(lines):
            _paragraph(ws, f"{label}: {line}" if label and index == 0 else line, span)

    achievements = own.pop("Kết quả đạt được", "")
    if achievements:
        heading("Kết quả đạt được")
        paragraphs(achievements)
    heading("Tình hình thực hiện nhiệm vụ")
    _paragraph(ws, _tasks_line(content.tasks), span)
    heading("Ý kiến của các cơ sở giáo dục")
    for index, narrative in enumerate(content.narratives, 1):
        _append(ws, [_styled(f"{index}. {narrative.school}", font=BOLD, alignment=WRAP)], fit=False, merges=[span],
                keep_with_next=True)
        for label, text in (("Kết quả nổi bật", narrative.highlights), ("Khó khăn, vướng mắc", narrative.difficulties),
                            ("Đề xuất, kiến nghị", narrative.proposals)):
            if text:
                paragraphs(text, label)
    if not content.narratives:
        _paragraph(ws, "Chưa có báo cáo đã duyệt của cơ sở giáo dục nào có ý kiến trong kỳ này.", span)
    for label, text in own.items():
        heading(label)
        paragraphs(text)
    # the signature is never on a page of its own: the text's last lines go over with it when it does not fit
    ws.report_keep.add(ws.report_rows - 1)
    _append(ws, [], keep_with_next=True)
    _closing(ws, content)
    ws.set_h_pagebreaks(page_breaks(ws.report_heights, ws.report_keep, PORTRAIT_BODY_HEIGHT))


def page_breaks(heights, keep_with_next, page_height):
    """The rows (0-based) before which the pages of a sheet break, for rows `heights` high (points) on pages
    `page_height` high: where a row does not fit, as Excel and LibreOffice break, moved up over the rows that keep
    with the next one (a heading, a school's name, the closing block and the lines just before it), so that none
    of them ends a page — unless they fill the whole page, where the page breaks where it must. Excel has no
    "keep with next" of its own (Word and the PDF have it), so the breaks are written into the sheet."""
    breaks, start, used = [], 0, 0.0
    for row, height in enumerate(heights):
        if used + height > page_height and row > start:
            cut = row
            while cut - 1 > start and cut - 1 in keep_with_next:
                cut -= 1
            if cut - 1 == start and start in keep_with_next:  # rows keeping together fill the page
                cut = row
            breaks.append(cut)
            start, used = cut, sum(heights[cut:row])
        used += height
    return breaks


def _tasks_line(tasks):
    """The tasks in a line, by status, as the PDF counts them."""
    if not tasks:
        return "Kế hoạch chưa có nhiệm vụ được theo dõi."
    counts = [(status.label, sum(1 for task in tasks if task["status"] == status.label)) for status in TASK_ORDER]
    return (f"Kế hoạch có {len(tasks)} nhiệm vụ: " + "; ".join(f"{label.lower()} {count}" for label, count in counts)
            + f". Danh mục đầy đủ với nội dung, đơn vị chủ trì và tình trạng ở trang “{TASK_SHEET}”.")


def _closing(ws, c):
    """ "Nơi nhận:" (bold italic, 12 pt) and the recipients (11 pt) in the first column; in the second, centred and
    bold, the signer's title, room to sign and the signer's name (blank until the leader approves the report)."""
    left = [_styled("Nơi nhận:", font=RECIPIENTS_LABEL, alignment=WRAP),
            *[_styled(f"- {recipient}", font=RECIPIENT_FONT, alignment=WRAP) for recipient in c.recipients]]
    right = [*[_styled(line.upper(), font=BOLD, alignment=TOP_CENTRE) for line in c.signer_title],
             *[None] * SIGNATURE_SPACE, _styled(c.signer_name, font=BOLD, alignment=TOP_CENTRE)]
    for index in range(max(len(left), len(right))):
        cells = [left[index] if index < len(left) else None, right[index] if index < len(right) else None]
        # the recipients' lines are in 11 pt: as many characters to a line as in a column 12/11 as wide at 12 pt
        lines = max(_lines(cells[0], TEXT_WIDTHS[0] * FONT_SIZE / RECIPIENT_SIZE), _lines(cells[1], TEXT_WIDTHS[1]))
        # the block's rows stay on one page (page_breaks): all but its last keep with the next
        _append(ws, cells, fit=False, height=lines * LINE_HEIGHT + 4 if lines > 1 else None,
                keep_with_next=index < max(len(left), len(right)) - 1)


def _paragraph(ws, text, span, *, font=None, alignment=WRAP):
    """A paragraph of text over the merged columns `span` (first, last), wrapped, its row as high as its lines; a
    paragraph of more than MAX_LINES lines goes on in the rows below, MAX_LINES lines at a time."""
    first, last = span
    per_line = max(int(sum(ws.report_widths[first:last + 1]) * CHARS_PER_WIDTH), 1)
    lines = textwrap.wrap(text, per_line, break_on_hyphens=False, break_long_words=False) or [""]
    for start in range(0, len(lines), MAX_LINES):
        part = lines[start:start + MAX_LINES]
        _append(ws, [*[None] * first, _styled(" ".join(part), font=font, alignment=alignment)], fit=False, merges=[span],
                height=len(part) * LINE_HEIGHT + 4 if len(part) > 1 else None)


def _projection_sheet(workbook, table):
    """The plan's projection figures as the plan prints them: one row per indicator, school years as columns; then
    the figures of its scale that are not by school year, a table of their own (indicator, unit, figure, deadline).
    Every figure a number in its cell; the unit in a column of its own, left out when the plan gives none."""
    years, rows, scale = table.get("years", []), table.get("rows", []), table.get("scale", [])
    unit_columns = 1 if any(item["unit_label"] for item in [*rows, *scale]) else 0
    figures = max(len(years), len(PROJECTION_SCALE_HEADERS) - 2 if scale else 0)  # the columns right of the unit
    ws = _new_sheet(workbook, PROJECTION_SHEET, [46, *[10] * unit_columns, *[14] * figures], header_row=2)
    _append(ws, [_styled("Quy mô trường, lớp, học sinh dự kiến theo kế hoạch", font=TITLE_FONT)])

    def header(indicator, unit, *labels):
        return [_styled(label, font=BOLD, alignment=CENTRE, fill=HEADER_FILL, border=GRID)
                for label in [indicator, *[unit] * unit_columns, *labels]]

    def first(item):  # the indicator, and its unit if the sheet has the column
        return [_styled(item["indicator"], alignment=WRAP, border=GRID),
                *[_styled(item["unit_label"], alignment=TOP_CENTRE, border=GRID)] * unit_columns]

    if rows:
        _append(ws, header("Chỉ tiêu", "Đơn vị tính", *[f"Năm học {year}" for year in years]))
    for row in rows:
        _append(ws, [*first(row), *[_styled(value, number_format=_count_format(value), alignment=TOP, border=GRID)
                                    for value in row["values"]]])
    if scale:
        if rows:
            _append(ws, [])
        _append(ws, header(*PROJECTION_SCALE_HEADERS))
        for item in scale:
            _append(ws, [*first(item),
                         _styled(item["value"], number_format=_count_format(item["value"]), alignment=TOP,
                                 border=GRID),
                         _styled(item["label"], alignment=WRAP, border=GRID)])


def _task_sheet(workbook, content):
    """The plan's tasks, a bordered table whose cells all start at the top of their row, with the task's text."""
    ws = _new_sheet(workbook, TASK_SHEET, TASK_WIDTHS, header_row=1)
    _append(ws, [_styled(header, font=BOLD, alignment=CENTRE, fill=HEADER_FILL, border=GRID)
                 for header in TASK_HEADERS])
    ws.autofilter(0, 0, len(content.tasks), len(TASK_HEADERS) - 1)
    for index, task in enumerate(content.tasks, 1):
        _append(ws, [_styled(index, alignment=TOP_CENTRE, border=GRID),
                     _styled(task["group"], alignment=TOP_CENTRE, border=GRID),
                     _styled(task["text"], alignment=WRAP, border=GRID),
                     _styled(task["lead"], alignment=WRAP, border=GRID),
                     _styled(task["status"], alignment=WRAP, border=GRID)])


EXCEL_ROWS = 1_048_576  # the rows an Excel sheet holds
SHEET_NAME_LENGTH = 31  # the characters of a sheet's name Excel accepts
SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
PROGRESS_ROWS = 10_000


def _raw_sheets(workbook, content, parts, *, on_progress=None):
    """The figures behind the tables, one row per school, indicator and period: a sheet per part (name, rows),
    each going on in another sheet at Excel's last row (EXCEL_ROWS, the header included). The texts' columns as
    wide as their longest text (up to a limit, past which it wraps) when the rows are a list; rows read as they
    are written (the country's) have the widest columns."""
    limit = EXCEL_ROWS
    rates = {row.indicator for row in content.rows if row.is_rate}
    names, written = set(), 0

    def texts(value):
        return value["unit_code"], value["unit"], value["indicator"], value["period"]

    for name, rows in parts:
        widths = _text_widths(RAW_TEXT_WIDTHS, map(texts, rows) if isinstance(rows, (list, tuple)) else None)
        ws = _raw_sheet(workbook, _sheet_name(name, names), RAW_HEADERS, widths)
        for value in rows:
            if ws.report_rows >= limit:
                _finish_raw_sheet(ws)
                ws = _raw_sheet(workbook, _sheet_name(name, names, continued=True), RAW_HEADERS, widths)
            figure = value["value"]
            # a figure from counts is a rate in percent (ProgressValue.effective_value)
            is_rate = (value["numerator"] is not None and bool(value["denominator"])) or value["indicator"] in rates
            numerator, denominator = _plain_number(value["numerator"]), _plain_number(value["denominator"])
            _raw_row(ws, texts(value), [(numerator, _count_format(numerator)),
                                        (denominator, _count_format(denominator)),
                                        (_share(figure), PERCENT) if is_rate else (figure, _count_format(figure))])
            written += 1
            if on_progress is not None and written % PROGRESS_ROWS == 0:
                on_progress()
        _finish_raw_sheet(ws)


def _raw_sheet(workbook, name, headers, text_widths):
    """A sheet of figures: its texts' columns `text_widths` wide, then its numbers' (widened as they are written)."""
    widths = [*text_widths, *[NUMBER_WIDTH] * (len(headers) - len(text_widths))]
    ws = _new_sheet(workbook, name, widths, header_row=1)
    _append(ws, [_styled(header, font=BOLD, alignment=CENTRE, fill=HEADER_FILL, border=GRID) for header in headers])
    ws.report_extremes = {}  # (column, number format) -> [the lowest figure, the highest] written in it
    return ws


def _raw_row(ws, texts, figures):
    """A row of a sheet of figures: its texts, wrapped, and its (number, number format) figures, each a real number
    in its format; every cell bordered, at the top of the row."""
    cells = []
    for value in texts:
        value = text(value)
        cells.append(Cell(value.value, RAW_QUOTED) if isinstance(value, Cell) else Cell(value, RAW_TEXT))
    extremes = ws.report_extremes
    for column, (value, number_format) in enumerate(figures, len(texts)):
        cells.append(Cell(value, RAW_FIGURE if value is None else _figure_style(number_format)))
        if value is not None:
            seen = extremes.get((column, number_format))
            if seen is None:
                extremes[column, number_format] = [value, value]
            elif value < seen[0]:
                seen[0] = value
            elif value > seen[1]:
                seen[1] = value
    _append(ws, cells)


def _finish_raw_sheet(ws):
    """The header's filter over the rows written, and each column of numbers as wide as its longest one takes."""
    ws.autofilter(0, 0, ws.report_rows - 1, len(ws.report_widths) - 1)
    for (column, number_format), figures in ws.report_extremes.items():
        width = max(_number_width(value, number_format) for value in figures)
        if width > ws.report_widths[column]:
            ws.set_column_pixels(column, column, width * PIXELS_PER_WIDTH)
            ws.report_widths[column] = width


def _text_widths(limits, rows):
    """The widths of the columns of texts: each as wide as its longest text takes on one line, between the
    (narrowest, widest) of `limits`; the widest without `rows` (rows read as they are written)."""
    if rows is None:
        return [widest for _narrowest, widest in limits]
    columns = [set() for _limit in limits]  # each text measured once: the rows repeat units, indicators and periods
    for texts in rows:
        for column, value in zip(columns, texts, strict=True):
            column.add(value)
    longest = [max((_text_width(value) for value in column if isinstance(value, str)), default=0) for column in columns]
    return [min(max(math.ceil(width) + CELL_PADDING, narrowest), widest)
            for width, (narrowest, widest) in zip(longest, limits, strict=True)]


def _text_width(value):
    """The column width a text takes on one line, at 12 pt (its longest line's)."""
    return max(sum(CAPITAL_WIDTH if char.isupper() else DIGIT_WIDTH if char.isdigit() else 1 / CHARS_PER_WIDTH
                   for char in line) for line in value.split("\n"))


def _number_width(value, number_format):
    """The column width a figure takes in its number format (as an English Excel shows it: "1,318", "37.5%")."""
    if number_format == PERCENT:
        shown = f"{value * 100:,.1f}%"
    elif number_format == DECIMAL:
        shown = f"{value:,.2f}"
    elif number_format == COUNT:
        shown = f"{value:,.0f}"
    else:  # a level or a milestone: "mức 3", "Chưa đạt"
        shown = "Chưa đạt"
    return math.ceil(len(shown) * DIGIT_WIDTH) + CELL_PADDING


def _sheet_name(name, taken, *, continued=False):
    """A sheet's name Excel accepts, unique in the workbook (whatever the case): at most 31 characters, none of
    []:*?/\\; a sheet going on from another, or a name already taken, is numbered ("Tỉnh A (2)")."""
    base = SHEET_NAME_FORBIDDEN.sub(" ", str(name)).strip().strip("'") or RAW_SHEET
    number = 2 if continued else 1
    while True:
        suffix = f" ({number})" if number > 1 else ""
        # cut where an apostrophe ends it, Excel (and XlsxWriter, which fails the build) refuses the name
        candidate = base[:SHEET_NAME_LENGTH - len(suffix)].rstrip().rstrip("'").rstrip() + suffix
        if candidate.casefold() not in taken:
            taken.add(candidate.casefold())
            return candidate
        number += 1


def _figures_sheet(workbook, contents, below="Xã, phường"):
    """A province's sheet of figures: each commune's figure per indicator (reports.consolidation) with the counts a
    rate comes from, laid out as a unit's (_raw_sheets), the commune's name first."""
    headers = [below, *RAW_HEADERS]
    figures = [value for content in contents for value in commune_figures(content)]

    def texts(value):
        return value["unit"], value["unit_code"], value["unit"], value["indicator"], value["period"]

    ws = _raw_sheet(workbook, RAW_SHEET, headers, _text_widths([BELOW_WIDTHS, *RAW_TEXT_WIDTHS], map(texts, figures)))
    for value in figures:
        numerator, denominator = _plain_number(value["numerator"]), _plain_number(value["denominator"])
        _raw_row(ws, texts(value), [(numerator, _count_format(numerator)), (denominator, _count_format(denominator)),
                                    result_number(value["value"], value["kind"])])
    _finish_raw_sheet(ws)


class _Sheet(Worksheet):
    """A worksheet that keeps what _append needs (its columns' widths, the rows written, the workbook's
    formats) and numbers its printed pages from page 2 only.

    Two elements of the page setup XlsxWriter cannot write as the sheets need are written here: a first
    page without the header (Excel's "differentFirst", which XlsxWriter has no setting for), and the fit
    to one page wide written out (XlsxWriter leaves out fitToWidth="1" as the format's default, and
    openpyxl, which reads the workbooks back, then reads no fit at all)."""

    report_widths, report_rows, report_formats = (), 0, None
    # a sheet paginated by page_breaks keeps each row's height (points) and the rows that keep with the next
    report_heights, report_keep = None, None

    def _write_header_footer(self):
        self._xml_start_tag("headerFooter", [("differentFirst", 1)])
        self._write_odd_header()
        self._xml_end_tag("headerFooter")

    def _write_page_setup(self):
        scale = [("fitToWidth", self.fit_width), ("fitToHeight", self.fit_height)] if self.fit_page else [
            ("scale", self.print_scale)]
        self._xml_empty_tag("pageSetup", [("paperSize", self.paper_size), *scale,
                                          ("orientation", "portrait" if self.orientation else "landscape")])


def _new_sheet(workbook, title, widths, *, header_row, portrait=False, scale=None):
    """A sheet set up before its first row: widths, frozen header, A4 landscape (or `portrait`) fitted to the width
    (or printed at `scale` percent) with the header row repeated on every printed page (a sheet of text,
    `header_row` None, has none)."""
    ws = workbook.add_worksheet(title, worksheet_class=_Sheet)
    for index, width in enumerate(widths):
        ws.set_column_pixels(index, index, width * PIXELS_PER_WIDTH)
    if header_row is not None:
        ws.freeze_panes(header_row, 0)
        ws.repeat_rows(header_row - 1)
    if portrait:
        ws.set_portrait()
    else:
        ws.set_landscape()
    ws.set_paper(9)  # A4
    if scale is None:
        ws.fit_to_pages(1, 0)  # one page wide, as many pages tall as needed
    else:
        ws.set_print_scale(scale)
    # the margins of Nghị định 30/2020: 30 mm left, 15 mm right, 20 mm top and bottom (in inches)
    ws.set_margins(left=30 / MM_PER_INCH, right=15 / MM_PER_INCH, top=20 / MM_PER_INCH, bottom=20 / MM_PER_INCH)
    ws.center_horizontally()
    # the page number centred in the top margin from page 2 (Nghị định 30/2020)
    ws.set_header(f'&C&"{FONT_NAME}"&P', margin=8 / MM_PER_INCH)
    ws.set_footer("", margin=8 / MM_PER_INCH)
    ws.report_widths, ws.report_rows, ws.report_formats = list(widths), 0, workbook.report_formats
    return ws


def _workbook(buffer, *, streamed=False):
    """A workbook assembled in memory whose default font, that of every cell without one, is Times New Roman 12.
    Nothing a user typed is ever taken for a formula, a link or a number.

    Not XlsxWriter's constant_memory mode, though the rows are written in order: it writes each row to a
    temporary file as an inline string (and XlsxWriter turns it off with in_memory), and was slower here
    (2.2 s against 1.5 s for the 130,000 cells of the synthetic province). `streamed`: in that mode, for the
    country's report, whose millions of cells would not fit in memory."""
    # streamed: rows go to temporary files as they are written, not held (the country's millions of cells)
    workbook = Workbook(buffer, {"in_memory": not streamed, "constant_memory": streamed,
                                 "default_format_properties": dict(BODY_FONT),
                                 "strings_to_formulas": False, "strings_to_urls": False,
                                 "strings_to_numbers": False})
    workbook.report_formats = _Formats(workbook)
    return workbook


class _Formats(dict):
    """The workbook's Format of each style, made on first use (XlsxWriter keeps every Format it is given)."""

    def __init__(self, workbook):
        super().__init__()
        self.workbook = workbook

    def __missing__(self, style):
        cell_format = self[style] = self.workbook.add_format(dict(style)) if style else None
        return cell_format


def _append(ws, values, *, fit=True, merges=(), height=None, keep_with_next=False):
    """Write a row; its height fits the longest wrapped text in it, estimated from the column's width
    (LibreOffice and Excel keep the default height for rows written without one, so wrapped lines overlap).
    `fit=False` for rows of merged cells, whose text spans several columns; `merges` are the (first, last)
    columns merged in the row, the first one's cell spanning them. On a sheet paginated by page_breaks each row's
    height is kept (a row of one line counted LINE_HEIGHT, more than the default height Excel and LibreOffice give
    it, so that their pages never end before the breaks computed), and `keep_with_next` marks a row that must not
    end a page."""
    row = ws.report_rows
    ws.report_rows += 1
    if fit:
        lines = max((_lines(value, width) for value, width in zip(values, ws.report_widths, strict=False)), default=1)
        if lines > 1:
            height = lines * LINE_HEIGHT + 4
    if ws.report_heights is not None:  # a row of one line keeps the default height, at most LINE_HEIGHT
        ws.report_heights.append(height if height is not None else LINE_HEIGHT)
        if keep_with_next:
            ws.report_keep.add(row)
    if height is not None:  # in points exactly: set_row rounds to whole pixels (68 pt would be 68.25)
        ws.set_row_pixels(row, height * 4 / 3)
    spans = dict(merges)  # the first column of a merged cell -> its last
    covered = {column for first, last in merges for column in range(first + 1, last + 1)}
    formats = ws.report_formats
    for column, value in enumerate(values):
        if column in covered:
            continue
        value, style = value if isinstance(value, Cell) else (value, None)
        cell_format = formats[style]
        if column in spans:  # the value in the first cell, the others blank in its style, as Excel merges
            ws.merge_range(row, column, row, spans[column], None, cell_format)
        _write(ws, row, column, value, cell_format)


def _write(ws, row, column, value, cell_format):
    """One cell, by the type of its value (as openpyxl chose a cell's type); an empty text is an empty
    cell, and an unstyled empty cell is not written."""
    if value is None or value == "":
        if cell_format is not None:
            ws.write_blank(row, column, None, cell_format)
    elif isinstance(value, str):
        ws.write_string(row, column, value, cell_format)
    elif isinstance(value, bool):
        ws.write_boolean(row, column, value, cell_format)
    elif isinstance(value, (int, float, Decimal)):
        ws.write_number(row, column, value, cell_format)
    else:
        raise ValueError(f"Cannot write {value!r} ({type(value).__name__}) to a workbook cell")


def _lines(value, width):
    """How many lines a wrapped cell's text takes in a column `width` wide (1 for a cell that does not wrap)."""
    if not isinstance(value, Cell) or not isinstance(value.value, str) or ("text_wrap", True) not in value.style:
        return 1
    per_line = max(int(width * CHARS_PER_WIDTH), 1)
    if len(value.value) <= per_line and "\n" not in value.value:  # most cells: one line, without textwrap's work
        return 1
    # wrapped at spaces, as Excel and LibreOffice do: a word that does not fit goes whole to the next line
    return sum(len(textwrap.wrap(line, per_line, break_on_hyphens=False)) or 1 for line in value.value.split("\n"))


def _style_key(*styles):
    """The style of a cell as a key of _Formats: the sorted properties of the dicts given."""
    merged = {}
    for style in styles:
        merged.update(style)
    return tuple(sorted(merged.items()))


RAW_TEXT = _style_key(WRAP, GRID)  # a text of a sheet of figures (_raw_row)
RAW_QUOTED = _style_key(WRAP, GRID, QUOTED)
RAW_FIGURE = _style_key(TOP, GRID)


@functools.cache
def _figure_style(number_format):
    """The style of a figure of a sheet of figures in its number format."""
    return _style_key(TOP, GRID, {"num_format": number_format})


def _styled(value, *, font=None, alignment=None, fill=None, border=None, number_format=None):
    cell = text(value)
    styles = [cell.style] if isinstance(cell, Cell) else []
    value = cell.value if isinstance(cell, Cell) else cell
    styles += [style for style in (font, alignment, fill, border) if style is not None]
    if number_format is not None and value is not None:
        styles.append({"num_format": number_format})
    return Cell(value, _style_key(*[dict(style) for style in styles]))


def _indicator_text(row):
    """The target as the table names it, with the plan's sections when the plan states it twice, and what the result
    is of (ReportRow.result_note: an earlier period's, the number of units below that reported it)."""
    text = row.indicator
    if row.sections:
        text += f"\n(Kế hoạch nêu tại các mục: {'; '.join(row.sections)})"
    if row.result_note:
        text += f"\n(Kết quả: {row.result_note})"
    return text


def _save(workbook, buffer):
    workbook.close()
    return buffer.getvalue()


def _share(percent):
    return None if percent is None else percent / 100


def _count_format(value):
    return COUNT if value is None or float(value).is_integer() else DECIMAL


def _int_or_text(value):
    return int(value) if isinstance(value, str) and value.isascii() and value.isdigit() else value
