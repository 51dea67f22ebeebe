"""The target list's and the dashboard's rows are written in Python (targets.templatetags.target_rows,
reports.templatetags.report_tables.dashboard_rows) for speed (issue 13). The templates that wrote them before are
kept in tests/*/reference_templates/: for every unit, plan and period of the demo data and of a small synthetic
province, with every switch of the list (can edit, working data, just saved) and every status filter of the
dashboard, both give the same HTML. A row with hostile text checks the escaping."""

from datetime import datetime
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.contrib.auth import get_user_model
from django.template import Context, Template
from django.template.loader import get_template
from django.utils import timezone

from periods.models import Period
from reports import dashboards
from targets.models import ProgressStatus, ProgressValue, Target
from targets.queries import plan_statuses
from targets.selection import plans_for
from targets.status import STATUS_ORDER
from tests.datasets import demo_and_small_province
from units.models import Unit

HERE = Path(__file__).resolve().parent
LIST_REFERENCE = Template((HERE / "reference_templates" / "target_list_row.html").read_text(encoding="utf-8"))
DASHBOARD_REFERENCE = Template((HERE.parent / "reports" / "reference_templates" / "dashboard_rows.html")
                               .read_text(encoding="utf-8"))
User = get_user_model()


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    with demo_and_small_province(django_db_blocker, then=enter_some_values):
        yield


def enter_some_values():
    """Values entered for the targets themselves (neither data set has any): every third target of each plan, at its
    issuer, for the latest period holding values, in every shape (counts of a rate, a figure, yes/no, none) with
    every progress status and notes short, long and with markup."""
    period = Period.objects.filter(values__isnull=False).distinct().order_by("-end").first()
    user = User.objects.create(username="nhap.lieu", first_name="Văn <A>", last_name="Nguyễn")
    shapes = [{"numerator": Decimal(23), "denominator": Decimal(40)}, {"value": Decimal("2.5")}, {"achieved": True},
              {"achieved": False}, {}]
    notes = ["", "Đã họp <b>triển khai</b> & giao chỉ tiêu", "Ghi chú dài " * 12]
    targets = Target.objects.targets().select_related("document").order_by("pk")[::3]
    ProgressValue.objects.bulk_create(
        ProgressValue(indicator_id=target.indicator_id, target=target, unit_id=target.document.issuer_id, period=period,
                      entered_by=None if index % 7 == 0 else user, status=(["", *ProgressStatus.values])[index % 5],
                      note=notes[index % 3], **shapes[index % len(shapes)])
        for index, target in enumerate(targets))


def python_list(rows, period, **switches):
    """The rows as the list, the detail page and the htmx row write them: the template they include."""
    return get_template("targets/target_list_row.html").render({"rows": rows, "period": period, **switches})


def python_dashboard(items, period, status_filter):
    return Template("{% load report_tables %}{% dashboard_rows items period status_filter %}").render(
        Context({"items": items, "period": period, "status_filter": status_filter}))


def cases():
    """(unit, plan, period) for every unit with plans and each of the periods that holds a value."""
    with_values = list(Period.objects.filter(values__isnull=False).distinct().order_by("-end", "kind")[:2])
    for unit in Unit.objects.current().filter(kind__in=dashboards.DASHBOARD_KINDS).order_by("path"):
        for plan in plans_for(unit):
            for period in with_values:
                yield unit, plan, period


def test_the_target_list_rows_are_the_same_html_as_the_template(seeded, db):
    compared = entered = older = 0
    for unit, plan, period in cases():
        targets = (Target.objects.filter(document=plan).targets()
                   .select_related("indicator", "document", "part_of__indicator"))
        rows = plan_statuses(targets, unit, period)
        entered += sum(1 for row in rows if row.entry is not None)
        older += sum(1 for row in rows if row.figure_from is not None)
        for switches in ({"can_edit": True, "working": True, "saved": False}, {"can_edit": False, "working": False},
                         {"can_edit": True, "working": True, "saved": True}):
            expected = LIST_REFERENCE.render(Context({"rows": rows, "period": period, **switches}))
            assert python_list(rows, period, **switches) == expected, (unit.code, plan.pk, period.code, switches)
            compared += len(rows)
    # the data hold rows of every kind, entered and not, judged on the period's figure and on an earlier one's
    assert compared > 1000 and entered > 20 and older > 20


def test_the_dashboard_rows_are_the_same_html_as_the_template(seeded, db):
    compared, folded = 0, 0
    for unit, plan, period in cases():
        page = dashboards.unit_dashboard(unit, plan, period)
        for group in page["groups"]:
            folded += sum(1 for item in group.items if len(item.sections) > 1)
            for status_filter in ["", *STATUS_ORDER]:
                context = {"items": group.items, "period": period, "status_filter": status_filter}
                expected = DASHBOARD_REFERENCE.render(Context(context))
                assert python_dashboard(group.items, period, status_filter) == expected, (unit.code, plan.pk)
            compared += len(group.items)
    assert compared > 500 and folded > 0


def hostile_row():
    """A row whose every text holds markup: the names, the note, the person, the sections."""
    indicator = SimpleNamespace(name="Tỷ lệ <b>trẻ</b>", kind="rate", unit_label="%", collected_from_schools=True,
                                is_rate=True)
    horizon = SimpleNamespace(goal_display=lambda: "≥ 35% <i>", deadline_display=lambda: "năm 2030 & sau",
                              floor_value=None)
    target = SimpleNamespace(
        pk=7, order=1200, display_name="Tỷ lệ <b>trẻ</b> — Trường \"A\"", indicator=indicator,
        part_of=SimpleNamespace(indicator=SimpleNamespace(name="Trẻ <em>em</em>")),
        document=SimpleNamespace(short_label="Kế hoạch 12/KH-UBND <x>"), get_category_display=lambda: "Tiêu chí & 1",
        horizons=SimpleNamespace(all=lambda: [horizon]), rows_of={"horizons": [horizon]}.__getitem__, each_unit=False,
        unit_symbol="%", baseline_year=2025)
    user = SimpleNamespace(get_full_name=lambda: "Nguyễn <Văn> A", username="a")
    entry = SimpleNamespace(effective_value=Decimal("57.5"), numerator=Decimal(23), denominator=Decimal(40),
                            entered_by=user, entered_at=timezone.make_aware(datetime(2026, 1, 5, 9, 30)),
                            status="in_progress", get_status_display=lambda: "Đang <thực hiện>",
                            note="Ghi chú <script>alert(1)</script> " * 5, achieved=None)
    rolled = SimpleNamespace(value=Decimal("41.25"), numerator=Decimal(165), denominator=Decimal(400),
                             reporting_units=1500, lowest=False, highest=False)
    evaluation = SimpleNamespace(status="behind", value=Decimal("57.5"), expected=Decimal("61.04"),
                                 label="Chậm <tiến độ>")
    return SimpleNamespace(target=target, entry=entry, rolled=rolled, evaluation=evaluation, status="behind",
                           horizon=horizon, sections=["I.1 <a>", "II.3 & b"], baseline=Decimal("30"),
                           unreported=2, expected_units=9, unreported_note="2/9 trường chưa báo cáo",
                           figure_from=SimpleNamespace(short_name="HK <II> 2025-2026"),
                           figure=SimpleNamespace(entered=False, reporting_units=1500))


def test_hostile_text_is_escaped_the_same_way(db):
    row, period = hostile_row(), SimpleNamespace(pk=3)
    for switches in ({"can_edit": True, "working": True, "saved": True}, {"can_edit": False, "working": False}):
        html = python_list([row], period, **switches)
        assert html == LIST_REFERENCE.render(Context({"rows": [row], "period": period, **switches}))
        assert "<b>" not in html and "<script>" not in html
        assert ("&lt;script&gt;" in html) == switches["working"]  # the note is shown with the working data only
    html = python_dashboard([row], period, "")
    assert html == DASHBOARD_REFERENCE.render(Context({"items": [row], "period": period, "status_filter": ""}))
    assert "&lt;b&gt;trẻ&lt;/b&gt;" in html and "I.1 &lt;a&gt;; II.3 &amp; b" in html and "<b>" not in html
    assert "số liệu HK &lt;II&gt; 2025-2026" in html  # the period of an earlier figure, escaped too
    assert "từ 1.500 đơn vị báo cáo" in html  # how many units a rolled-up figure comes from
    assert python_dashboard([row], period, "met") == ""


def test_a_url_reversed_once_is_the_url_reversed_for_each_row():
    from django.urls import reverse, set_script_prefix

    from targets.templatetags.target_rows import MARK, reversed_once

    for prefix in ["/", "/cong-thong-tin/"]:
        set_script_prefix(prefix)
        try:
            detail, edit = reversed_once("targets:target_detail"), reversed_once("targets:value_edit", 2)
            for pk, period in [(1, 2), (12, 1), (MARK - 1, 7), (2, 900), (MARK + 1, 5), (MARK, MARK + 1)]:
                assert detail(pk) == reverse("targets:target_detail", args=[pk])
                assert edit(pk, period) == reverse("targets:value_edit", args=[pk, period])
        finally:
            set_script_prefix("/")


DRILL_REFERENCE = Template((HERE.parent / "reports" / "reference_templates" / "drill_rows.html").read_text(encoding="utf-8"))


def test_the_drill_down_rows_are_the_same_html_as_the_template(seeded, db):
    compared = 0
    for unit, plan, period in cases():
        if not unit.children.exists():
            continue
        first = dashboards.drilldown(unit, plan, period)
        for category, _label in first["categories"] or [(None, None)]:
            page = first if category == first["category"] else dashboards.drilldown(unit, plan, period, category=category)
            context = {"children": page["children"], "document": plan, "period": period}
            expected = DRILL_REFERENCE.render(Context(context))
            html = Template("{% load report_tables %}{% drill_rows children document period %}").render(Context(context))
            assert html == expected, (unit.code, plan.pk, category)
            compared += sum(len(row.cells) for row in page["children"])
    assert compared > 200
    empty = {"children": [], "document": SimpleNamespace(pk=1), "period": SimpleNamespace(pk=2)}
    assert (Template("{% load report_tables %}{% drill_rows children document period %}").render(Context(empty))
            == DRILL_REFERENCE.render(Context(empty)))


def test_a_drill_down_row_escapes_the_unit_and_column_names(db):
    from reports.dashboards import DrillCell, DrillRow

    row = hostile_row()
    row.target.column_label = "Tỷ lệ <b>trẻ</b>"
    unit = SimpleNamespace(pk=5, short_name="", name="Xã <i>Hòa</i> & Bình")
    cells = [DrillCell(row.target, SimpleNamespace(value=Decimal("41.25"), evaluation=row.evaluation,
                                                   figure_from=row.figure_from, figure=row.figure)),
             DrillCell(row.target, SimpleNamespace(value=Decimal("12.5"), evaluation=row.evaluation, figure_from=None,
                                                   figure=SimpleNamespace(entered=True, reporting_units=0))),
             DrillCell(row.target, SimpleNamespace(value=None, evaluation=row.evaluation, figure_from=None, figure=None))]
    context = {"children": [DrillRow(unit, cells, 1)], "document": SimpleNamespace(pk=1), "period": SimpleNamespace(pk=2)}
    html = Template("{% load report_tables %}{% drill_rows children document period %}").render(Context(context))
    assert html == DRILL_REFERENCE.render(Context(context))
    assert "Xã &lt;i&gt;Hòa&lt;/i&gt; &amp; Bình" in html and "<b>" not in html and "<i>" not in html
    assert html.count("số liệu HK &lt;II&gt; 2025-2026") == 1  # only the cell judged on an earlier figure
    assert html.count("đơn vị báo cáo") == 1  # only the rolled-up figure says how many units reported it
