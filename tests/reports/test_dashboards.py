"""The leaders' dashboard of a unit's plan, the drill-down by lower units, a plan's coverage and its public page."""

import json
import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from plans.models import Document, DocumentStatus, Task, TaskGroup
from reports.dashboards import trend_periods
from reports.models import ReportItem, ReportStatus, SchoolReport
from targets import queries as target_queries
from targets.fields import format_number
from targets.models import ProgressValue, Target, TargetResponsibility
from targets.queries import plan_ownership, plan_statuses, status_counts
from tests.factories import make_document, make_indicator, make_period, make_target, make_unit

DASHBOARD = reverse("reports:dashboard_unit")
DRILLDOWN = reverse("reports:dashboard_drilldown")
PRIVATE_NOTE = "ghi chú nội bộ"


# --- data ---------------------------------------------------------------------------------------


@pytest.fixture
def periods(db):
    """Three semesters, a year and a half of trend; the last one is in progress today."""
    today = timezone.localdate()
    y = today.year

    def semester(code, kind, school_year, start, end):
        return make_period(code=code, kind=kind, school_year=school_year, start=today + timedelta(start),
                           end=today + timedelta(end), deadline=today + timedelta(end + 10))

    return [
        semester("hk1-truoc", "semester_1", f"{y - 1}-{y}", -420, -241),
        semester("hk2-truoc", "semester_2", f"{y - 1}-{y}", -240, -61),
        semester("hk1-nay", "semester_1", f"{y}-{y + 1}", -60, 50),
    ]


def value(indicator, unit, period, **fields):
    return ProgressValue.objects.create(indicator=indicator, unit=unit, period=period, **fields)


def rate_values(indicator, period, figures):
    for school, (numerator, denominator) in figures.items():
        value(indicator, school, period, numerator=numerator, denominator=denominator)


@pytest.fixture
def plan(tree, personas, periods):
    """A's plan in force for 2025–2030: one target of each status on the current semester.

    rate (on track: 30% a year ago, 66% now, on the way to 95% by 2030), two counts (met), dropouts
    (behind: 1 pupil left school and the 2025 deadline has passed), a milestone not reached four
    months before its deadline (at risk), a satisfaction index nobody reported (no data).
    """
    p1, _, p3 = periods
    a1, a2 = tree["A-TH1"], tree["A-THCS"]
    officer = personas["officer_a"]
    officer.first_name, officer.last_name = "An", "Nguyễn Văn"
    officer.save(update_fields=["first_name", "last_name"])
    document = make_document(tree["A"], "12/KH-UBND", "Kế hoạch thực hiện Nghị quyết 71 của phường A",
                             issued_on=date(2025, 10, 1))
    teachers = ReportItem.objects.create(code="so-gv", label="Tổng số giáo viên", section="Đội ngũ", levels=["th"])
    qualified = ReportItem.objects.create(code="so-gv-dat-chuan", label="Số giáo viên đạt chuẩn", section="Đội ngũ",
                                          levels=["th"])
    indicators = {
        "rate": make_indicator("gv-dat-chuan", "Tỷ lệ giáo viên đạt chuẩn trình độ đào tạo", "rate",
                               "ratio_of_sums", "%", numerator_item=qualified, denominator_item=teachers),
        "rooms": make_indicator("phong-thong-minh", "Số phòng học thông minh", "count", "sum", "phòng"),
        "standard": make_indicator("truong-chuan", "Số trường đạt chuẩn quốc gia", "count", "sum", "trường"),
        "dropouts": make_indicator("hs-bo-hoc", "Số học sinh bỏ học", "count", "sum", "học sinh"),
        "milestone": make_indicator("ke-hoach-cds", "Ban hành kế hoạch chuyển đổi số của phường", "milestone", "none"),
        "index": make_indicator("chi-so-hai-long", "Chỉ số hài lòng của phụ huynh", "index", "none"),
    }
    milestone_deadline = p3.end + timedelta(days=90)
    targets = {
        "rate": make_target(document, indicators["rate"], 1, Decimal(95), category="staff"),
        "rooms": make_target(document, indicators["rooms"], 2, Decimal(4), category="facilities"),
        "standard": make_target(document, indicators["standard"], 3, Decimal(2), category="facilities"),
        "dropouts": make_target(document, indicators["dropouts"], 4, Decimal(0), comparator="eq", label="2025",
                                category="quality"),
        "milestone": make_target(document, indicators["milestone"], 5, None, comparator="achieve",
                                 label=str(milestone_deadline.year), deadline=milestone_deadline, category="digital"),
        "index": make_target(document, indicators["index"], 6, Decimal("0.8"), category="quality"),
    }
    rate_values(indicators["rate"], p1, {a1: (10, 40), a2: (20, 60)})  # 30%
    rate_values(indicators["rate"], p3, {a1: (30, 40), a2: (36, 60)})  # 75% and 60%: 66% for A
    for key, figures in (("rooms", (2, 3)), ("standard", (1, 1)), ("dropouts", (0, 1))):
        for school, figure in zip((a1, a2), figures, strict=True):
            value(indicators[key], school, p3, value=figure)
    entry = value(indicators["milestone"], tree["A"], p3, target=targets["milestone"], achieved=False,
                  note=PRIVATE_NOTE, entered_by=officer)
    SchoolReport.objects.create(school=a1, period=p3, status=ReportStatus.SUBMITTED)
    return {"document": document, "entry": entry, **targets}


@pytest.fixture
def plan_b(tree, periods):
    document = make_document(tree["B"], "5/KH-UBND", "Kế hoạch của phường B")
    indicator = make_indicator("tre-ban-tru", "Tỷ lệ trẻ mầm non học bán trú", "rate", "ratio_of_sums", "%")
    value(indicator, tree["B-MN"], periods[2], numerator=45, denominator=50)
    return {"document": document, "target": make_target(document, indicator, 1, Decimal(95))}


def login(client, user):
    client.force_login(user)
    return client


def query(unit, document, period, **extra):
    return {"unit": unit.pk, "plan": document.pk, "period": period.pk, **extra}


def text(html):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def headline(response):
    """{status: (number, label)} read off the headline of the dashboard."""
    found = re.findall(r'id="count-(\w+)"><div class="stat">(\d+)</div>([^<]+)</a>', response.content.decode())
    return {key: (int(n), label) for key, n, label in found}


def target_row(response, target):
    match = re.search(rf'<tr id="status-{target.pk}">(.*?)</tr>', response.content.decode(), re.S)
    assert match, f"no row for {target}"
    return match.group(1)


def chart_data(response):
    match = re.search(r'<script id="chart-data" type="application/json">(.*?)</script>', response.content.decode(),
                      re.S)
    assert match, "no chart data"
    return json.loads(match.group(1))


def drill_rows(response):
    """[(unit name, behind count, [cell texts])] of the drill-down table, in the order shown."""
    rows = []
    for row in re.findall(r'<tr><th scope="row">(.*?)</tr>', response.content.decode(), re.S):
        name = text(re.match(r"(.*?)</th>", row, re.S).group(1))
        cells = [text(cell) for cell in re.findall(r'<td class="num"[^>]*>(.*?)</td>', row, re.S)]
        rows.append((name, int(cells[0]), cells[1:]))
    return rows


# --- the unit's dashboard -----------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["officer_a", "leader_a"])
def test_the_dashboard_counts_the_targets_of_a_by_status(client, personas, tree, plan, periods, persona):
    response = login(client, personas[persona]).get(DASHBOARD, query(tree["A"], plan["document"], periods[2]))
    assertContains(response, "<h1>Bảng điều khiển: Phường A</h1>", html=True)
    assertContains(response, '<div class="stat">6</div>chỉ tiêu')
    assert headline(response) == {
        "met": (2, "đạt"), "on_track": (1, "đúng tiến độ"), "at_risk": (1, "có nguy cơ"),
        "behind": (1, "chậm"), "no_data": (1, "chưa có số liệu"),
    }


def test_the_headline_agrees_with_plan_statuses(client, personas, tree, plan, periods):
    period = periods[2]
    statuses = plan_statuses(Target.objects.filter(document=plan["document"]).targets(), tree["A"], period,
                             trend_periods(period))
    response = login(client, personas["leader_a"]).get(DASHBOARD, query(tree["A"], plan["document"], period))
    assert {key: n for key, (n, _) in headline(response).items()} == status_counts(statuses)
    for item in statuses:
        assertContains(response, f'<span class="badge st-{item.status}">{item.evaluation.label}</span>',
                       count=None)
        assert f'st-{item.status}">{item.evaluation.label}<' in target_row(response, item.target)


def test_each_target_shows_its_value_and_status_badge(client, personas, tree, plan, periods):
    response = login(client, personas["officer_a"]).get(DASHBOARD, query(tree["A"], plan["document"], periods[2]))
    expected = {
        "rate": ("66%", "on_track", "Đúng tiến độ"),
        "rooms": ("5 phòng", "met", "Đạt"),
        "standard": ("2 trường", "met", "Đạt"),
        "dropouts": ("1 học sinh", "behind", "Chậm"),
        "milestone": ("Chưa đạt", "at_risk", "Có nguy cơ"),
        "index": ("—", "no_data", "Chưa có số liệu"),
    }
    for key, (shown, status, label) in expected.items():
        row = target_row(response, plan[key])
        assert plan[key].indicator.name in row
        assert shown in text(row), key
        assert f'<span class="badge st-{status}">{label}</span>' in row, key
    assert "≥ 95% · đến năm 2030" in text(target_row(response, plan["rate"]))


def test_the_rate_shows_where_the_path_is_today(client, personas, tree, plan, periods):
    period = periods[2]
    [rate] = plan_statuses([plan["rate"]], tree["A"], period, trend_periods(period))
    # the path starts at the earliest value, 30% a year ago
    assert 30 < rate.evaluation.expected < 66
    response = login(client, personas["officer_a"]).get(DASHBOARD, query(tree["A"], plan["document"], period))
    assert f"{format_number(rate.evaluation.expected, 1)}%" in text(target_row(response, plan["rate"]))


def test_the_dashboard_shows_the_share_of_schools_that_reported(client, personas, tree, plan, periods):
    response = login(client, personas["officer_a"]).get(DASHBOARD, query(tree["A"], plan["document"], periods[2]))
    # one of A's two schools submitted its report
    assertContains(response, '<div class="stat" id="reporting-rate">50%</div>trường đã nộp báo cáo (1/2 trường)')


def test_the_chart_data_holds_each_trend_and_the_breakdown_by_criterion(client, personas, tree, plan, periods):
    response = login(client, personas["leader_a"]).get(DASHBOARD, query(tree["A"], plan["document"], periods[2]))
    data = chart_data(response)
    y = timezone.localdate().year
    labels = [f"HK I {y - 1}-{y}", f"HK II {y - 1}-{y}", f"HK I {y}-{y + 1}"]
    assert data["trends"][str(plan["rate"].pk)] == {"labels": labels, "values": [30.0, None, 66.0], "goal": 95.0}
    assert data["trends"][str(plan["rooms"].pk)] == {"labels": labels, "values": [None, None, 5.0], "goal": 4.0}
    assert data["trends"][str(plan["milestone"].pk)]["values"] == [None, None, 0.0]
    assert data["trends"][str(plan["index"].pk)]["values"] == [None, None, None]
    assert data["breakdown"]["labels"] == ["Chuyển đổi số", "Đội ngũ", "Cơ sở vật chất", "Chất lượng giáo dục"]
    assert {d["status"]: d["data"] for d in data["breakdown"]["datasets"]} == {
        "met": [0, 0, 2, 0], "on_track": [0, 1, 0, 0], "at_risk": [1, 0, 0, 0],
        "behind": [0, 0, 0, 1], "no_data": [0, 0, 0, 1],
    }


def test_the_status_filter_keeps_only_the_rows_of_that_status(client, personas, tree, plan, periods):
    response = login(client, personas["leader_a"]).get(
        DASHBOARD, query(tree["A"], plan["document"], periods[2], status="met"))
    assertContains(response, '<tr id="status-', count=2)
    assertContains(response, f'<tr id="status-{plan["rooms"].pk}">')
    assertNotContains(response, f'<tr id="status-{plan["rate"].pk}">')


def test_officer_b_asking_for_a_gets_the_dashboard_of_b(client, personas, tree, plan, plan_b, periods):
    response = login(client, personas["officer_b"]).get(DASHBOARD, query(tree["A"], plan["document"], periods[2]))
    assertContains(response, "<h1>Bảng điều khiển: Phường B</h1>", html=True)
    assertContains(response, "Tỷ lệ trẻ mầm non học bán trú")
    assertNotContains(response, "Phường A")
    assertNotContains(response, plan["document"].title)
    for key in ("rate", "rooms", "dropouts", "milestone"):
        assertNotContains(response, plan[key].indicator.name)


def test_officer_b_naming_a_plan_of_a_gets_the_plan_of_b(client, personas, tree, plan, plan_b, periods):
    response = login(client, personas["officer_b"]).get(DASHBOARD, query(tree["B"], plan["document"], periods[2]))
    assertContains(response, plan_b["document"].title)
    assertContains(response, f'<tr id="status-{plan_b["target"].pk}">')
    assertContains(response, '<tr id="status-', count=1)
    for key in ("rate", "rooms", "standard", "dropouts", "milestone", "index"):
        assertNotContains(response, f'<tr id="status-{plan[key].pk}">')
        assertNotContains(response, plan[key].indicator.name)


def add_schools(tree, periods, indicators, n, first=0):
    """n more schools in A, each with a report and values for every indicator."""
    for i in range(first, first + n):
        school = make_unit(f"A-S{i}", f"Trường Tiểu học A-S{i}", "school", tree["A"], levels=["th"])
        SchoolReport.objects.create(school=school, period=periods[2], status=ReportStatus.APPROVED)
        for indicator in indicators:
            if indicator.kind == "rate":
                value(indicator, school, periods[2], numerator=5 + i, denominator=20)
            else:
                value(indicator, school, periods[2], value=i % 3)


def build_plan(tree, periods, n_targets):
    """A plan of A with n targets: rates, counts and milestones in turn, each with values."""
    document = make_document(tree["A"], "30/KH-UBND", "Kế hoạch đo")
    indicators = []
    for i in range(n_targets):
        kind = ("rate", "count", "milestone")[i % 3]
        indicator = make_indicator(f"do-{i}", f"Chỉ số đo số {i}", kind,
                                   {"rate": "ratio_of_sums", "count": "sum", "milestone": "none"}[kind])
        target = make_target(document, indicator, i, None if kind == "milestone" else Decimal(90),
                             comparator="achieve" if kind == "milestone" else "gte", category="quality")
        if kind == "milestone":
            value(indicator, tree["A"], periods[2], target=target, achieved=i % 2 == 0)
        else:
            indicators.append(indicator)
    return document, indicators


@pytest.mark.parametrize(("n_targets", "n_schools"), [(3, 3), (9, 3), (3, 8)])
def test_the_dashboard_query_count_grows_with_neither_targets_nor_schools(
    client, personas, tree, periods, n_targets, n_schools, django_assert_num_queries
):
    document, indicators = build_plan(tree, periods, n_targets)
    add_schools(tree, periods, indicators, n_schools)
    login(client, personas["officer_a"])
    # session, the user with its memberships, the unread notifications (top bar); choices: the dashboard unit
    # (marked with whether it has predecessors: A has none, so no lineage query), plans, periods (the current one
    # is picked from them, the trend too); targets with indicator and part_of (the plan is the page's), their horizons, their
    # scope units; the evaluation: entries, one grouped roll-up; the reporting rate (one count); overdue tasks (13)
    with django_assert_num_queries(13):
        response = client.get(DASHBOARD, query(tree["A"], document, periods[2]))
    assertContains(response, f'<div class="stat">{n_targets}</div>chỉ tiêu')
    assertContains(response, '<tr id="status-', count=n_targets)
    assertContains(response, f"/{n_schools + 2} trường)")


# --- the drill-down -----------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["officer_a", "leader_a"])
def test_the_drilldown_lists_the_schools_of_a_with_their_own_values(client, personas, tree, plan, periods, persona):
    login(client, personas[persona])
    # one criterion at a time, one column per indicator reported below A, in the plan's order; each
    # school judged as on its own dashboard: the path starts at its earliest figure (25% and 33,3% a
    # year ago), and a figure reported once is where its path starts
    expected = {
        "staff": [("Trường Tiểu học A1", 0, ["75% Đúng tiến độ"]),
                  ("Trường Tiểu học và THCS A2", 0, ["60% Đúng tiến độ"])],
        "facilities": [("Trường Tiểu học A1", 0, ["2 phòng Đúng tiến độ", "1 trường Đúng tiến độ"]),
                       ("Trường Tiểu học và THCS A2", 0, ["3 phòng Đúng tiến độ", "1 trường Đúng tiến độ"])],
        # the satisfaction index has no values below A: no column
        "quality": [("Trường Tiểu học A1", 0, ["0 học sinh Đạt"]),
                    ("Trường Tiểu học và THCS A2", 1, ["1 học sinh Chậm"])],
    }
    for category, rows in expected.items():
        response = client.get(DRILLDOWN, query(tree["A"], plan["document"], periods[2], category=category))
        assertContains(response, "<h1>Phường A: các đơn vị cấp dưới</h1>", html=True)
        # the office of A is neither a school nor a commune: not a row
        assert drill_rows(response) == rows, category
    assertNotContains(response, plan["milestone"].indicator.name)


def test_the_drilldown_offers_the_criteria_of_the_plan(client, personas, tree, plan, periods):
    response = login(client, personas["leader_a"]).get(DRILLDOWN, query(tree["A"], plan["document"], periods[2]))
    nav = re.search(r'<nav class="actions" aria-label="Nhóm tiêu chí">(.*?)</nav>', response.content.decode(), re.S)
    assert re.findall(r">([^<]+)</a>", nav.group(1)) == [
        "Chuyển đổi số", "Đội ngũ", "Cơ sở vật chất", "Chất lượng giáo dục"]


def test_sorting_by_a_target_column_orders_the_rows_by_its_value(client, personas, tree, plan, periods):
    login(client, personas["officer_a"])
    by_rate = client.get(DRILLDOWN, query(tree["A"], plan["document"], periods[2], category="staff",
                                          sort=f"t{plan['rate'].pk}"))
    assert [(name, cells) for name, _, cells in drill_rows(by_rate)] == [
        ("Trường Tiểu học và THCS A2", ["60% Đúng tiến độ"]), ("Trường Tiểu học A1", ["75% Đúng tiến độ"])]
    by_rooms = client.get(DRILLDOWN, query(tree["A"], plan["document"], periods[2], category="facilities",
                                           sort=f"t{plan['rooms'].pk}"))
    assert [cells[0] for _, _, cells in drill_rows(by_rooms)] == ["2 phòng Đúng tiến độ", "3 phòng Đúng tiến độ"]


def test_sorting_by_behind_puts_the_most_behind_first(client, personas, tree, plan, periods):
    response = login(client, personas["officer_a"]).get(
        DRILLDOWN, query(tree["A"], plan["document"], periods[2], category="quality", sort="behind"))
    assert [(name, behind) for name, behind, _ in drill_rows(response)] == [
        ("Trường Tiểu học và THCS A2", 1), ("Trường Tiểu học A1", 0)]


def test_the_drilldown_query_count_is_the_same_for_three_and_eight_schools(client, personas, tree, periods):
    document, indicators = build_plan(tree, periods, 6)
    login(client, personas["officer_a"])
    counts = []
    for first, n in ((0, 1), (1, 5)):  # A's two schools and one more, then five more
        add_schools(tree, periods, indicators, n, first=first)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(DRILLDOWN, query(tree["A"], document, periods[2]))
        rows = drill_rows(response)
        assert len(rows) == 2 + first + n
        assert len(rows[-1][2]) == 4  # two rates and two counts reported by the schools
        counts.append(len(captured))
    assert counts[0] == counts[1]


@pytest.mark.parametrize("n_schools", [3, 8])
def test_the_drilldown_query_count_does_not_grow_with_the_schools(
    client, personas, tree, periods, n_schools, django_assert_num_queries
):
    document, indicators = build_plan(tree, periods, 6)
    add_schools(tree, periods, indicators, n_schools)
    login(client, personas["officer_a"])
    # session, the user with its memberships, the unread notifications (top bar); choices: dashboard units, plans,
    # periods (the trend is taken from them); children of A (each marked with whether it has predecessors: none
    # here, so no lineage query); the plan's targets with indicator and document (their criteria counted from
    # them); the horizons and scope units of the criterion's targets; one grouped roll-up by child (no entries:
    # only A enters its targets' figures) (11)
    with django_assert_num_queries(11):
        response = client.get(DRILLDOWN, query(tree["A"], document, periods[2]))
    assert len(drill_rows(response)) == n_schools + 2


@pytest.fixture
def province_plan(tree, plan, plan_b, periods):
    """The Sở's plan with the same teacher rate, so that the province drill-down has a column."""
    document = make_document(tree["SGDDT"], "100/KH-SGDĐT", "Kế hoạch của Sở Giáo dục và Đào tạo")
    rate = make_target(document, plan["rate"].indicator, 1, Decimal(95))
    value(plan["rate"].indicator, tree["B-MN"], periods[2], numerator=9, denominator=10)
    return {"document": document, "rate": rate}


def test_the_reviewer_of_the_department_sees_the_communes_of_the_city(client, personas, tree, province_plan, periods):
    response = login(client, personas["reviewer"]).get(
        DRILLDOWN, query(tree["HP"], province_plan["document"], periods[2]))
    assertContains(response, "<h1>Thành phố Hải Phòng: các đơn vị cấp dưới</h1>", html=True)
    rows = drill_rows(response)
    # 66/100 for A's two schools, 9/10 for B's preschool, each saying how many units reported; the Sở itself is
    # not a row
    assert [(name, cells[0]) for name, _, cells in rows] == [
        ("Phường A", "66% Đúng tiến độ từ 2 đơn vị báo cáo"), ("Phường B", "90% Đúng tiến độ từ 1 đơn vị báo cáo")]


def test_the_reviewer_lands_on_the_city_by_default(client, personas, province_plan):
    response = login(client, personas["reviewer"]).get(DRILLDOWN)
    assert [name for name, _, _ in drill_rows(response)] == ["Phường A", "Phường B"]


def test_officer_b_asking_for_the_drilldown_of_a_gets_that_of_b(client, personas, tree, plan, plan_b, periods):
    response = login(client, personas["officer_b"]).get(DRILLDOWN, query(tree["A"], plan["document"], periods[2]))
    assertContains(response, "<h1>Phường B: các đơn vị cấp dưới</h1>", html=True)
    assert [(name, cells) for name, _, cells in drill_rows(response)] == [
        ("Trường Mầm non B1", ["90% Đúng tiến độ"])]
    assertNotContains(response, "Trường Tiểu học A1")
    assertNotContains(response, "Phường A")


# --- a plan's coverage ----------------------------------------------------------------------------


@pytest.fixture
def coverage(tree, plan, periods):
    """A school plan that carries down A's rate target and one of its two tasks."""
    document = plan["document"]
    group = TaskGroup.objects.create(document=document, number="III.1", title="Phát triển đội ngũ")
    training = Task.objects.create(document=document, group=group, order=1, lead_unit=tree["A-VHXH"],
                                   text="Tổ chức bồi dưỡng nâng chuẩn trình độ cho giáo viên")
    Task.objects.create(document=document, group=group, order=2, lead_unit=tree["A-VHXH"],
                        text="Đầu tư xây dựng phòng học thông minh")
    school_plan = make_document(tree["A-TH1"], "3/KH-THA1", "Kế hoạch của Trường Tiểu học A1",
                                status=DocumentStatus.DRAFT)
    school_plan.implements.add(document)
    make_target(school_plan, plan["rate"].indicator, 1, Decimal(100), parent=plan["rate"])
    Task.objects.create(document=school_plan, text="Cử giáo viên đi học nâng chuẩn", parent=training)
    return {"school_plan": school_plan}


@pytest.fixture
def owners(tree, plan):
    """The office answers for three targets entered by hand (and for the school-collected rate, not counted);
    school A1 for one target it never updated."""
    for key in ("rate", "rooms", "dropouts", "milestone"):
        TargetResponsibility.objects.create(target=plan[key], unit=tree["A-VHXH"])
    TargetResponsibility.objects.create(target=plan["standard"], unit=tree["A-TH1"])


def coverage_url(document):
    return reverse("reports:plan_coverage", args=[document.pk])


def test_the_coverage_lists_the_targets_with_and_without_lower_targets(client, personas, plan, coverage):
    response = login(client, personas["officer_a"]).get(coverage_url(plan["document"]))
    assertContains(response, "Chỉ tiêu (5 / 6 chưa được cấp dưới cụ thể hóa)")
    table = re.search(r'<table class="data" id="coverage-targets">(.*?)</table>', response.content.decode(), re.S)
    rows = [text(row) for row in re.findall(r"<tr>(.*?)</tr>", table.group(1), re.S)[1:]]
    rate = plan["rate"].indicator.name
    assert rows == [f"{rate} Trường Tiểu học A1 : {rate}"] + [
        f"{plan[key].indicator.name} Chưa kế hoạch cấp dưới nào cụ thể hóa"
        for key in ("rooms", "standard", "dropouts", "milestone", "index")]
    assertContains(response, "Kế hoạch 3/KH-THA1 — Trường Tiểu học A1")


def test_the_coverage_lists_the_tasks_with_and_without_lower_tasks(client, personas, plan, coverage):
    response = login(client, personas["leader_a"]).get(coverage_url(plan["document"]))
    assertContains(response, "Nhiệm vụ (1 / 2 chưa được cấp dưới cụ thể hóa)")
    assertContains(response, "Trường Tiểu học A1: Cử giáo viên đi học nâng chuẩn")
    row = re.search(r"<tr><td>III.1</td><td>Đầu tư xây dựng phòng học thông minh</td>(.*?)</tr>",
                    response.content.decode(), re.S)
    assert row and '<span class="muted">—</span>' in row.group(1)




def test_the_ownership_table_shows_last_updates_and_what_is_missing(client, personas, plan, owners, periods):
    response = login(client, personas["officer_a"]).get(coverage_url(plan["document"]), {"period": periods[2].pk})
    table = re.search(r'<table class="data" id="ownership">(.*?)</table>', response.content.decode(), re.S)
    rows = [[text(cell) for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
            for row in re.findall(r"<tr>(.*?)</tr>", table.group(1), re.S)[1:]]
    last = timezone.localtime(plan["entry"].entered_at).strftime("%H:%M %d/%m/%Y")
    # the unit that never updated first; the office: rooms, dropouts, milestone (the rate comes from the
    # schools), of which only the milestone was entered this semester
    assert rows == [
        ["Trường Tiểu học A1", "1", "Chưa từng cập nhật", "1"],
        ["Phòng Văn hóa - Xã hội phường A", "3", last, "2"],
    ]


def test_without_responsible_units_the_ownership_table_says_so(client, personas, plan, coverage):
    response = login(client, personas["officer_a"]).get(coverage_url(plan["document"]))
    assertContains(response, "Không có đơn vị chủ trì chỉ tiêu nhập trực tiếp.")


def test_plan_ownership_puts_the_units_that_never_updated_first(tree, plan, owners, periods):
    rows = plan_ownership(plan["document"], periods[2])
    assert [(o.unit.code, o.targets, o.missing) for o in rows] == [("A-TH1", 1, 1), ("A-VHXH", 3, 2)]
    assert rows[0].last_update is None
    assert rows[1].last_update == ProgressValue.objects.get(pk=plan["entry"].pk).entered_at


def test_the_coverage_page_takes_a_fixed_number_of_queries(
    client, personas, plan, coverage, periods, django_assert_num_queries
):
    login(client, personas["officer_a"])
    # session, the user with its memberships, the unread notifications (top bar), document, the unit asked for,
    # period; coverage: the lower plans (counted, then a page), how many lower plans took up each target, each task
    # (two grouped counts, so that the items are listed only where few did: 28/11), their child targets, child
    # tasks, targets, tasks; ownership: responsibilities, missing (no responsible unit to load here)
    with django_assert_num_queries(15):
        response = client.get(coverage_url(plan["document"]), {"period": periods[2].pk})
    assertContains(response, "Chỉ tiêu (5 / 6 chưa được cấp dưới cụ thể hóa)")
    assertContains(response, "Nhiệm vụ (1 / 2 chưa được cấp dưới cụ thể hóa)")


def test_a_target_many_lower_plans_took_up_is_counted_not_listed_and_the_page_does_not_grow(
        client, personas, tree, plan, coverage, django_assert_max_num_queries):
    """A province plan's target is taken up by a hundred communes (890 KB of page at the synthetic province): past
    CHILDREN_SHOWN units the page counts them, and names the lower plans only up to LOWER_PLANS_SHOWN."""
    rate = plan["rate"]
    login(client, personas["officer_a"])

    def add_schools_taking_up(first, n):
        for i in range(first, first + n):
            school = make_unit(f"A-CT{i}", f"Trường Thử {i}", "school", tree["A"], levels=["th"])
            own = make_document(school, f"{i}/KH-CT", f"Kế hoạch của trường thử {i}")
            own.implements.add(plan["document"])
            make_target(own, rate.indicator, 1, Decimal(90), parent=rate)

    add_schools_taking_up(0, target_queries.CHILDREN_SHOWN + 1)
    with django_assert_max_num_queries(14):  # the page above's, at most
        first = client.get(coverage_url(plan["document"]))
    add_schools_taking_up(10, target_queries.LOWER_PLANS_SHOWN)
    with django_assert_max_num_queries(14):
        second = client.get(coverage_url(plan["document"]))
    page = second.content.decode()
    # A1's plan (its own target under the rate) and the schools' plans, all declaring they implement A's plan
    lower = 1 + target_queries.CHILDREN_SHOWN + 1 + target_queries.LOWER_PLANS_SHOWN
    rate_row = page.split('id="coverage-targets"')[1].split("</tr>")[1]
    assert f"{lower} kế hoạch cấp dưới đã cụ thể hóa" in rate_row and "chưa" not in rate_row
    other_row = page.split('id="coverage-targets"')[1].split("</tr>")[2]
    assert "Chưa kế hoạch cấp dưới nào cụ thể hóa" in other_row
    assert "Trường Thử 3" not in page.split('id="coverage-targets"')[1]  # counted, not listed
    assert f"{lower} kế hoạch cấp dưới, theo danh mục đơn vị; trang 1/2" in page
    assert page.count("<li>Kế hoạch") == target_queries.LOWER_PLANS_SHOWN and 'rel="next"' in page
    rest = client.get(coverage_url(plan["document"]), {"trang": 2}).content.decode()
    assert rest.count("<li>Kế hoạch") == lower - target_queries.LOWER_PLANS_SHOWN and "trang 2/2" in rest
    assert len(second.content) < len(first.content) + 4000  # 30 more plans, no more rows


def test_officer_b_cannot_open_the_coverage_of_a_plan_of_a(client, personas, plan, coverage):
    response = login(client, personas["officer_b"]).get(coverage_url(plan["document"]))
    assert response.status_code == 404


@pytest.fixture
def city_plan(tree, plan, plan_b):
    """The city's plan, read by both wards as a directive from above; a school of A carries it down."""
    document = make_document(tree["HP"], "200/KH-UBND", "Kế hoạch của thành phố")
    rate = make_target(document, plan["rate"].indicator, 1, Decimal(95))
    school_plan = make_document(tree["A-TH1"], "7/KH-THA1", "Kế hoạch riêng của Trường Tiểu học A1",
                                status=DocumentStatus.DRAFT, start_year=None, end_year=None)
    school_plan.implements.add(document)
    make_target(school_plan, plan["rate"].indicator, 1, Decimal(100), parent=rate)
    return document


def test_officer_a_sees_how_the_city_plan_is_carried_down_in_a(client, personas, tree, city_plan):
    response = login(client, personas["officer_a"]).get(coverage_url(city_plan), {"unit": tree["A"].pk})
    assertContains(response, "Kế hoạch 7/KH-THA1 — Trường Tiểu học A1")
    assertContains(response, "Chỉ tiêu (0 / 1 chưa được cấp dưới cụ thể hóa)")


def test_officer_b_reading_the_city_plan_in_b_sees_no_lower_target_of_a(client, personas, tree, city_plan):
    response = login(client, personas["officer_b"]).get(coverage_url(city_plan), {"unit": tree["B"].pk})
    assertContains(response, "Chỉ tiêu (1 / 1 chưa được cấp dưới cụ thể hóa)")


def test_officer_b_reading_the_city_plan_in_b_does_not_learn_of_the_plans_of_a(client, personas, tree, city_plan):
    response = login(client, personas["officer_b"]).get(coverage_url(city_plan), {"unit": tree["B"].pk})
    assert response.status_code == 200
    assertNotContains(response, "Trường Tiểu học A1")


def test_officer_b_reading_the_city_plan_without_a_unit_sees_nothing_of_a(client, personas, city_plan):
    response = login(client, personas["officer_b"]).get(coverage_url(city_plan))
    assert response.status_code == 200
    assertNotContains(response, "Trường Tiểu học A1")


def test_every_plan_the_dashboard_offers_opens(client, personas, tree, province_plan, periods):
    login(client, personas["officer_a"])
    response = client.get(DASHBOARD, query(tree["A"], province_plan["document"], periods[2]))
    picker = re.search(r'<select id="plan" name="plan">(.*?)</select>', response.content.decode(), re.S).group(1)
    offered = [int(pk) for pk in re.findall(r'<option value="(\d+)"', picker)]
    assert province_plan["document"].pk in offered
    assert {pk: client.get(reverse("reports:plan_coverage", args=[pk])).status_code for pk in offered} == dict.fromkeys(
        offered, 200)
    target_page = client.get(reverse("targets:target_detail", args=[province_plan["rate"].pk]))
    assert target_page.status_code == 200


# --- the public page ------------------------------------------------------------------------------


def test_the_public_page_shows_a_public_plan_without_signing_in(client, tree, plan, periods):
    Document.objects.filter(pk=plan["document"].pk).update(is_public=True)
    response = client.get(reverse("public:plan_public", args=[plan["document"].pk]))
    assertContains(response, f"<h1>{plan['document'].title}</h1>", html=True)
    for key in ("rate", "rooms", "dropouts", "milestone", "index"):
        assertContains(response, plan[key].indicator.name)
    assertContains(response, "66%")
    assertContains(response, '<span class="badge st-on_track">Đúng tiến độ</span>', count=1)
    assertContains(response, '<span class="badge st-met">Đạt</span>', count=2)
    assertContains(response, '<span class="badge st-behind">Chậm</span>', count=1)
    assertContains(response, '<div class="stat">2</div>đạt')


def test_the_public_page_shows_no_notes_and_no_names(client, tree, plan, periods):
    Document.objects.filter(pk=plan["document"].pk).update(is_public=True)
    response = client.get(reverse("public:plan_public", args=[plan["document"].pk]), {"period": periods[2].pk})
    assert response.status_code == 200
    assertNotContains(response, PRIVATE_NOTE)
    assertNotContains(response, "officer_a")
    assertNotContains(response, "Nguyễn Văn")
    assertNotContains(response, "Đăng xuất")


def test_a_plan_not_made_public_is_not_found(client, tree, plan, plan_b, periods):
    response = client.get(reverse("public:plan_public", args=[plan["document"].pk]))
    assert response.status_code == 404


def test_the_public_list_shows_only_public_plans(client, tree, plan, plan_b, periods):
    Document.objects.filter(pk=plan["document"].pk).update(is_public=True)
    response = client.get(reverse("public:plan_public_list"))
    assertContains(response, plan["document"].title)
    assertContains(response, reverse("public:plan_public", args=[plan["document"].pk]))
    assertNotContains(response, plan_b["document"].title)


def test_one_schools_report_of_the_semester_does_not_decide_the_wards_status(tree, periods):
    """The phone audit of 28/11/2026: one school of eight reporting "đạt chuẩn" turned the ward's "3/8 schools at
    national standard" into "100%, Đạt". A roll-up from fewer than half the units of the last complete figure is
    provisional: the ward is judged on that last complete figure, its period named, until half have reported."""
    p1, p2, p3 = periods
    schools = [tree["A-TH1"], tree["A-THCS"]] + [
        make_unit(f"A-S{n}", f"Trường Tiểu học A-S{n}", "school", tree["A"], levels=["th"]) for n in range(2)]
    document = make_document(tree["A"], "15/KH-UBND", "Kế hoạch của phường A")
    standard = make_indicator("truong-dat-chuan", "Tỷ lệ trường đạt chuẩn quốc gia", "rate", "ratio_of_sums", "%")
    target = make_target(document, standard, 1, Decimal(40), category="facilities")
    rate_values(standard, p2, {school: (1 if n == 0 else 0, 1) for n, school in enumerate(schools)})  # 1/4: 25%
    rate_values(standard, p3, {schools[1]: (1, 1)})  # one school this semester, at standard: 100% of 1

    [status] = plan_statuses([target], tree["A"], p3, trend_periods(p3))
    assert (status.figure.value, status.figure_from) == (25, p2) and status.status != "met"
    assert [value for _period, value in status.series][-1] == 100  # the provisional figure stays in the trend

    rate_values(standard, p3, {schools[2]: (0, 1)})  # half of the schools now: the semester's figure, 1/2
    [status] = plan_statuses([target], tree["A"], p3, trend_periods(p3))
    assert (status.figure.value, status.figure_from) == (50, None)


def test_a_target_about_another_school_is_left_out_at_a_school(tree, periods):
    # the documents audit of 28/11/2026: a school's dashboard and report listed the ward's milestones of the other
    # schools ("… — Trường Mầm non B"), each "Chưa có số liệu"
    p3 = periods[2]
    document = make_document(tree["A"], "16/KH-UBND", "Kế hoạch của phường A")
    recognised = make_indicator("dat-chuan-qg", "Trường đạt chuẩn quốc gia", "milestone", "none")
    rooms = make_indicator("phong-hoc", "Số phòng học thông minh", "count", "sum", "phòng")
    a1_target = make_target(document, recognised, 1, None, comparator="achieve", category="facilities")
    a1_target.scope_units.add(tree["A-TH1"])
    a2_target = make_target(document, recognised, 2, None, comparator="achieve", category="facilities")
    a2_target.scope_units.add(tree["A-THCS"])
    everyone = make_target(document, rooms, 3, Decimal(4), category="facilities")
    targets = [a1_target, a2_target, everyone]

    at_school = plan_statuses(targets, tree["A-TH1"], p3, trend_periods(p3))
    assert [s.target for s in at_school] == [a1_target, everyone]
    at_ward = plan_statuses(targets, tree["A"], p3, trend_periods(p3))
    assert [s.target for s in at_ward] == targets  # the issuer judges every named school
