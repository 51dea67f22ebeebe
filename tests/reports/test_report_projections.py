"""The plan's projection table (Dương Kinh: classes and pupils per level for each school year) in the reports
and on the plan's page, as the plan prints it: school years as columns; never evaluated as targets."""

import io
import subprocess
from datetime import date
from decimal import Decimal

import pytest
from django.template.loader import render_to_string
from docx import Document
from openpyxl import load_workbook

from reports.content import ReportContent, build_report_content
from reports.pdf import write_report_pdf
from reports.report_docx import write_report_docx
from reports.report_xlsx import PROJECTION_SHEET, write_report_xlsx
from targets.models import Target
from tests.factories import make_document, make_indicator, make_target

FIGURES = {"Số lớp mầm non": ("lop-mn", "lớp", [45, 47]), "Số học sinh mầm non": ("hs-mn", "học sinh", [1318, 1290])}


@pytest.fixture
def plan(tree):
    """A plan with one target, the scale of its schools by 2030 and two school years of classes and pupils."""
    document = make_document(tree["A"], "12/KH-UBND", "Kế hoạch phát triển giáo dục phường A")
    make_target(document, make_indicator("gv", "Tỷ lệ giáo viên đạt chuẩn", unit_label="%"), 1, Decimal(100))
    make_target(document, make_indicator("so-truong", "Số trường công lập", "count", "sum", "trường"), 2,
                Decimal(8), "eq", is_projection=True)
    order = 3
    for name, (code, unit_label, values) in FIGURES.items():
        indicator = make_indicator(code, name, "count", "sum", unit_label)
        for year, value in zip(("2025-2026", "2026-2027"), values, strict=True):
            make_target(document, indicator, order, Decimal(value), "eq", year, date(int(year[-4:]), 5, 31),
                        is_projection=True)
            order += 1
    return document


def test_the_content_holds_the_projection_table_by_school_year_and_does_not_evaluate_it(tree, plan, period):
    content = build_report_content(unit=tree["A"], document=plan, period=period)
    assert content.projections == {
        "years": ["2025-2026", "2026-2027"],
        "rows": [{"indicator": "Số lớp mầm non", "unit_label": "lớp", "values": [45.0, 47.0]},
                 {"indicator": "Số học sinh mầm non", "unit_label": "học sinh", "values": [1318.0, 1290.0]}],
        "scale": [{"indicator": "Số trường công lập", "unit_label": "trường", "value": 8.0, "label": "đến năm 2030"}],
    }
    assert [row.indicator for row in content.rows] == ["Tỷ lệ giáo viên đạt chuẩn"]
    assert sum(content.summary.values()) == 1
    # frozen and read back, as a report sent upward
    assert ReportContent.from_json(content.to_json()).projections == content.projections


def test_a_snapshot_frozen_before_projections_reads_back_without_them(tree, plan, period):
    data = build_report_content(unit=tree["A"], document=plan, period=period).to_json()
    del data["projections"]
    assert ReportContent.from_json(data).projections == {}


def test_the_pdf_prints_the_school_years_as_columns(tree, plan, period, tmp_path):
    path = tmp_path / "report.pdf"
    path.write_bytes(write_report_pdf(build_report_content(unit=tree["A"], document=plan, period=period)))
    text = " ".join(subprocess.run(["pdftotext", "-raw", str(path), "-"], capture_output=True, text=True,
                                   check=True).stdout.split())
    assert "2. Quy mô trường, lớp, học sinh dự kiến theo kế hoạch" in text
    assert "- Số trường công lập: 8 trường (đến năm 2030)" in text
    assert "Chỉ tiêu Năm học 2025-2026 Năm học 2026-2027" in text
    assert "Số lớp mầm non 45 47" in text
    assert "Số học sinh mầm non 1.318 1.290" in text


def test_the_workbook_has_a_sheet_of_the_projection_table(tree, plan, period):
    book = load_workbook(io.BytesIO(write_report_xlsx(build_report_content(unit=tree["A"], document=plan,
                                                                           period=period))))
    rows = [[cell.value for cell in row] for row in book[PROJECTION_SHEET].iter_rows()]
    assert rows[1] == ["Chỉ tiêu", "Đơn vị tính", "Năm học 2025-2026", "Năm học 2026-2027"]
    assert rows[2] == ["Số lớp mầm non", "lớp", 45, 47]
    assert rows[3] == ["Số học sinh mầm non", "học sinh", 1318, 1290]
    # the scale by 2030, a table of its own: the figure a number, the unit in its column
    assert rows[-2:] == [["Chỉ tiêu", "Đơn vị tính", "Dự kiến", "Thời hạn"],
                         ["Số trường công lập", "trường", 8, "đến năm 2030"]]
    assert book[PROJECTION_SHEET].cell(len(rows), 3).number_format == "#,##0"


def test_the_plan_page_include_shows_the_table_without_a_query(tree, plan, django_assert_num_queries):
    targets = list(Target.objects.filter(document=plan).select_related("indicator").prefetch_related("horizons"))
    with django_assert_num_queries(0):
        html = render_to_string("reports/plan_projections.html", {"targets": targets})
    assert '<th scope="col" class="num">Năm học 2026-2027</th>' in html
    assert '<tr><th scope="row">Số học sinh mầm non</th><td class="num">1.318</td><td class="num">1.290</td></tr>' in html
    assert "<li>Số trường công lập: 8 trường (đến năm 2030)</li>" in html


def test_the_plan_page_include_shows_nothing_for_a_plan_without_projections(tree):
    document = make_document(tree["B"], "3/KH-UBND", "Kế hoạch không có bảng quy mô")
    make_target(document, make_indicator("gv", "Tỷ lệ giáo viên đạt chuẩn", unit_label="%"), 1, Decimal(100))
    targets = Target.objects.filter(document=document).select_related("indicator").prefetch_related("horizons")
    assert render_to_string("reports/plan_projections.html", {"targets": targets}).strip() == ""


def test_the_plans_page_shows_the_projection_table_apart_from_its_targets(client, personas, tree, plan):
    client.force_login(personas["officer_a"])
    page = client.get(f"/ke-hoach/{plan.pk}/").content.decode()
    targets_table = page[page.index('id="plan-targets"'):page.index("</table>", page.index('id="plan-targets"'))]
    assert "Tỷ lệ giáo viên đạt chuẩn" in targets_table and "Số lớp mầm non" not in targets_table
    projections = page[page.index('id="plan-projections"'):]
    assert "2025-2026" in projections and "2026-2027" in projections and "1.318" in projections
    assert "Số trường công lập" in projections


def test_the_word_file_gives_the_projected_figures_names_room(tree, plan, period):
    # equal columns wrapped "Số học sinh mầm non" over three lines beside two school years' narrow figures
    content = build_report_content(unit=tree["A"], document=plan, period=period)
    doc = Document(io.BytesIO(write_report_docx(content)))
    table = next(table for table in doc.tables if table.rows[0].cells[-1].text == "Năm học 2026-2027")
    assert [cell.text for cell in table.rows[2].cells] == ["Số học sinh mầm non", "1.318", "1.290"]
    assert [round(cell.width.mm) for cell in table.rows[2].cells] == [50, 58, 58]  # the 165 mm between the margins
