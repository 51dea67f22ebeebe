"""The workbooks as LibreOffice and Excel lay them out: Times New Roman throughout, rows tall enough for their
wrapped text (estimated from the column's width), and the margins of the format (30 mm left, 15 mm right,
20 mm top and bottom)."""

import io
import textwrap
from dataclasses import replace

import pytest
from openpyxl import load_workbook

from reports.report_xlsx import CHARS_PER_WIDTH, LINE_HEIGHT, write_consolidated_xlsx, write_report_xlsx
from tests.reports.test_report_files import make_content, province, row

LONG = ("Tỷ lệ cán bộ quản lý, giáo viên, nhân viên các cơ sở giáo dục mầm non, tiểu học và trung học cơ sở trên "
        "địa bàn phường được bồi dưỡng, tập huấn nâng cao năng lực số, kỹ năng ứng dụng trí tuệ nhân tạo trong "
        "dạy học và quản lý")


def book(data):
    return load_workbook(io.BytesIO(data))


@pytest.fixture
def content():
    base = make_content()
    groups = [replace(base.groups[0], rows=[*base.groups[0].rows, row(5, LONG)]), *base.groups[1:]]
    tasks = [*base.tasks, {"group": "3", "text": LONG * 2, "lead": "Phòng Văn hóa - Xã hội", "status": "Đang thực hiện"}]
    return replace(base, groups=groups, tasks=tasks)


def test_every_cell_of_the_workbook_is_in_times_new_roman(content):
    workbook = book(write_report_xlsx(content))
    fonts = {cell.font.name for sheet in workbook for cells in sheet.iter_rows() for cell in cells
             if cell.value is not None}
    assert fonts == {"Times New Roman"}
    consolidated = book(write_consolidated_xlsx(province(), "Tổng hợp"))
    assert {cell.font.name for sheet in consolidated for cells in sheet.iter_rows() for cell in cells
            if cell.value is not None} == {"Times New Roman"}


def test_the_sheets_have_the_margins_of_the_format(content):
    for sheet in [*book(write_report_xlsx(content)), *book(write_consolidated_xlsx(province(), "Tổng hợp"))]:
        margins = sheet.page_margins
        assert [round(value * 25.4) for value in (margins.left, margins.right, margins.top, margins.bottom)] == \
            [30, 15, 20, 20], sheet.title


def test_a_row_of_wrapped_text_is_as_tall_as_its_lines(content):
    workbook = book(write_report_xlsx(content))
    summary = workbook["Tổng hợp"]
    long_row = next(cells[0].row for cells in summary.iter_rows() if cells[1].value == LONG)
    short_row = next(cells[0].row for cells in summary.iter_rows()
                     if cells[1].value == "Tỷ lệ giáo viên đạt chuẩn trình độ đào tạo")
    # 213 characters in a column 52 wide, wrapped at spaces in lines of at most 54 characters (on the safe side: a
    # 59-character name of capitals and diacritics took two lines in LibreOffice): 5 lines
    lines = len(textwrap.wrap(LONG, int(52 * CHARS_PER_WIDTH), break_on_hyphens=False))
    assert lines == 5 and summary.row_dimensions[long_row].height == lines * LINE_HEIGHT + 4
    assert summary.row_dimensions[short_row].height is None  # one line: the default height
    tasks = workbook["Nhiệm vụ"]
    task_row = next(cells[0].row for cells in tasks.iter_rows() if cells[2].value == LONG * 2)
    assert tasks.row_dimensions[task_row].height >= 4 * LINE_HEIGHT  # 426 characters in a column 90 wide
    header = next(cells[0].row for cells in summary.iter_rows() if cells[0].value == "STT")
    assert summary.row_dimensions[header].height == 2 * LINE_HEIGHT + 4  # "Kết quả kỳ báo cáo" in 13


def test_a_school_named_target_with_its_note_gets_the_three_lines_it_takes():
    """The audit's row (28/11/2026): a 59-character name and the note of its result were given 36 pt, two lines, and
    LibreOffice clipped the third."""
    name = "Mức độ trường đạt chuẩn quốc gia — Trường Mầm non Hòa Nghĩa"
    base = make_content()
    named = row(5, name, kind="level", result=1.0, counts=(None, None))
    named.result_from, named.reporting_units = "Học kỳ II năm học 2025-2026", None
    summary = book(write_report_xlsx(replace(base, groups=[replace(base.groups[0], rows=[named])])))["Tổng hợp"]
    cells = next(cells for cells in summary.iter_rows() if str(cells[1].value).startswith(name))
    assert cells[1].value == f"{name}\n(Kết quả: số liệu Học kỳ II năm học 2025-2026)"
    assert summary.row_dimensions[cells[0].row].height >= 3 * LINE_HEIGHT


def test_the_consolidated_header_row_fits_its_labels():
    sheet = book(write_consolidated_xlsx(province(), "Tổng hợp"))["Tổng hợp"]
    assert sheet.row_dimensions[2].height >= 2 * LINE_HEIGHT
