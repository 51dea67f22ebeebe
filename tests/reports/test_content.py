"""What a periodic report says (reports.content.build_report_content), assembled once for the Excel and the
PDF: the queries it takes do not grow with the plan's targets, tasks, schools or figures."""

from datetime import date
from decimal import Decimal

import pytest

from plans.models import Task, TaskGroup
from reports.content import ReportRow, build_report_content
from reports.models import ReportStatus, SchoolReport
from targets.models import ProgressValue, TargetResponsibility
from tests.factories import make_document, make_indicator, make_target, make_unit


@pytest.fixture
def plan(tree):
    return make_document(tree["A"], "12/KH-UBND", "Kế hoạch thực hiện Nghị quyết 71 của phường A")


def add_rows(tree, plan, period, n):
    """n more rows of everything the report lists: targets (rates and counts in turn, each led by the
    commune's office, with a figure from a new school), tasks in groups, and the schools' approved narratives."""
    start = plan.targets.count()
    for i in range(start, start + n):
        school = make_unit(f"A-S{i}", f"Trường Tiểu học số {i}", "school", tree["A"], levels=["th"])
        if i % 2:
            indicator = make_indicator(f"ty-le-{i}", f"Tỷ lệ số {i}", unit_label="%")
            figures = {"numerator": Decimal(30), "denominator": Decimal(40)}
        else:
            indicator = make_indicator(f"so-luong-{i}", f"Số lượng số {i}", "count", "sum", "phòng")
            figures = {"value": Decimal(i + 1)}
        target = make_target(plan, indicator, i, Decimal(90 if i % 2 else 10), category="staff")
        TargetResponsibility.objects.create(target=target, unit=tree["A-VHXH"])
        ProgressValue.objects.create(indicator=indicator, unit=school, period=period, **figures)
        group = TaskGroup.objects.create(document=plan, number=str(i), title=f"Nhóm nhiệm vụ {i}")
        Task.objects.create(document=plan, group=group, text=f"Nhiệm vụ số {i}", lead_unit=tree["A-VHXH"])
        SchoolReport.objects.create(school=school, period=period, status=ReportStatus.APPROVED,
                                    highlights=f"Kết quả nổi bật của trường số {i}")


def test_a_consolidation_reads_the_same_figures_without_the_communes_own_parts(
        tree, plan, period, django_assert_max_num_queries):
    add_rows(tree, plan, period, 5)
    full = build_report_content(unit=tree["A"], document=plan, period=period)
    with django_assert_max_num_queries(12):  # four fewer: tasks, narratives, raw figures, own sections
        brief = build_report_content(unit=tree["A"], document=plan, period=period, figures_only=True)
    assert brief.rows == full.rows and brief.summary == full.summary and brief.groups == full.groups
    assert (brief.submitted, brief.schools) == (full.submitted, full.schools)
    assert brief.tasks == [] and brief.narratives == [] and brief.raw_values == [] and brief.own_sections == {}
    assert full.tasks and full.narratives and full.raw_values


def test_the_content_takes_the_same_queries_whatever_the_number_of_rows(
        tree, plan, period, django_assert_num_queries):
    add_rows(tree, plan, period, 3)
    # the unit's predecessors, the targets, their indicators, their horizons, scope units, the units leading
    # them (one query), the periods of the trend, the values entered for the unit,
    # the roll-ups of its subtree, the reporting rate (one count of schools and their reports), the tasks
    # (with group and lead), the schools' approved narratives (with school), the leader who signs, the raw
    # figures (with unit, indicator and period), the unit's own sections, the Sở GD&ĐT of "Nơi nhận"
    with django_assert_num_queries(16):
        build_report_content(unit=tree["A"], document=plan, period=period)
    add_rows(tree, plan, period, 4)
    with django_assert_num_queries(16):
        content = build_report_content(unit=tree["A"], document=plan, period=period)
    assert sum(len(group.rows) for group in content.groups) == 7
    assert [task["text"] for task in content.tasks][-1] == "Nhiệm vụ số 6"
    assert len(content.narratives) == 7 and len(content.raw_values) == 7


def test_a_plan_is_named_whole_and_once_in_the_subject_and_opening(tree, period):
    """A plan without a number is named by its whole title (never cut with “…”) and not described by the same
    title again; a title that says “Về việc …” does not get a second “về”."""
    from datetime import date

    long_title = ("Kế hoạch thực hiện Nghị quyết số 71-NQ/TW ngày 22/8/2025 của Bộ Chính trị về đột phá phát triển "
                  "giáo dục và đào tạo trên địa bàn phường")
    unnumbered = make_document(tree["A"], "", long_title, start_year=2025, end_year=2035)
    content = build_report_content(unit=tree["A"], document=unnumbered, period=period)
    assert content.subject == f"Kết quả thực hiện {long_title} (giai đoạn 2025–2035), {period.name}"
    assert "…" not in content.subject
    assert content.opening.count("đột phá phát triển") == 1
    assert content.opening.startswith(f"Thực hiện {long_title} (giai đoạn 2025–2035) của ")

    about = make_document(tree["A"], "15/KH-UBND", "Về việc thực hiện Chương trình hành động của phường",
                          issued_on=date(2025, 10, 1))
    opening = build_report_content(unit=tree["A"], document=about, period=period).opening
    assert "về về" not in opening.lower()
    assert opening.startswith("Thực hiện Kế hoạch số 15/KH-UBND ngày 01/10/2025 của Phường A về "
                              "việc thực hiện Chương trình hành động của phường, ")


def test_a_part_says_which_target_it_is_part_of(tree, plan, period, django_assert_max_num_queries):
    """“Số trường xây dựng thêm đạt chuẩn …: 5, trong đó công nhận mới 2”: the part's line names its whole in
    every format (the rows are theirs), as the dashboard does, without a query more."""
    built = make_indicator("xay-dung-them", "Số trường xây dựng thêm đạt chuẩn", "count", "sum", "trường")
    new = make_indicator("cong-nhan-moi", "Số trường công nhận mới", "count", "sum", "trường")
    whole = make_target(plan, built, 0, Decimal(5), category="facilities")
    make_target(plan, new, 1, Decimal(2), category="facilities", part_of=whole)
    add_rows(tree, plan, period, 2)
    with django_assert_max_num_queries(16):
        content = build_report_content(unit=tree["A"], document=plan, period=period)
    names = [row.indicator for group in content.groups for row in group.rows]
    assert "Số trường xây dựng thêm đạt chuẩn" in names
    assert "Số trường công nhận mới (trong đó, thuộc Số trường xây dựng thêm đạt chuẩn)" in names


def test_a_result_of_an_earlier_period_says_which(tree, plan, period, tmp_path):
    """Nothing reported yet this semester: the figure judged is last semester's, and the report says so beside
    it (PDF and Word), rather than print it as this period's."""
    import io
    import subprocess
    from datetime import timedelta

    from docx import Document

    from periods.models import Period
    from reports.pdf import write_report_pdf
    from reports.report_docx import write_report_docx
    from tests.factories import make_period

    later = make_period("2026-2027-hk1", school_year="2026-2027", start=period.end + timedelta(days=200),
                        end=period.end + timedelta(days=330), deadline=period.end + timedelta(days=335))
    assert Period.objects.count() == 2
    rate = make_indicator("ty-le-cu", "Tỷ lệ báo cáo kỳ trước", unit_label="%")
    make_target(plan, rate, 0, Decimal(90))
    school = make_unit("A-S9", "Trường Tiểu học số 9", "school", tree["A"], levels=["th"])
    ProgressValue.objects.create(indicator=rate, unit=school, period=period, numerator=30, denominator=40)
    content = build_report_content(unit=tree["A"], document=plan, period=later)
    [row] = [row for group in content.groups for row in group.rows if row.indicator == "Tỷ lệ báo cáo kỳ trước"]
    assert (row.result, row.result_from) == (75.0, period.name)
    now = build_report_content(unit=tree["A"], document=plan, period=period)
    assert [r.result_from for g in now.groups for r in g.rows if r.indicator == "Tỷ lệ báo cáo kỳ trước"] == [""]
    pdf = tmp_path / "r.pdf"
    def pdf_text(report):
        pdf.write_bytes(write_report_pdf(report))
        return subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout

    # the note wraps in its narrow cell ("số liệu Học / kỳ I năm / học / 2025-2026"): its first words, and only
    # in the report of the later period
    assert "số liệu Học" in pdf_text(content) and "số liệu Học" not in pdf_text(now)
    cells = [c.text for t in Document(io.BytesIO(write_report_docx(content))).tables for r in t.rows for c in r.cells]
    # and how many units below reported it: one school (ReportRow.reporting_units)
    assert f"75%\n(số liệu {period.name}, từ 1 đơn vị báo cáo)" in cells
    from openpyxl import load_workbook

    from reports.report_xlsx import write_report_xlsx
    sheet = load_workbook(io.BytesIO(write_report_xlsx(content))).worksheets[0]
    assert any(cell.value == f"Tỷ lệ báo cáo kỳ trước\n(Kết quả: số liệu {period.name}, từ 1 đơn vị báo cáo)"
               for line in sheet.iter_rows() for cell in line)


def test_the_opening_does_not_name_the_kind_of_plan_twice(tree, plan, period):
    """“Thực hiện Kế hoạch số 12/KH-UBND … về thực hiện Nghị quyết 71 …”, not “… về kế hoạch thực hiện …”."""
    opening = build_report_content(unit=tree["A"], document=plan, period=period).opening
    assert " về thực hiện Nghị quyết 71 của phường A, " in opening and "về kế hoạch" not in opening


def test_a_figure_added_up_from_units_below_says_how_many_reported_it(tree, plan, period, personas):
    """A ward's rate from one school of its two reads "từ 1 đơn vị báo cáo" in every format; a figure the ward entered
    itself, or a school's own report, says nothing of the kind."""
    from targets.actions import save_progress_value

    rate = make_indicator("gv-chuan", "Tỷ lệ giáo viên đạt chuẩn", unit_label="%")
    rooms = make_indicator("phong-tm", "Số phòng học thông minh", "count", "sum", "phòng")
    make_target(plan, rate, 0, Decimal(90))
    entered = make_target(plan, rooms, 1, Decimal(10))
    ProgressValue.objects.create(indicator=rate, unit=tree["A-TH1"], period=period, numerator=30, denominator=40)
    save_progress_value(target=entered, period=period, values={"value": Decimal(4), "status": "in_progress"},
                        by=personas["officer_a"], expected_version=0)

    ward = {row.indicator: row for row in build_report_content(unit=tree["A"], document=plan, period=period).rows}
    assert (ward["Tỷ lệ giáo viên đạt chuẩn"].reporting_units, ward["Tỷ lệ giáo viên đạt chuẩn"].result_note) == (
        1, "từ 1 đơn vị báo cáo")
    assert (ward["Số phòng học thông minh"].reporting_units, ward["Số phòng học thông minh"].result_note) == (None, "")
    school = build_report_content(unit=tree["A-TH1"], document=plan, period=period).rows
    assert [row.reporting_units for row in school] == [None, None]
    # a snapshot frozen before rows kept the count reads as before
    data = ward["Tỷ lệ giáo viên đạt chuẩn"].__dict__ | {}
    data.pop("reporting_units")
    assert ReportRow.from_json(data).result_note == ""


@pytest.mark.parametrize(("day", "written"), [
    (date(2026, 5, 3), "ngày 03 tháng 5 năm 2026"), (date(2026, 1, 15), "ngày 15 tháng 01 năm 2026"),
    (date(2026, 2, 9), "ngày 09 tháng 02 năm 2026"), (date(2026, 11, 28), "ngày 28 tháng 11 năm 2026"),
    (date(2026, 3, 10), "ngày 10 tháng 3 năm 2026"),
])
def test_the_date_line_pads_days_below_ten_and_only_the_months_one_and_two(day, written):
    # Nghị định 30/2020, Phụ lục I; until 28/11/2026 every month was padded ("tháng 05")
    from reports.content import _long_date

    assert _long_date(day) == written


def test_a_schools_report_is_dated_at_its_communes_place(tree, plan, period):
    from reports.content import _place

    tree["A"].place_name = "Dương Kinh"
    tree["A"].save()
    school = type(tree["A-TH1"]).objects.get(pk=tree["A-TH1"].pk)
    assert _place(school) == "Dương Kinh"  # not the school's own short name
    assert _place(tree["A"]) == "Dương Kinh"


def test_the_figures_behind_the_table_are_those_of_the_period_each_figure_is_from(tree, plan, period):
    # the documents audit of 28/11/2026: "Số liệu gốc" held only its header while the table showed the figures of
    # the semester before (nothing reported yet for the chosen one)
    from datetime import timedelta

    from tests.factories import make_period

    earlier = make_period(code="hk-truoc", kind="semester_2", school_year=period.school_year,
                          start=period.start - timedelta(150), end=period.start - timedelta(1),
                          deadline=period.start + timedelta(5))
    add_rows(tree, plan, earlier, 2)
    content = build_report_content(unit=tree["A"], document=plan, period=period)
    assert [row.result for row in content.rows] == [1.0, 75.0]  # the earlier semester's figures, judged
    assert [(raw["unit_code"], raw["period"]) for raw in content.raw_values] == [
        ("A-S0", earlier.name), ("A-S1", earlier.name)]


def test_a_report_on_a_plan_issued_above_lists_the_units_own_tasks(tree, plan, period):
    office_task = Task.objects.create(document=plan, text="Rà soát đội ngũ", lead_unit=tree["A-VHXH"])
    school_task = Task.objects.create(document=plan, text="Xây dựng thư viện thân thiện", lead_unit=tree["A-VHXH"])
    school_task.coordinating_units.set([tree["A-TH1"]])
    own = build_report_content(unit=tree["A"], document=plan, period=period)
    assert [t["text"] for t in own.tasks] == [office_task.text, school_task.text]  # the plan's order, then entry
    at_school = build_report_content(unit=tree["A-TH1"], document=plan, period=period)
    assert [t["text"] for t in at_school.tasks] == [school_task.text]


def test_a_party_body_leaves_its_number_as_party_documents_write_it(tree, period):
    # "Số 12-BC/ĐU" (number-TYPE/ISSUER), never the state's "Số: 12/BC-ĐU"; a state body keeps "Số: …/BC-UBND"
    party = make_unit("DU-A", "Đảng ủy phường A", "commune", tree["HP"], is_party_body=True)
    party_plan = make_document(party, "41-KH/ĐU", "Kế hoạch thực hiện Nghị quyết 71 của Đảng ủy phường A")
    make_target(party_plan, make_indicator("gv-chuan", "Tỷ lệ giáo viên đạt chuẩn", unit_label="%"), 1, Decimal(100))
    content = build_report_content(unit=party, document=party_plan, period=period)
    assert content.is_party and content.number == "Số       -BC/ĐU"
    state = build_report_content(unit=tree["A"], document=make_document(tree["A"]), period=period)
    assert state.number == "Số:       /BC-UBND"


def test_a_party_body_s_finalised_report_writes_its_number_without_the_colon(tree, period, settings, tmp_path,
                                                                             monkeypatch):
    # the number the office typed: "Số 12-BC/ĐU" for a Party body, "Số: 45/BC-UBND" for a state one
    import sys
    import types

    from django.contrib.auth import get_user_model

    from reports import outgoing

    settings.MEDIA_ROOT = tmp_path
    pdf = types.ModuleType("reports.pdf")
    pdf.write_report_pdf = lambda content: b"%PDF-fake"
    monkeypatch.setitem(sys.modules, "reports.pdf", pdf)
    officer = get_user_model().objects.create_user("vanphong.dua")
    party = make_unit("DU-A", "Đảng ủy phường A", "commune", tree["HP"], is_party_body=True)
    party_plan = make_document(party, "41-KH/ĐU", "Kế hoạch thực hiện Nghị quyết 71 của Đảng ủy phường A")
    make_target(party_plan, make_indicator("gv-chuan", "Tỷ lệ giáo viên đạt chuẩn", unit_label="%"), 1, Decimal(100))
    report = outgoing.finalise_report(unit=party, document=party_plan, period=period, number="12-BC/ĐU",
                                      narratives=[], by=officer)
    assert report.snapshot["number"] == "Số 12-BC/ĐU"
    state_plan = make_document(tree["A"])
    make_target(state_plan, make_indicator("gv-chuan-2", "Tỷ lệ giáo viên đạt chuẩn", unit_label="%"), 1, Decimal(100))
    report = outgoing.finalise_report(unit=tree["A"], document=state_plan, period=period, number="45/BC-UBND",
                                      narratives=[], by=officer)
    assert report.snapshot["number"] == "Số: 45/BC-UBND"
