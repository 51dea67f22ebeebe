"""The preview of a consolidated report from live data: the figures of all the communes read together
(reports.content.build_figures_contents) are those each commune's own content gives, in a number of queries
that does not grow with the communes."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from reports.builds import assemble, report_plans
from reports.content import build_figures_contents, build_report_content
from reports.models import ReportBuild, ReportStatus, SchoolReport
from targets.models import ProgressValue, TargetResponsibility
from tests.factories import make_document, make_indicator, make_period, make_target, make_unit, make_user
from units.models import UnitSuccession

SECTION = "II. NỘI DUNG > 2. Triển khai thực hiện các mục tiêu đến năm 2030 > "


@pytest.fixture
def indicators(db):
    return {
        "rate": make_indicator("gv-chuan", "Tỷ lệ giáo viên đạt chuẩn", unit_label="%"),
        "count": make_indicator("phong-hoc", "Số phòng học kiên cố", "count", "sum", "phòng"),
        "smart": make_indicator("phong-tm", "Số phòng học thông minh mỗi trường", "count", "min", "phòng"),
        "level": make_indicator("muc-chuan", "Mức độ trường đạt chuẩn quốc gia", "level", "min"),
        "milestone": make_indicator("so-hoa", "Hoàn thành số hóa hồ sơ", "milestone", "every_unit"),
        "schools": make_indicator("so-truong", "Số trường công lập", "count", "sum", "trường"),
    }


@pytest.fixture
def city(tree, indicators):
    """The city's plan, the one of the communes without their own: a rate stated in two sections, a count,
    a smallest figure per school, a milestone every school reaches, a projection of its scale."""
    document = make_document(tree["HP"], "9/KH-UBND", "Kế hoạch thực hiện Nghị quyết 71 của thành phố",
                             issued_on=date(2025, 10, 1))
    make_target(document, indicators["rate"], 1, Decimal(95), category="staff", section=SECTION + "b) Đội ngũ")
    make_target(document, indicators["rate"], 2, Decimal(95), category="staff", section=SECTION + "d) Chất lượng")
    make_target(document, indicators["count"], 3, Decimal(40), category="facilities", baseline_value=Decimal(20),
                baseline_year=2024)
    make_target(document, indicators["smart"], 4, Decimal(1), category="digital", each_unit=True)
    make_target(document, indicators["milestone"], 5, None, "achieve", category="digital")
    make_target(document, indicators["schools"], 6, Decimal(8), "eq", is_projection=True)
    return document


@pytest.fixture
def own_plan(tree, city, indicators):
    """Phường A's own plan carrying out the city's: a school's recognition, a rate led by its office, a
    figure its officer enters for the plan, a lower-is-better count."""
    document = make_document(tree["A"], "12/KH-UBND", "Kế hoạch thực hiện Nghị quyết 71 của phường A",
                             issued_on=date(2025, 11, 1))
    document.implements.add(city)
    level = make_target(document, indicators["level"], 1, Decimal(2), "achieve", "2026-2027", date(2027, 5, 31),
                        category="facilities", level_label="mức độ 2")
    level.scope_units.add(tree["A-TH1"])
    rate = make_target(document, indicators["rate"], 2, Decimal(98), category="staff")
    TargetResponsibility.objects.create(target=rate, unit=tree["A-VHXH"])
    make_target(document, indicators["milestone"], 3, None, "achieve", category="digital")
    make_target(document, indicators["count"], 4, Decimal(5), "lte", category="quality")
    return document


def value(indicator, unit, period, **fields):
    return ProgressValue.objects.create(indicator=indicator, unit=unit, period=period, **fields)


@pytest.fixture
def communes(tree, city, own_plan, indicators, period):
    """A on its own plan, with figures of two semesters, an entry of its own and a leader who signs; B with a
    school's figures; C with none; D merged from a former ward whose figures count for it."""
    earlier = make_period(code="hk-truoc", kind="semester_2", school_year="2024-2025", start=period.start - timedelta(150),
                          end=period.start - timedelta(30), deadline=period.start - timedelta(20))
    for school, numerator, rooms, smart, level in ((tree["A-TH1"], 18, 12, 2, 2), (tree["A-THCS"], 27, 9, 1, 1)):
        value(indicators["rate"], school, earlier, numerator=numerator - 3, denominator=30)
        value(indicators["rate"], school, period, numerator=numerator, denominator=30)
        value(indicators["count"], school, period, value=rooms)
        value(indicators["smart"], school, period, value=smart)
        value(indicators["level"], school, period, value=level)
        value(indicators["milestone"], school, period, achieved=school.code == "A-TH1")
    milestone = own_plan.targets.get(indicator=indicators["milestone"])
    value(indicators["milestone"], tree["A"], period, target=milestone, achieved=True)
    make_user("leader_a", tree["A"], "leader", first_name="Nguyễn Văn", last_name="An")
    SchoolReport.objects.create(school=tree["A-TH1"], period=period, status=ReportStatus.SUBMITTED)
    SchoolReport.objects.create(school=tree["A-THCS"], period=period, status=ReportStatus.DRAFT)
    value(indicators["rate"], tree["B-MN"], period, numerator=10, denominator=20)
    value(indicators["smart"], tree["B-MN"], period, value=0)
    SchoolReport.objects.create(school=tree["B-MN"], period=period, status=ReportStatus.APPROVED)
    make_unit("C", "Xã C", "commune", tree["HP"], valid_from=date(2025, 7, 1))
    d = make_unit("D", "Phường D", "commune", tree["HP"], valid_from=date(2025, 7, 1))
    old = make_unit("D-CU", "Phường D cũ", "commune", tree["HP"], valid_to=date(2025, 6, 30))
    UnitSuccession.objects.create(predecessor=old, successor=d, effective_on=date(2025, 7, 1))
    old_school = make_unit("D-CU-TH", "Trường Tiểu học D cũ", "school", old, levels=["th"])
    value(indicators["rate"], old_school, period, numerator=5, denominator=25)
    value(indicators["count"], make_unit("D-TH", "Trường Tiểu học D", "school", d, levels=["th"]), period, value=4)
    return report_plans(kind=ReportBuild.Kind.CONSOLIDATED, unit=tree["HP"], document=city)


def one_by_one(pairs, period):
    return [build_report_content(unit=unit, document=plan, period=period, figures_only=True) for unit, plan in pairs]


def frozen(contents):
    """The contents as they are stored, without the time they were made."""
    return [{key: data for key, data in content.to_json().items() if key != "generated_at"} for content in contents]


def test_the_communes_read_together_give_what_each_gives_on_its_own(tree, city, communes, period):
    assert [(unit.code, plan.number) for unit, plan in communes] == [
        ("A", "12/KH-UBND"), ("B", "9/KH-UBND"), ("D", "9/KH-UBND"), ("C", "9/KH-UBND")]
    together = build_figures_contents(pairs=communes, period=period)
    assert frozen(together) == frozen(one_by_one(communes, period))
    a, b, d, c = together
    # what the comparison covers: each commune's own figures, evaluation, header and signature
    # a draft names no signer (the name comes with the leader's approval of an outgoing report)
    assert a.signer_name == b.signer_name == ""
    assert a.recipients[1] == "Sở Giáo dục và Đào tạo Hải Phòng (để báo cáo);"
    assert (a.submitted, a.schools, b.submitted, b.schools, c.schools) == (1, 2, 1, 1, 0)
    assert [row.indicator for row in a.rows] == [
        "Hoàn thành số hóa hồ sơ", "Tỷ lệ giáo viên đạt chuẩn", "Mức độ trường đạt chuẩn quốc gia — Trường Tiểu học A1",
        "Số phòng học kiên cố"]
    assert a.rows[0].status == "met"  # entered by the ward's officer, though one school has not done it
    assert a.rows[1].lead == "Phòng Văn hóa - Xã hội phường A" and a.rows[1].result == 75.0
    assert a.rows[1].trend == [["Học kỳ II năm học 2024-2025", 65.0], ["Học kỳ I năm học 2025-2026", 75.0]]
    assert (b.rows[2].result, b.rows[2].sections) == (50.0, ["b) Đội ngũ", "d) Chất lượng"])
    assert d.rows[2].result == 20.0  # the former ward's figures
    assert c.summary["no_data"] == len(c.rows) == 4 and c.projections == b.projections != {}


def test_the_preview_of_a_consolidated_report_is_the_communes_read_together(tree, city, communes, period):
    contents, cover = assemble(kind=ReportBuild.Kind.CONSOLIDATED, unit=tree["HP"], document=city, period=period)
    assert frozen(contents) == frozen(one_by_one(communes, period))
    assert cover.preview and cover.communes == 4


def give_plan(commune, city, indicators, period, i):
    """The commune's own plan carrying out the city's, with a leader, a school, its figures and report."""
    make_user(f"leader_{i}", commune, "leader", first_name=f"Lãnh đạo {i}")
    school = make_unit(f"{commune.code}-S{i}", f"Trường Tiểu học số {i}", "school", commune, levels=["th"])
    plan = make_document(commune, f"{i}/KH-UBND", f"Kế hoạch thực hiện Nghị quyết 71 của {commune.name}")
    plan.implements.add(city)
    rate = make_target(plan, indicators["rate"], 1, Decimal(90), category="staff")
    TargetResponsibility.objects.create(target=rate, unit=school)
    make_target(plan, indicators["count"], 2, Decimal(10), category="facilities").scope_units.add(school)
    make_target(plan, indicators["schools"], 3, Decimal(2), "eq", is_projection=True)
    value(indicators["rate"], school, period, numerator=i, denominator=20)
    value(indicators["count"], school, period, value=i)
    SchoolReport.objects.create(school=school, period=period, status=ReportStatus.SUBMITTED)


def test_the_communes_read_together_take_the_same_queries_whatever_their_number(
        tree, city, indicators, period):
    for i, code in enumerate(("A", "B"), 1):
        give_plan(tree[code], city, indicators, period, i)
    pairs = report_plans(kind=ReportBuild.Kind.CONSOLIDATED, unit=tree["HP"], document=city)
    # the targets of the plans, their indicators (each read once), their horizons, named units and the units leading them;
    # the communes' predecessors; the periods of the trend; the values entered for the plans; the roll-ups of
    # the subtrees; the figures of the named units; the reporting rates (one grouped count); the leaders who
    # sign; the Sở GD&ĐT of "Nơi nhận"
    with CaptureQueriesContext(connection) as two:
        build_figures_contents(pairs=pairs, period=period)
    for i in range(3, 7):
        commune = make_unit(f"X{i}", f"Phường X{i}", "commune", tree["HP"], valid_from=date(2025, 7, 1))
        give_plan(commune, city, indicators, period, i)
    pairs = report_plans(kind=ReportBuild.Kind.CONSOLIDATED, unit=tree["HP"], document=city)
    assert len(pairs) == 6 and all(plan != city for _unit, plan in pairs)
    with CaptureQueriesContext(connection) as six:
        contents = build_figures_contents(pairs=pairs, period=period)
    assert len(two) == len(six) == 13, [query["sql"][:80] for query in six.captured_queries]
    assert frozen(contents) == frozen(one_by_one(pairs, period))
