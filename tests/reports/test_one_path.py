"""One path for every figure (issue 9): for every unit, plan and period of the demo data and of a small
synthetic province, the dashboard, the drill-down row of the unit's parent, the target list, the Excel
workbook and the PDF give each target the same figure and the same status.

The paths are compared on what each one hands to its template or writer: the dashboard's statuses,
the drill-down's cells, the target list's rows (through the view), the report content the builders
read, the cell the workbook writes and the text the PDF prints; two spot checks read rendered pages.
"""

import re
from unittest.mock import patch

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse

from demo.synthetic import CODE_PREFIX, PROVINCE_CODE
from periods.models import Period
from reports import dashboards
from reports.content import build_report_content
from reports.pdf import _row as pdf_row
from reports.report_xlsx import result_number
from targets import views as target_views
from targets.fields import format_result
from targets.models import ProgressValue, Target
from targets.queries import plan_statuses, repeat_key
from targets.selection import plans_for
from targets.status import Status
from tests.datasets import demo_and_small_province
from tests.factories import make_user
from units.models import Unit, UnitKind

DASHBOARD_KINDS = [UnitKind.CENTRAL, UnitKind.PROVINCE, UnitKind.COMMUNE, UnitKind.SCHOOL]


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """The demo data and a small synthetic province, seeded once for the module, then emptied again."""
    with demo_and_small_province(django_db_blocker):
        yield


def cases():
    """(unit, plans, periods) of each data set: every unit with a dashboard and every plan that applies to
    it, with the demo's periods, and the synthetic province's units, plans and periods."""
    synthetic = Unit.objects.get(code=PROVINCE_CODE)
    demo_periods = list(Period.objects.exclude(code__startswith=CODE_PREFIX).order_by("start", "kind"))
    synthetic_periods = list(Period.objects.filter(code__startswith=CODE_PREFIX).order_by("start"))
    for unit in Unit.objects.current().filter(kind__in=DASHBOARD_KINDS).order_by("path"):
        if not unit.path.startswith(synthetic.path):
            yield unit, plans_for(unit), demo_periods
        else:
            yield unit, [p for p in plans_for(unit) if p.issuer.path.startswith(synthetic.path)], synthetic_periods


def figure(value):
    return None if value is None else float(value)


def dashboard_figures(unit, plan, period):
    """[(target, value, status)] in the order of the report's table: the dashboard's groups, a target the plan
    states twice once (the report shows it once, naming both sections: targets.queries.fold_repeats)."""
    page = dashboards.unit_dashboard(unit, plan, period)
    seen, figures = set(), []
    for group in page["groups"]:
        for item in group.items:
            if repeat_key(item.target) not in seen:
                seen.add(repeat_key(item.target))
                figures.append((item.target, item.value, str(item.status)))
    return figures


def drill_figures(parent, plan, period):
    """{(unit id, target id): (value, status)} of every criterion of the parent's drill-down; a cell
    without a figure shows "—" and counts as no data."""
    cells = {}
    first = dashboards.drilldown(parent, plan, period)
    for category, _label in first["categories"]:
        table = first if category == first["category"] else dashboards.drilldown(parent, plan, period, category=category)
        for row in table["children"]:
            for cell in row.cells:
                status = cell.evaluation.status if cell.evaluation else Status.NO_DATA
                cells[(row.unit.pk, cell.target.pk)] = (cell.status.value, str(status))
    return cells


def list_figures(user, unit, period):
    """{target id: (value, status)} of the rows the target list view hands to its template (all the
    unit's plans); the template itself is not rendered, to keep the test fast."""
    request = RequestFactory().get(reverse("targets:target_list"), {"unit": unit.pk, "period": period.pk})
    request.user = user
    with patch.object(target_views, "render", lambda _request, _template, context: context):
        context = target_views.target_list(request)
    return {row.target.pk: (row.value, str(row.status)) for row in context["rows"]}


def check_report(content, expected, where):
    """The builders' rows, the workbook's cell and the PDF's text against the dashboard's figures."""
    rows = content.rows
    assert [row.indicator for row in rows] == [line_name(target) for target, _, _ in expected], where
    for row, (target, value, status) in zip(rows, expected, strict=True):
        at = f"{where} {target.pk} {target.indicator.name}"
        assert (row.result, row.status) == (figure(value), status), at
        cell, _format = result_number(row.result, row.kind)
        if value is None:
            assert cell is None, at
        elif target.indicator.is_rate:
            assert cell == pytest.approx(float(value) / 100), at
        else:
            assert cell == pytest.approx(float(value)), at
        assert pdf_row(row)["result"] == format_result(value, target.indicator.kind, target.indicator.unit_label), at


def test_every_path_gives_each_target_the_same_figure_and_status(seeded, db):
    admin = make_user("quantri-kiem-tra", is_superuser=True, is_staff=True)
    compared = {"dashboard": 0, "drill-down": 0, "list": 0, "report": 0}
    lists, drills, offered = {}, {}, {}  # the target lists, drill-downs and plans they offer, read once
    for unit, plans, periods in cases():
        for period in periods:
            for plan in plans:
                where = f"{unit.code} {plan.short_label} {period.code}"
                expected = dashboard_figures(unit, plan, period)
                compared["dashboard"] += len(expected)
                if unit.parent_id not in offered:
                    offered[unit.parent_id] = plans_for(unit.parent) if unit.parent_id else []
                # the drill-down row of the unit, for a plan its parent's drill-down offers
                if unit.kind in (UnitKind.COMMUNE, UnitKind.SCHOOL) and plan in offered[unit.parent_id]:
                    key = (unit.parent_id, plan.pk, period.pk)
                    if key not in drills:
                        drills[key] = drill_figures(unit.parent, plan, period)
                    for target, value, status in expected:
                        cell = drills[key].get((unit.pk, target.pk))
                        if cell is not None:  # a column per indicator the units below report
                            assert cell == (value, status), f"drill-down {where} {target.indicator.name}"
                            compared["drill-down"] += 1
                if plan.issuer_id == unit.pk:
                    if (unit.pk, period.pk) not in lists:
                        lists[(unit.pk, period.pk)] = list_figures(admin, unit, period)
                    for target, value, status in expected:
                        assert lists[(unit.pk, period.pk)][target.pk] == (value, status), f"list {where} {target}"
                        compared["list"] += 1
                check_report(build_report_content(unit=unit, document=plan, period=period), expected, where)
                compared["report"] += len(expected)
    # every path was compared on many targets, not vacuously
    assert compared["dashboard"] > 1000 and compared["list"] > 100
    assert compared["drill-down"] > 200 and compared["report"] == compared["dashboard"]


def test_a_target_for_every_unit_is_judged_on_the_lowest_school_everywhere(seeded, db):
    """Kinh Môn's "every school has a smart classroom": the list, the dashboard and the report all judge
    the lowest school (domain.md: such targets are floors); the list used to show the ward's total."""
    target = Target.objects.select_related("indicator", "document").get(
        each_unit=True, document__issuer__code="KM", indicator__name="Số phòng học thông minh")
    ward, period = target.document.issuer, Period.objects.get(code="2025-2026-hk1")
    schools = ProgressValue.objects.filter(indicator=target.indicator, period=period, unit__parent=ward,
                                           target__isnull=True).values_list("value", flat=True)
    [status] = plan_statuses([target], ward, period)
    assert status.value == min(schools) < sum(schools)
    assert status.figure.lowest and status.rolled.value == min(schools)
    assert status.rolled.reporting_units == len(schools) > 1
    [row] = [row for row in build_report_content(unit=ward, document=target.document, period=period).rows
             if row.indicator == target.indicator.name and row.each_unit]
    assert row.result == float(min(schools))


def test_the_rendered_pages_write_the_same_figure_and_status(seeded, db):
    """Spot checks of the text users read: Dương Kinh's dashboard of the plan the city's drill-down offers
    (Resolution 71), and Dương Kinh's row in that drill-down."""
    admin = make_user("quantri-xem", is_superuser=True, is_staff=True)
    client = Client()
    client.force_login(admin)
    ward, city = Unit.objects.get(code="DK"), Unit.objects.get(code="HP")
    period = Period.objects.get(code="2025-2026-hk2")
    plan = plans_for(city)[0]
    expected = {target.pk: (value, status) for target, value, status in dashboard_figures(ward, plan, period)}
    page = client.get(reverse("reports:dashboard_unit"), {"unit": ward.pk, "plan": plan.pk, "period": period.pk})
    html = page.content.decode()
    for target in Target.objects.filter(pk__in=expected).select_related("indicator"):
        value, status = expected[target.pk]
        row = re.search(rf'<tr id="status-{target.pk}">(.*?)</tr>', html, re.S).group(1)
        assert format_result(value, target.indicator.kind, target.indicator.unit_label) in row
        assert f'<span class="badge st-{status}">{Status(status).label}</span>' in row
    drill = client.get(reverse("reports:dashboard_drilldown"), {"unit": city.pk, "plan": plan.pk, "period": period.pk})
    row = re.search(r'<tr><th scope="row"><a [^>]*>Phường Dương Kinh</a></th>(.*?)</tr>', drill.content.decode(), re.S)
    cells = re.findall(r'<td class="num"[^>]*>(.*?)</td>', row.group(1), re.S)[1:]
    columns = drill.context["columns"]
    assert len(cells) == len(columns) > 0
    shown = 0
    for target, cell in zip(columns, cells, strict=True):
        value, status = expected[target.pk]
        if value is not None:
            assert format_result(value, target.indicator.kind, target.indicator.unit_label) in cell
            assert f"st-{status}" in cell
            shown += 1
    assert shown > 0


def test_the_city_drilldown_follows_a_ward_into_the_wards_it_was_merged_from(seeded, db):
    """Dương Kinh's 2024-2025 ward figures stand under the wards it was merged from: its row in the city's
    drill-down starts each path there, as its own dashboard does (the drill-down used to ignore them)."""
    ward, city = Unit.objects.get(code="DK"), Unit.objects.get(code="HP")
    period = Period.objects.get(code="2025-2026-hk1")
    plan = next(p for p in plans_for(ward) if p.issuer_id == ward.pk)
    former = ProgressValue.objects.filter(unit__code__in=["P-HAITHANH", "P-TANTHANH", "P-HOANGHIA"],
                                          period__code="2024-2025-nh")
    target = (Target.objects.filter(document=plan, indicator__in=former.values("indicator")).targets()
              .select_related("indicator", "document").order_by("order").first())
    [status] = plan_statuses([target], ward, period)
    earliest, first = next((p, value) for p, value in status.series if value is not None)
    assert earliest.code == "2024-2025-nh"  # recorded under the former wards only
    assert not ProgressValue.objects.filter(unit=ward, period=earliest, indicator=target.indicator).exists()
    table = dashboards.drilldown(city, plan, period, category=target.category)
    [row] = [row for row in table["children"] if row.unit == ward]
    [cell] = [cell for cell in row.cells if cell.target.indicator_id == target.indicator_id]
    assert cell.status.series == status.series and (cell.status.value, cell.status.status) == (
        status.value, status.status)
    assert first is not None and status.evaluation.expected is not None  # a path from that first figure


def line_name(target):
    """A target's line in a report: a "trong đó" part names its whole."""
    if target.part_of_id is None:
        return target.display_name
    return f"{target.display_name} (trong đó, thuộc {target.part_of.indicator.name})"
