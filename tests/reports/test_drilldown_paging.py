"""The drill-down pages its rows: every unit below is evaluated (for the sort and the columns) in the same
queries, but a page of DRILL_PAGE rows is rendered, so its weight does not grow with the units below."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from pytest_django.asserts import assertContains, assertNotContains

from reports.dashboards import DRILL_PAGE
from reports.models import ReportStatus, SchoolReport
from tests.factories import make_unit
from tests.reports.test_dashboards import DRILLDOWN, build_plan, drill_rows, periods, query, value  # noqa: F401


def add_schools(tree, periods, indicators, n, first=0):  # noqa: F811
    """n more schools in A, each with an approved report and a figure for every indicator."""
    for i in range(first, first + n):
        school = make_unit(f"A-S{i:03}", f"Trường Tiểu học A-S{i:03}", "school", tree["A"], levels=["th"])
        SchoolReport.objects.create(school=school, period=periods[2], status=ReportStatus.APPROVED)
        for indicator in indicators:
            if indicator.kind == "rate":
                value(indicator, school, periods[2], numerator=i % 20, denominator=20)
            else:
                value(indicator, school, periods[2], value=i % 3)


def get(client, tree, document, period, **extra):
    return client.get(DRILLDOWN, query(tree["A"], document, period, **extra))


def test_the_rows_are_paged_after_sorting(client, personas, tree, periods):  # noqa: F811
    document, indicators = build_plan(tree, periods, 3)
    add_schools(tree, periods, indicators, DRILL_PAGE + 3)  # with A's two schools: 55 rows
    client.force_login(personas["leader_a"])
    first = get(client, tree, document, periods[2])
    assert len(drill_rows(first)) == DRILL_PAGE
    assertContains(first, f"Trang 1/2 (1–{DRILL_PAGE} trong {DRILL_PAGE + 5})")
    second = get(client, tree, document, periods[2], page="2")
    assert len(drill_rows(second)) == 5
    # by name: the last page ends with the last name
    assert drill_rows(second)[-1][0] == "Trường Tiểu học và THCS A2"
    # the sort applies to all the rows before paging: A1 and A2 have no figure and come last by a column
    column = next(t for t in document.targets.all() if t.indicator.kind == "rate")
    by_rate = [name for name, _, _ in drill_rows(get(client, tree, document, periods[2], sort=f"t{column.pk}",
                                                    page="2"))]
    assert by_rate[-2:] == ["Trường Tiểu học A1", "Trường Tiểu học và THCS A2"]
    # the page links keep the sort and the criterion
    sorted_first = get(client, tree, document, periods[2], sort="behind").content.decode()
    assert "sort=behind" in sorted_first.split('rel="next"')[0].rsplit("href=", 1)[1]


def test_a_page_out_of_range_shows_the_last(client, personas, tree, periods):  # noqa: F811
    document, indicators = build_plan(tree, periods, 3)
    add_schools(tree, periods, indicators, DRILL_PAGE + 3)
    client.force_login(personas["officer_a"])
    assert drill_rows(get(client, tree, document, periods[2], page="9")) == drill_rows(
        get(client, tree, document, periods[2], page="2"))
    assert len(drill_rows(get(client, tree, document, periods[2], page="x"))) == DRILL_PAGE


def test_a_short_table_has_no_pager(client, personas, tree, periods):  # noqa: F811
    document, indicators = build_plan(tree, periods, 3)
    add_schools(tree, periods, indicators, 3)
    response = get(client.force_login(personas["officer_a"]) or client, tree, document, periods[2])
    assertNotContains(response, 'aria-label="Trang"')


def test_queries_and_weight_are_the_same_for_55_and_85_schools(client, personas, tree, periods):  # noqa: F811
    document, indicators = build_plan(tree, periods, 6)
    client.force_login(personas["officer_a"])
    sizes, counts = [], []
    for first, n in ((0, DRILL_PAGE + 3), (DRILL_PAGE + 3, 30)):
        add_schools(tree, periods, indicators, n, first=first)
        with CaptureQueriesContext(connection) as captured:
            response = get(client, tree, document, periods[2])
        assert len(drill_rows(response)) == DRILL_PAGE
        sizes.append(len(response.content))
        counts.append(len(captured))
    assert counts[0] == counts[1]
    # the same 50 rows of figures; only the pager's numbers ("1/2 … 55" then "1/2 … 85") and the names differ
    assert abs(sizes[1] - sizes[0]) < 200


def test_officer_b_cannot_page_through_the_schools_of_a(client, personas, tree, periods):  # noqa: F811
    document, indicators = build_plan(tree, periods, 3)
    add_schools(tree, periods, indicators, DRILL_PAGE + 3)
    response = get(client.force_login(personas["officer_b"]) or client, tree, document, periods[2], page="2")
    assertContains(response, "<h1>Phường B: các đơn vị cấp dưới</h1>", html=True)
    assertNotContains(response, "Trường Tiểu học A-S")
