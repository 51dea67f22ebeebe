"""The rows of a report as a reader needs them: a per-school target says which school, a target the plan
states in two sections is one row naming both, and "Tỷ lệ hoàn thành" is the result relative to the goal
(reports.content, read back from the PDF and the workbook, and the public page that shares the query)."""

import io
import re
import subprocess
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from pytest_django.asserts import assertContains

from reports.content import COMPLETION_NOTE, build_report_content
from reports.pdf import write_report_pdf
from reports.report_xlsx import write_report_xlsx
from targets.models import ProgressValue
from tests.factories import make_document, make_indicator, make_period, make_target

SECTION = "II. NỘI DUNG > 2. Triển khai thực hiện các mục tiêu đến năm 2030 > "
UNIVERSAL = SECTION + "a) Mục tiêu phổ cập giáo dục"
QUALITY = SECTION + "d) Mục tiêu về chất lượng giáo dục"


@pytest.fixture
def plan(tree, period):
    """Phường A's plan: two schools' recognition, a rate stated in two sections, a rate started above
    its figure, a lower-is-better rate."""
    document = make_document(tree["A"], "12/KH-UBND", "Kế hoạch thực hiện Nghị quyết 71 của phường A", is_public=True)
    level = make_indicator("muc-chuan", "Mức độ trường đạt chuẩn quốc gia", "level", "min")
    for order, school in enumerate((tree["A-TH1"], tree["A-THCS"]), 1):
        target = make_target(document, level, order, Decimal(2), "achieve", "2026-2027", date(2027, 5, 31),
                             category="facilities", level_label="mức độ 2")
        target.scope_units.add(school)
    nursery = make_indicator("nha-tre", "Tỷ lệ huy động trẻ nhà trẻ ra lớp", unit_label="%")
    make_target(document, nursery, 3, Decimal(80), category="universal", section=UNIVERSAL)
    make_target(document, nursery, 4, Decimal(80), category="universal", section=QUALITY)
    ProgressValue.objects.create(indicator=nursery, unit=tree["A-TH1"], period=period, numerator=60, denominator=100)
    # the rate of 98.6% on the way from 99% to 100%: "the share of the way" was 0%, the result is 98.6% of the goal
    teachers = make_indicator("gv-chuan", "Tỷ lệ giáo viên đạt chuẩn", unit_label="%")
    make_target(document, teachers, 5, Decimal(100), category="staff", baseline_value=Decimal(99), baseline_year=2024)
    ProgressValue.objects.create(indicator=teachers, unit=tree["A-TH1"], period=period, numerator=986,
                                 denominator=1000)
    stunting = make_indicator("suy-dd", "Tỷ lệ trẻ suy dinh dưỡng", unit_label="%")
    make_target(document, stunting, 6, Decimal(2), "lte", category="quality")
    ProgressValue.objects.create(indicator=stunting, unit=tree["A-TH1"], period=period, numerator=4, denominator=100)
    return document


def rows_by_name(content):
    return {row.indicator: row for row in content.rows}


def test_each_per_school_target_is_named_with_its_school(tree, plan, period):
    rows = rows_by_name(build_report_content(unit=tree["A"], document=plan, period=period))
    assert "Mức độ trường đạt chuẩn quốc gia — Trường Tiểu học A1" in rows
    assert "Mức độ trường đạt chuẩn quốc gia — Trường Tiểu học và THCS A2" in rows


def test_a_target_stated_in_two_sections_is_one_row_naming_both(tree, plan, period):
    content = build_report_content(unit=tree["A"], document=plan, period=period)
    nursery = [row for row in content.rows if row.indicator == "Tỷ lệ huy động trẻ nhà trẻ ra lớp"]
    assert len(nursery) == 1
    assert nursery[0].sections == ["a) Mục tiêu phổ cập giáo dục", "d) Mục tiêu về chất lượng giáo dục"]
    assert sum(content.summary.values()) == 5  # six targets, one stated twice
    assert [row.number for row in content.rows] == ["1", "2", "3", "4", "5"]


def test_the_completion_rate_is_the_result_relative_to_the_goal(tree, plan, period):
    rows = rows_by_name(build_report_content(unit=tree["A"], document=plan, period=period))
    teachers = rows["Tỷ lệ giáo viên đạt chuẩn"]
    assert teachers.result == pytest.approx(98.6)
    assert teachers.completion == pytest.approx(98.6)  # not 0%: the share of the way from a 99% baseline
    assert rows["Tỷ lệ huy động trẻ nhà trẻ ra lớp"].completion == pytest.approx(75)  # 60% of a goal of 80%
    assert rows["Tỷ lệ trẻ suy dinh dưỡng"].completion == pytest.approx(50)  # at most 2%, 4%: half way there
    # a level to reach: reached or not, the status says it; a ratio of levels means nothing
    assert rows["Mức độ trường đạt chuẩn quốc gia — Trường Tiểu học A1"].completion is None


def test_the_pdf_names_the_schools_the_sections_and_explains_the_completion_rate(tree, plan, period, tmp_path):
    path = tmp_path / "report.pdf"
    path.write_bytes(write_report_pdf(build_report_content(unit=tree["A"], document=plan, period=period)))
    text = " ".join(subprocess.run(["pdftotext", "-raw", str(path), "-"], capture_output=True, text=True,
                                   check=True).stdout.split())
    assert "Mức độ trường đạt chuẩn quốc gia — Trường Tiểu học A1" in text
    assert "Mức độ trường đạt chuẩn quốc gia — Trường Tiểu học và THCS A2" in text
    assert ("Kế hoạch nêu tại các mục: a) Mục tiêu phổ cập giáo dục; d) Mục tiêu về chất lượng giáo dục"
            in text)
    assert text.count("Tỷ lệ huy động trẻ nhà trẻ ra lớp") == 1
    assert " ".join(COMPLETION_NOTE.split()) in text
    # the result, the number of units that reported it (the note wraps in its narrow cell), and its completion
    assert re.search(r"98,6% từ \d+ đơn vị báo cáo 98,6%", text) or re.search(r"98,6% từ \d+ .{0,40}98,6%", text)


def test_the_workbook_names_the_schools_and_the_sections(tree, plan, period):
    sheet = load_workbook(io.BytesIO(write_report_xlsx(
        build_report_content(unit=tree["A"], document=plan, period=period))))["Tổng hợp"]
    names = [row[1].value for row in sheet.iter_rows() if len(row) > 1 and isinstance(row[1].value, str)]
    assert "Mức độ trường đạt chuẩn quốc gia — Trường Tiểu học A1" in names
    # each name, then what its result is of: here, how many schools reported it (ReportRow.result_note)
    assert any(name.startswith("Tỷ lệ huy động trẻ nhà trẻ ra lớp\n(Kế hoạch nêu tại các mục: a) Mục tiêu phổ cập "
                               "giáo dục; d) Mục tiêu về chất lượng giáo dục)") for name in names)
    teachers = next(row for row in sheet.iter_rows()
                    if row[1].value == "Tỷ lệ giáo viên đạt chuẩn\n(Kết quả: từ 1 đơn vị báo cáo)")
    assert teachers[5].value == pytest.approx(0.986) and teachers[7].value == pytest.approx(0.986)  # the completion
    assert COMPLETION_NOTE in names


def test_the_public_page_names_the_schools_and_shows_a_repeated_target_once(client, tree, plan, period):
    response = client.get(reverse("public:plan_public", args=[plan.pk]), {"period": period.pk})
    assertContains(response, "Mức độ trường đạt chuẩn quốc gia — Trường Tiểu học và THCS A2")
    assertContains(response, "Tỷ lệ huy động trẻ nhà trẻ ra lớp", count=1)
    assertContains(response, "Kế hoạch nêu tại các mục: a) Mục tiêu phổ cập giáo dục; d) Mục tiêu về chất lượng")


def test_the_coverage_page_shows_the_period_chosen_and_offers_the_others(client, personas, tree, plan, period,
                                                                         django_assert_num_queries):
    earlier = make_period(code="hk-truoc", kind="semester_2", start=period.start - timedelta(200),
                          end=period.start - timedelta(100), deadline=period.start - timedelta(90))
    client.force_login(personas["officer_a"])
    url = reverse("reports:plan_coverage", args=[plan.pk])
    # session, the user with its memberships, the unread notifications (top bar), document, the unit asked for,
    # periods; coverage: child targets, child tasks, targets, tasks, lower plans; ownership: responsibilities, missing
    with django_assert_num_queries(13):
        response = client.get(url, {"unit": tree["A"].pk, "period": earlier.pk})
    assertContains(response, f"Cập nhật của các đơn vị chủ trì — {earlier.name}")
    assertContains(response, f'<option value="{earlier.pk}" selected>{earlier.name}</option>', html=True)
    assertContains(response, f'<option value="{period.pk}">{period.name}</option>', html=True)
    assertContains(response, f'<input type="hidden" name="unit" value="{tree["A"].pk}">', html=True)


def test_officer_b_cannot_open_the_coverage_of_a_plan_of_a_for_a_period(client, personas, plan, period):
    client.force_login(personas["officer_b"])
    response = client.get(reverse("reports:plan_coverage", args=[plan.pk]), {"period": period.pk})
    assert response.status_code == 404


def test_the_dashboard_names_each_per_school_target_with_its_school(client, personas, tree, plan, period):
    client.force_login(personas["leader_a"])
    response = client.get(reverse("reports:dashboard_unit"), {"unit": tree["A"].pk, "plan": plan.pk,
                                                              "period": period.pk})
    assertContains(response, "Mức độ trường đạt chuẩn quốc gia — Trường Tiểu học A1</a>")
    assertContains(response, "Mức độ trường đạt chuẩn quốc gia — Trường Tiểu học và THCS A2</a>")
