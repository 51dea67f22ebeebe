"""The completeness page at any scope: a province's communes (the country's provinces) summarised with
counts and a link down to each, a commune's schools one by one; both paged; queries and page weight
constant whatever the number of units below."""

import re
from datetime import date, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from periods.models import PeriodException
from reports import queries
from reports.models import ReportStatus, SchoolReport
from tests.factories import make_period, make_unit, make_user

COMPLETENESS = reverse("reports:period_completeness")


@pytest.fixture
def period(db):
    """The current semester, its deadline still ahead."""
    today = timezone.localdate()
    return make_period(code="hk-nay", start=today - timedelta(days=60), end=today + timedelta(days=30),
                       deadline=today + timedelta(days=40))


@pytest.fixture
def past_period(db):
    return make_period(code="hk-truoc", kind="semester_2", school_year="2024-2025", start=date(2025, 1, 20),
                       end=date(2025, 5, 31), deadline=date(2025, 6, 10))


def report(school, period, status):
    return SchoolReport.objects.create(school=school, period=period, status=status,
                                       submitted_at=timezone.now() if status != ReportStatus.DRAFT else None)


@pytest.fixture
def states(tree, period):
    """A1 submitted, A2 approved, B1 a draft: A has 2 of 2 in, B 0 of 1."""
    report(tree["A-TH1"], period, ReportStatus.SUBMITTED)
    report(tree["A-THCS"], period, ReportStatus.APPROVED)
    report(tree["B-MN"], period, ReportStatus.DRAFT)


def summary_rows(response):
    """[(unit name, [cells])] of the summary table, in the order shown."""
    table = re.search(r'<table class="data stack" id="completeness-summary">(.*?)</table>',
                      response.content.decode(), re.S)
    assert table, "no summary table"
    rows = []
    for row in re.findall(r'<tr class="child-row">(.*?)</tr>', table.group(1), re.S):
        name = re.sub(r"<[^>]+>", "", re.search(r'<td class="unit-name">(.*?)</td>', row, re.S).group(1)).strip()
        rows.append((name, re.findall(r'<td class="num" data-label="[^"]+">([^<]*)</td>', row)))
    return rows


def school_rows(response):
    return re.findall(r"<tr><td>([^<]+)</td><td><span class=\"badge[^\"]*\">([^<]+)</span>", response.content.decode())


def stat(response, label):
    match = re.search(rf'<div class="stat">([^<]+)</div>{label}</div>', response.content.decode())
    return match.group(1) if match else None


def test_the_province_page_summarises_the_communes_with_their_counts(client, personas, tree, period, states):
    response = client.force_login(personas["reviewer"]) or client.get(COMPLETENESS, {"period": period.pk})
    assertContains(response, "Tình hình nộp báo cáo — Thành phố Hải Phòng")
    # schools, submitted or approved, approved, not in, rate
    assert summary_rows(response) == [("Phường A", ["2", "2", "1", "0", "100%"]),
                                      ("Phường B", ["1", "0", "0", "1", "0%"])]
    assertContains(response, '<div class="stat" id="reporting-rate">66,7%</div>', html=True)
    assert (stat(response, "đã nộp, chờ duyệt"), stat(response, "đã duyệt"), stat(response, "đang soạn")) == (
        "1", "1", "1")
    # no school is listed at the province's level, and no reviewer's action is offered
    assertNotContains(response, "Trường Tiểu học A1")
    assertNotContains(response, "Gửi thư nhắc")


def test_a_commune_links_down_to_its_schools_and_back_up(client, personas, tree, period, states):
    client.force_login(personas["reviewer"])
    province = client.get(COMPLETENESS, {"period": period.pk})
    link = re.search(r'<a href="(\?unit=\d+&amp;period=\d+)">Phường A</a>', province.content.decode()).group(1)
    commune = client.get(COMPLETENESS + link.replace("&amp;", "&"))
    assertContains(commune, "Tình hình nộp báo cáo — Phường A")
    assert school_rows(commune) == [("Trường Tiểu học A1", "Đã nộp, chờ duyệt"),
                                    ("Trường Tiểu học và THCS A2", "Đã duyệt")]
    assertContains(commune, f'<a href="?unit={tree["HP"].pk}&amp;period={period.pk}" id="completeness-up">')


def test_each_school_s_link_names_its_school(client, personas, tree, period, states):
    # a screen reader's list of links (or a phone's cards read one by one) heard "Duyệt, Xem" with no school
    client.force_login(personas["officer_a"])
    page = client.get(COMPLETENESS, {"unit": tree["A"].pk, "period": period.pk}).content.decode()
    names = [re.sub(r"<[^>]+>", "", name) for name in re.findall(r'<a class="tap" href="/bao-cao/truong/[^"]+">(.*?)</a>', page)]
    assert names == ["Duyệt báo cáo của Trường Tiểu học A1", "Xem báo cáo của Trường Tiểu học và THCS A2"]
def test_the_national_page_summarises_the_provinces(client, tree, period, states):
    ministry = make_user("bo_gddt", tree["VN"], "leader")  # a leader at the Ministry reads the whole country
    response = client.force_login(ministry) or client.get(COMPLETENESS, {"period": period.pk})
    assert summary_rows(response) == [("Thành phố Hải Phòng", ["3", "2", "1", "1", "66,7%"])]


def test_after_the_deadline_drafts_and_missing_reports_count_as_late(client, personas, tree, past_period):
    report(tree["B-MN"], past_period, ReportStatus.DRAFT)
    response = client.force_login(personas["reviewer"]) or client.get(COMPLETENESS, {"period": past_period.pk})
    assert stat(response, "trễ hạn") == "3"
    assert stat(response, "chưa bắt đầu") == "0" and stat(response, "đang soạn") == "0"


def test_the_sums_agree_with_the_school_by_school_states(tree, period, past_period, states):
    for chosen in (period, past_period):
        for unit in (tree["HP"], tree["A"], tree["B"], tree["VN"]):
            rows = queries.completeness(unit, chosen)
            totals = queries.state_totals(unit, chosen)
            assert totals.labelled(chosen) == queries.state_counts(rows)
            assert totals.rate == queries.reporting_rate(unit, chosen)
    by_child = queries.state_counts_by_child(tree["HP"], period)
    assert by_child[tree["A"].pk] == queries.state_totals(tree["A"], period)


# --- refusals ------------------------------------------------------------------------------------


def test_officer_b_asking_for_a_gets_b(client, personas, tree, period, states):
    response = client.force_login(personas["officer_b"]) or client.get(COMPLETENESS, {"unit": tree["A"].pk})
    assertContains(response, "Tình hình nộp báo cáo — Phường B")
    assert school_rows(response) == [("Trường Mầm non B1", "Đang soạn")]
    assertNotContains(response, "Trường Tiểu học A1")
    assertNotContains(response, 'id="completeness-up"')  # the city is not in B's scope


def test_the_leader_of_a_asking_for_the_city_gets_a(client, personas, tree, period, states):
    response = client.force_login(personas["leader_a"]) or client.get(COMPLETENESS, {"unit": tree["HP"].pk})
    assertContains(response, "Tình hình nộp báo cáo — Phường A")
    assertNotContains(response, "Phường B")
    assertNotContains(response, "Gửi thư nhắc")  # a leader reads; only the officer reminds


def test_the_page_is_refused_to_a_principal_and_to_nobody(client, personas):
    for persona in ("principal_a", "nobody"):
        client.force_login(personas[persona])
        assert client.get(COMPLETENESS).status_code == 403


def test_its_search_offers_communes_but_no_school(client, personas, tree):
    client.force_login(personas["reviewer"])
    response = client.get(reverse("reports:unit_search"), {"q": "A", "without_schools": "1"})
    assertContains(response, "Phường A")
    assertNotContains(response, "Trường Tiểu học A1")


# --- size: queries and weight constant, rows paged -------------------------------------------------


def add_communes(tree, period, n, first=0, schools=1):
    """n more communes in the city, each with `schools` schools, the first of them with a report."""
    for i in range(first, first + n):
        commune = make_unit(f"X{i}", f"Xã Thử {i:03}", "commune", tree["HP"])
        for j in range(schools):
            school = make_unit(f"X{i}-T{j}", f"Trường Tiểu học X{i}-{j}", "school", commune, levels=["th"])
            if j == 0:
                report(school, period, ReportStatus.APPROVED if i % 2 else ReportStatus.SUBMITTED)


def test_the_province_page_takes_the_same_queries_for_3_and_30_communes(client, personas, tree, period):
    client.force_login(personas["reviewer"])
    counts = []
    for first, n in ((0, 1), (1, 27)):  # A, B and one more; then 27 more
        add_communes(tree, period, n, first)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(COMPLETENESS, {"unit": tree["HP"].pk, "period": period.pk})
        assert len(summary_rows(response)) == 2 + first + n
        counts.append(len(captured))
    # session, the user with its memberships, the unread notifications (top bar), periods, the unit asked for (with
    # its parents), the counts by commune (one grouped query), the communes (7)
    assert counts == [7, 7]


def test_the_province_page_weighs_the_same_for_3_and_30_schools_a_commune(client, personas, tree, period):
    client.force_login(personas["reviewer"])
    add_communes(tree, period, 3, schools=3)
    small = client.get(COMPLETENESS, {"unit": tree["HP"].pk, "period": period.pk}).content
    add_communes(tree, period, 3, first=3, schools=30)
    for i in range(3):  # the first three communes grow to 30 schools too
        for j in range(3, 30):
            make_unit(f"X{i}-T{j}", f"Trường Tiểu học X{i}-{j}", "school", tree["HP"].children.get(code=f"X{i}"),
                      levels=["th"])
    large = client.get(COMPLETENESS, {"unit": tree["HP"].pk, "period": period.pk}).content
    # three more communes are three more rows; the schools below weigh only their counts' digits
    rows = summary_rows(client.get(COMPLETENESS, {"unit": tree["HP"].pk, "period": period.pk}))
    assert [cells[0] for name, cells in rows if name.startswith("Xã")] == ["30"] * 6
    row_size = len(large) / (2 + 6)
    assert len(large) - len(small) < 3 * row_size + 200


def test_the_communes_are_paged_by_fifty(client, personas, tree, period):
    add_communes(tree, period, 58)
    client.force_login(personas["reviewer"])
    first = client.get(COMPLETENESS, {"unit": tree["HP"].pk, "period": period.pk})
    assert len(summary_rows(first)) == queries.COMPLETENESS_PAGE
    assertContains(first, "Trang 1/2 (1–50 trong 60)")
    # the totals are those of the whole province, not of the page: 58 communes reported, A and B did not
    assertContains(first, "(58/61 trường)")
    second = client.get(COMPLETENESS, {"unit": tree["HP"].pk, "period": period.pk, "page": "2"})
    names = [name for name, _ in summary_rows(second)]
    assert len(names) == 10 and names[-1] == "Xã Thử 057"
    assertContains(second, 'rel="prev"')
    # a page out of range or malformed shows the nearest page rather than failing
    assert summary_rows(client.get(COMPLETENESS, {"unit": tree["HP"].pk, "period": period.pk, "page": "99"})) == \
        summary_rows(second)
    assert len(summary_rows(client.get(COMPLETENESS, {"unit": tree["HP"].pk, "page": "abc"}))) == 50


@pytest.mark.parametrize("n_schools", [3, 60])
def test_the_commune_page_pages_its_schools_in_constant_queries(
    client, personas, tree, period, n_schools, django_assert_max_num_queries
):
    for i in range(n_schools - 2):
        school = make_unit(f"A-T{i:03}", f"Trường Tiểu học A-T{i:03}", "school", tree["A"], levels=["th"])
        if i % 3 == 0:
            report(school, period, ReportStatus.SUBMITTED)
        if i % 5 == 0:
            PeriodException.objects.create(period=period, unit=school, open_until=period.end, reason="Gia hạn")
    client.force_login(personas["officer_a"])
    # session, the user with its memberships, periods, the totals (one aggregate), the page of schools with their
    # report's state and exception (6)
    with django_assert_max_num_queries(6):
        response = client.get(COMPLETENESS, {"period": period.pk})
    assert len(school_rows(response)) == min(n_schools, queries.COMPLETENESS_PAGE)
    assertContains(response, f"/{n_schools} trường)")
    assertContains(response, f"đến {period.end:%d/%m/%Y}")
    if n_schools > queries.COMPLETENESS_PAGE:
        last = client.get(COMPLETENESS, {"period": period.pk, "page": "2"})
        assert len(school_rows(last)) == n_schools - queries.COMPLETENESS_PAGE


def test_the_submission_time_is_shown_in_local_time(client, personas, tree, period):
    at = timezone.make_aware(datetime(2025, 10, 3, 8, 5))
    SchoolReport.objects.create(school=tree["A-TH1"], period=period, status=ReportStatus.SUBMITTED, submitted_at=at)
    response = client.force_login(personas["officer_a"]) or client.get(COMPLETENESS, {"period": period.pk})
    assertContains(response, f"{timezone.localtime(at):%H:%M %d/%m/%Y}")


# ---- a period counts the schools open in it, not today's list ----


def test_a_past_period_counts_the_schools_open_in_it_not_today_s(client, personas, tree, past_period):
    """A school opened after a semester is not late for it; one closed since keeps its report in it."""
    report(tree["A-TH1"], past_period, ReportStatus.APPROVED)
    report(tree["A-THCS"], past_period, ReportStatus.APPROVED)
    new = make_unit("A-MN-MOI", "Trường Mầm non A mới", "school", tree["A"], levels=["mn"],
                    valid_from=date(2026, 9, 1))
    tree["A-THCS"].valid_to = date(2026, 6, 30)  # closed since: it reported in the semester
    tree["A-THCS"].save(update_fields=["valid_to"])
    rows = queries.completeness(tree["A"], past_period)
    assert [row.school for row in rows] == [tree["A-TH1"], tree["A-THCS"]]
    assert queries.reporting_rate(tree["A"], past_period).percent == 100
    assert queries.state_totals(tree["A"], past_period).schools == 2
    client.force_login(personas["officer_a"])
    page = client.get(COMPLETENESS, {"unit": tree["A"].pk, "period": past_period.pk}).content.decode()
    assert new.name not in page and "Trễ hạn" not in page

    # its principal is offered the semesters from its opening on, and none before
    principal = make_user("ht.mnmoi", new, "school_staff")
    client.force_login(principal)
    current = make_period(code="hk-moi", school_year="2026-2027", start=date(2026, 9, 5), end=date(2027, 1, 15),
                          deadline=date(2027, 1, 25))
    listing = client.get(reverse("reports:school_report_list")).content.decode()
    assert current.name in listing and past_period.name not in listing
    detail = reverse("reports:school_report_detail", args=[new.pk, past_period.pk])
    assert client.get(detail).status_code == 404
    assert client.post(detail, {"version": 0}).status_code == 404
    assert not SchoolReport.objects.filter(school=new).exists()


def test_the_communes_are_listed_in_vietnamese_order(client, personas, tree, period, states):
    # code points put "Phường Hòa Bình" (ò, U+00F2) before "Phường Hải An" (ả, U+1EA3) and "Phường Đông Hải" after Z
    for code, name in (("HB", "Phường Hòa Bình"), ("HA", "Phường Hải An"), ("DH", "Phường Đông Hải"),
                       ("DL", "Phường Dư Hàng")):
        make_unit(code, name, "commune", tree["HP"])
    response = client.force_login(personas["reviewer"]) or client.get(COMPLETENESS, {"period": period.pk})
    assert [name for name, _counts in summary_rows(response)] == [
        "Phường A", "Phường B", "Phường Dư Hàng", "Phường Đông Hải", "Phường Hải An", "Phường Hòa Bình"]


def test_a_school_merged_during_the_semester_is_not_expected_to_report_for_it(client, personas, tree, period,
                                                                              past_period):
    """Merged into A1 a month ago, A2's pupils are now A1's: A1 reports for the semester, A2 is neither late nor
    reminded nor counted in the rate (7 of 8 instead of 7 of 7); a semester before the merge still counts it, and
    a report A2 had already sent for the semester stays counted."""
    from units.maintenance import merge_schools
    from units.models import Role

    report(tree["A-TH1"], past_period, ReportStatus.APPROVED)
    report(tree["A-THCS"], past_period, ReportStatus.APPROVED)
    report(tree["A-TH1"], period, ReportStatus.SUBMITTED)
    admin = make_user("quantri.sgd", tree["SGDDT"], Role.UNIT_ADMIN)
    merge_schools(predecessors=[tree["A-THCS"]], successor=tree["A-TH1"], legal_basis="QĐ 1", by=admin,
                  effective_on=timezone.localdate() - timedelta(days=30))
    assert [row.school for row in queries.completeness(tree["A"], period)] == [tree["A-TH1"]]
    assert queries.reporting_rate(tree["A"], period).percent == 100
    assert queries.state_totals(tree["A"], period).schools == 1
    assert queries.state_counts_by_child(tree["HP"], period)[tree["A"].pk].schools == 1
    assert [row.school for row in queries.completeness(tree["A"], past_period)] == [tree["A-TH1"], tree["A-THCS"]]
    client.force_login(personas["officer_a"])
    page = client.get(COMPLETENESS, {"unit": tree["A"].pk, "period": period.pk}).content.decode()
    assert tree["A-THCS"].name not in page.split('id="completeness"')[-1]

    draft = report(tree["A-THCS"], period, ReportStatus.DRAFT)  # opened, never sent: not in, still not expected
    assert [row.school for row in queries.completeness(tree["A"], period)] == [tree["A-TH1"]]
    assert queries.reporting_rate(tree["A"], period).percent == 100
    draft.delete()
    report(tree["A-THCS"], period, ReportStatus.APPROVED)  # sent before the merge: its figures count, so it is listed
    assert [row.school for row in queries.completeness(tree["A"], period)] == [tree["A-TH1"], tree["A-THCS"]]
