"""The tables of the workbooks as the audit of 28/11/2026 read them printed: every cell of a table at the top of its
row with the first line of the row's wrapped text, bordered; the sheet of figures as wide as the codes, units and
indicators it holds (wrapping past a limit) with its counts in #,##0; the projection's figures real numbers with their
unit in its column; and the school's offline form in Times New Roman under a name of its own."""

import io
import textwrap
import zipfile
from dataclasses import replace
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from periods.models import PeriodKind
from reports import school_form_xlsx
from reports.catalogue import ensure_report_items
from reports.report_xlsx import (
    CHARS_PER_WIDTH,
    LINE_HEIGHT,
    PROJECTION_SHEET,
    RAW_SHEET,
    TASK_SHEET,
    write_consolidated_xlsx,
    write_report_xlsx,
)
from tests.factories import make_period
from tests.reports.test_report_files import make_content, province, row
from tests.reports.test_report_xlsx_layout import LONG

CODE = "DK-THTHCS-TANTHANH"  # the audit's code cut off in a column 18 wide
SCHOOL = "Trường Tiểu học và THCS Tân Thành"
INDICATOR = "Tỷ lệ cơ sở giáo dục công lập có ít nhất một phòng học thông minh"
PERIOD = "Học kỳ II năm học 2025-2026"
RAW = [{"unit": SCHOOL, "unit_code": CODE, "indicator": INDICATOR, "period": PERIOD, "numerator": 1507.0,
        "denominator": 1507.0, "value": 100.0},
       {"unit": SCHOOL, "unit_code": CODE, "indicator": LONG, "period": PERIOD, "numerator": 7.5, "denominator": 0.0,
        "value": None},
       # what must not break a row: a text Excel would run, a character XML cannot hold, blanks, the largest count
       {"unit": "=1+1", "unit_code": "", "indicator": "Số phòng học\x0b thông minh", "period": None,
        "numerator": None, "denominator": None, "value": 999_999_999_999.0}]
PROJECTIONS = {
    "years": ["2025-2026", "2026-2027"],
    "rows": [{"indicator": "Số lớp mầm non", "unit_label": "", "values": [45.0, 47.0]},
             {"indicator": "Số học sinh mầm non", "unit_label": "", "values": [1318.0, None]}],
    "scale": [{"indicator": "Số trường công lập", "unit_label": "", "value": 8.0, "label": "đến năm 2030"},
              {"indicator": "Số trường liên cấp có cấp tiểu học", "unit_label": "", "value": 1.0,
               "label": "đến năm 2030"}],
}


def book(data):
    return load_workbook(io.BytesIO(data))


def width(sheet, letter):
    return sheet.column_dimensions[letter].width


def bordered(cell):
    return all(getattr(cell.border, side).style == "thin" for side in ("left", "right", "top", "bottom"))


def table(sheet, first_row, columns):
    """The cells of a table from its header row down, `columns` wide."""
    return [cells[:columns] for cells in sheet.iter_rows(min_row=first_row)]


def unit_report(**overrides):
    base = make_content()
    tasks = [*base.tasks, {"group": "II.1", "text": LONG * 2, "lead": "Phòng Văn hóa - Xã hội phường Dương Kinh",
                           "status": "Chưa triển khai"},
             {"group": "=1", "text": "", "lead": None, "status": "@x"}]
    return replace(base, tasks=tasks, raw_values=RAW, **overrides)


# --- Nhiệm vụ ---------------------------------------------------------------------------------------


def test_every_cell_of_the_task_table_is_at_the_top_of_its_row_and_bordered():
    """The audit's page: STT, Nhóm and Tình trạng at the bottom of a row whose task wraps from its top, no borders;
    a task's number and status read as the next task's."""
    sheet = book(write_report_xlsx(unit_report()))[TASK_SHEET]
    header, *rows = table(sheet, 1, 5)
    assert [cell.value for cell in header] == ["STT", "Nhóm", "Nhiệm vụ", "Đơn vị chủ trì", "Tình trạng"]
    assert all(bordered(cell) for cell in header)
    assert len(rows) == 4
    for cells in rows:
        assert [cell.alignment.vertical for cell in cells] == ["top"] * 5, cells[0].row
        assert all(bordered(cell) for cell in cells), cells[0].row
        assert cells[2].alignment.wrap_text and cells[4].alignment.wrap_text
    long = rows[2]
    assert (long[0].value, long[1].value, long[4].value) == (3, "II.1", "Chưa triển khai")
    assert sheet.row_dimensions[long[0].row].height >= 4 * LINE_HEIGHT
    odd = rows[3]
    assert (odd[1].value, odd[1].quotePrefix, odd[4].value, odd[4].quotePrefix) == ("=1", True, "@x", True)
    assert odd[2].value is None and odd[3].value is None  # an empty task is a blank cell, bordered


# --- Tổng hợp ---------------------------------------------------------------------------------------


def test_the_results_of_the_target_table_are_at_the_top_of_their_row():
    """The audit: the result, completion and evaluation at the bottom of a row whose target wraps from its top."""
    base = make_content()
    content = replace(base, groups=[replace(base.groups[0], rows=[*base.groups[0].rows, row(5, LONG, baseline=20.0)]),
                                    *base.groups[1:]])
    sheet = book(write_report_xlsx(content))["Tổng hợp"]
    header = next(cells[0].row for cells in sheet.iter_rows() if cells[0].value == "STT")
    header_cells, *rows = table(sheet, header, 9)
    assert {cell.alignment.vertical for cell in header_cells} == {"center"}
    assert len(rows) == 7  # two sections' headings and five targets
    for cells in rows:
        assert [cell.alignment.vertical for cell in cells] == ["top"] * 9, cells[0].row
        assert all(bordered(cell) for cell in cells)
    long = next(cells for cells in rows if cells[1].value == LONG)
    assert long[0].alignment.horizontal == "center" and long[2].alignment.horizontal == "center"
    assert (long[3].value, long[5].value, long[5].number_format) == (0.2, 0.575, "0.0%")
    # a section's heading keeps the default height: no odd height moving the page breaks
    assert all(sheet.row_dimensions[cells[0].row].height is None for cells in rows if cells[0].value in ("I", "II"))


# --- Số liệu gốc ------------------------------------------------------------------------------------


def test_the_figures_sheet_is_as_wide_as_its_codes_units_and_periods_and_wraps_its_indicators():
    sheet = book(write_report_xlsx(unit_report()))[RAW_SHEET]
    assert [cell.value for cell in sheet[1]] == ["Mã đơn vị", "Đơn vị", "Chỉ tiêu", "Kỳ báo cáo", "Tử số", "Mẫu số",
                                                 "Giá trị"]
    # capitals are wider than the average character: 18 of them were cut off in a column 18 wide
    assert width(sheet, "A") >= 1.2 * len(CODE)
    assert width(sheet, "A") <= 30
    assert width(sheet, "B") >= len(SCHOOL) and width(sheet, "D") >= len(PERIOD)
    # the indicator on one line when it fits the widest column, wrapped when it does not
    assert width(sheet, "C") >= len(INDICATOR) / CHARS_PER_WIDTH and width(sheet, "C") <= 70
    first, long, odd = list(sheet.iter_rows(min_row=2, max_col=7))
    assert sheet.row_dimensions[first[0].row].height is None
    lines = len(textwrap.wrap(LONG, int(width(sheet, "C") * CHARS_PER_WIDTH), break_on_hyphens=False))
    assert lines >= 3 and sheet.row_dimensions[long[0].row].height >= lines * LINE_HEIGHT
    assert all(cell.alignment.wrap_text for cells in (first, long) for cell in cells[:4])


def test_every_figure_of_the_figures_sheet_is_a_number_in_the_format_of_the_other_sheets():
    """The audit: Tử số and Mẫu số in the General format (1507) where the other sheets show 1,507."""
    sheet = book(write_report_xlsx(unit_report()))[RAW_SHEET]
    first, long, odd = list(sheet.iter_rows(min_row=2, max_col=7))
    assert [(cell.value, cell.number_format) for cell in first[4:]] == [(1507, "#,##0"), (1507, "#,##0"),
                                                                        (1, "0.0%")]
    assert [(cell.value, cell.number_format) for cell in long[4:6]] == [(7.5, "0.00"), (0, "#,##0")]
    assert all(cell.data_type == "n" for cell in [*first[4:], *long[4:6]])
    # the rows that must not break: text that looks like a formula stays text, an illegal character is dropped
    assert (odd[1].value, odd[1].quotePrefix, odd[1].data_type) == ("=1+1", True, "s")
    assert odd[2].value == "Số phòng học thông minh" and odd[0].value is None and odd[3].value is None
    assert (odd[6].value, odd[6].number_format) == (999_999_999_999, "#,##0")
    assert width(sheet, "G") >= len("999,999,999,999")  # no "#####"
    assert width(sheet, "E") < width(sheet, "G")  # each column of numbers as wide as its own
    for cells in (first, long, odd):
        assert [cell.alignment.vertical for cell in cells] == ["top"] * 7
        assert all(bordered(cell) for cell in cells)


def test_streamed_figures_have_the_widest_columns_and_wrap_as_well():
    """The country's figures are read as they are written: their widths cannot come from them, the limits do."""
    content = make_content(raw_values=[])
    streamed = book(write_report_xlsx(content, raw_sheets=[("Thành phố Hải Phòng", iter(RAW))]))["Thành phố Hải Phòng"]
    assert [width(streamed, letter) for letter in "ABCD"] == [30, 40, 70, 30]
    first, long, odd = list(streamed.iter_rows(min_row=2, max_col=7))
    assert streamed.row_dimensions[long[0].row].height >= 3 * LINE_HEIGHT
    assert (first[4].value, first[4].number_format) == (1507, "#,##0")
    assert width(streamed, "G") >= len("999,999,999,999")
    assert streamed.auto_filter.ref == "A1:G4"


def test_the_consolidated_figures_are_laid_out_as_a_units():
    contents = province(communes=2)
    contents[1] = replace(contents[1], unit_code=CODE)
    sheet = book(write_consolidated_xlsx(contents, "Tổng hợp"))[RAW_SHEET]
    header, *rows = list(sheet.iter_rows(max_col=8))
    assert all(bordered(cell) for cell in header)
    assert width(sheet, "B") >= 1.2 * len(CODE)
    rate = next(cells for cells in rows if cells[1].value == CODE and cells[5].value is not None)
    assert [(cell.value, cell.number_format) for cell in rate[5:7]] == [(23, "#,##0"), (40, "#,##0")]
    for cells in rows:
        assert [cell.alignment.vertical for cell in cells] == ["top"] * 8
        assert all(bordered(cell) for cell in cells)
    assert sheet.auto_filter.ref == f"A1:H{len(rows) + 1}"


# --- Quy mô dự kiến ---------------------------------------------------------------------------------


def test_the_scale_of_the_plan_is_a_table_of_numbers_not_lines_of_text():
    """The audit: "Số trường công lập: 8 (đến năm 2030)" as a line of text, one of them 36 pt tall, and an empty
    "Đơn vị tính" column (the plan gives no unit: the column goes, no unit is made up)."""
    sheet = book(write_report_xlsx(make_content(projections=PROJECTIONS)))[PROJECTION_SHEET]
    rows = [[cell.value for cell in cells] for cells in sheet.iter_rows()]
    assert rows[1] == ["Chỉ tiêu", "Năm học 2025-2026", "Năm học 2026-2027"]
    assert rows[2:4] == [["Số lớp mầm non", 45, 47], ["Số học sinh mầm non", 1318, None]]
    assert rows[4] == [None, None, None]
    assert rows[5] == ["Chỉ tiêu", "Dự kiến", "Thời hạn"]
    assert rows[6:] == [["Số trường công lập", 8, "đến năm 2030"],
                        ["Số trường liên cấp có cấp tiểu học", 1, "đến năm 2030"]]
    figures = [sheet.cell(number, 2) for number in (3, 4, 7, 8)]
    assert all(cell.data_type == "n" and cell.number_format == "#,##0" for cell in figures)
    assert all(sheet.row_dimensions[number].height is None for number in (3, 4, 5, 7, 8))  # one line each
    for number in (2, 3, 4, 6, 7, 8):
        assert all(bordered(cell) for cell in sheet[number])
    for number in (3, 4, 7, 8):
        assert {cell.alignment.vertical for cell in sheet[number]} == {"top"}


def test_the_scale_has_its_unit_in_its_column_when_the_plan_gives_one():
    scale_only = {"years": [], "rows": [], "scale": [
        {"indicator": "Số trường công lập", "unit_label": "trường", "value": 8.0, "label": "đến năm 2030"},
        {"indicator": "Số điểm trường", "unit_label": "", "value": 2.5, "label": "không nêu thời hạn"}]}
    sheet = book(write_report_xlsx(make_content(projections=scale_only)))[PROJECTION_SHEET]
    rows = [[cell.value for cell in cells] for cells in sheet.iter_rows()]
    assert rows[1:] == [["Chỉ tiêu", "Đơn vị tính", "Dự kiến", "Thời hạn"],
                        ["Số trường công lập", "trường", 8, "đến năm 2030"],
                        ["Số điểm trường", None, 2.5, "không nêu thời hạn"]]
    assert sheet["C4"].number_format == "0.00"
    assert sheet.freeze_panes == "A3"  # the table's header is the sheet's, repeated on each page


# --- the school's offline form --------------------------------------------------------------------


@pytest.fixture
def semester(db):
    ensure_report_items()
    today = timezone.localdate()
    return make_period(kind=PeriodKind.SEMESTER_1, start=today - timedelta(days=100), end=today + timedelta(days=5),
                       deadline=today + timedelta(days=10))


def test_the_offline_form_is_in_times_new_roman_throughout(tree, semester):
    data = school_form_xlsx.build_report_template(tree["A-TH1"], semester, None)
    workbook = book(data)
    cells = [cell for sheet in workbook for cells in sheet.iter_rows() for cell in cells]
    assert {cell.font.name for cell in cells} == {"Times New Roman"}  # the empty input cells too
    sheet = workbook[school_form_xlsx.SHEET]
    assert sheet["A5"].font.sz == 12 and sheet["A1"].font.sz == 14
    # the default font, that of a cell typed in without one: the workbook's first font and its "Normal" style
    styles = zipfile.ZipFile(io.BytesIO(data)).read("xl/styles.xml").decode()
    assert "Calibri" not in styles
    assert styles.index('<name val="Times New Roman"/>') < styles.index("</font>")
    codes = [cells[1] for cells in sheet.iter_rows(min_row=5) if cells[1].value]
    assert codes and {cell.alignment.vertical for cell in codes} == {"top"}  # beside the top of its label


def test_the_offline_form_and_the_schools_report_are_not_downloaded_under_one_name(client, tree, personas, semester):
    """The school's built report is bao-cao-<code>-<period>.xlsx: the form to fill in is named as one."""
    client.force_login(personas["leader_a"])
    response = client.get(reverse("reports:school_report_xlsx", args=[tree["A-TH1"].pk, semester.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"] == \
        f'attachment; filename="mau-nhap-bao-cao-A-TH1-{semester.code}.xlsx"'
