"""The table cells written by template tags (targets.templatetags.numbers, reports.templatetags.report_tables):
the same text the included templates wrote, every piece of text escaped."""

from decimal import Decimal
from types import SimpleNamespace

from django.template import Context, Template

from reports.dashboards import DrillCell
from targets.models import IndicatorKind


def render(source, **context):
    return Template("{% load numbers report_tables %}" + source).render(Context(context))


def target(kind=IndicatorKind.COUNT, unit_label="phòng <học>", horizons=(), each_unit=False):
    indicator = SimpleNamespace(kind=kind, unit_label=unit_label)
    return SimpleNamespace(indicator=indicator, unit_symbol=unit_label, each_unit=each_unit, column_label="Số <phòng>",
                           rows_of={"horizons": list(horizons)}.__getitem__)


def test_an_evaluation_cell_writes_the_figure_or_a_muted_dash():
    count = target()
    assert render("{% evaluation_value e t %}", e=SimpleNamespace(value=Decimal(3)), t=count) == "3 phòng &lt;học&gt;"
    assert render("{% evaluation_value e t %}", e=SimpleNamespace(value=None), t=count) == '<span class="muted">—</span>'
    assert render("{% evaluation_value e t %}", e=None, t=count) == '<span class="muted">—</span>'


def test_a_value_cell_shows_a_rate_with_the_counts_it_comes_from():
    rate = target(IndicatorKind.RATE, "%")
    value = SimpleNamespace(effective_value=Decimal("57.5"), numerator=Decimal(23), denominator=Decimal(40))
    assert render("{% value_display v t %}", v=value, t=rate) == '57,5%<div class="muted">23/40</div>'
    assert render("{% value_display v t %}", v=None, t=rate) == '<span class="muted">—</span>'


def test_a_goal_cell_writes_each_horizon_and_escapes_what_the_plan_says():
    horizon = SimpleNamespace(goal_display=lambda: "≥ 3 <b>phòng</b>", deadline_display=lambda: "đến năm 2030",
                              floor_value=Decimal(1))
    html = render("{% target_goal t %}", t=target(horizons=[horizon], each_unit=True))
    # the floor's unit after a space, as the goal's ("1phòng" until 28/11/2026; a percent stays "60%")
    assert html == ("<div>≥ 3 &lt;b&gt;phòng&lt;/b&gt; · đến năm 2030 · không đơn vị nào dưới 1 phòng &lt;học&gt;</div>"
                    '<div class="muted">áp dụng cho từng đơn vị</div>')


def test_a_drill_down_cell_names_its_column_and_shows_the_status():
    count = target()
    evaluation = SimpleNamespace(status="behind", label="Chậm tiến độ")
    cell = DrillCell(count, SimpleNamespace(value=Decimal(2), evaluation=evaluation, figure_from=None, figure=None))
    assert render("{% drill_cell c %}", c=cell) == ('<td class="num" data-label="Số &lt;phòng&gt;">2 phòng &lt;học&gt;<br>'
                                                    '<span class="badge st-behind">Chậm tiến độ</span></td>')
    # judged on an earlier period's figure (nothing yet for this one): the cell says which
    older = DrillCell(count, SimpleNamespace(value=Decimal(2), evaluation=evaluation,
                                             figure_from=SimpleNamespace(short_name="HK II 2025-2026"),
                                             figure=SimpleNamespace(entered=False, reporting_units=3)))
    assert render("{% drill_cell c %}", c=older).endswith(
        '<span class="badge st-behind">Chậm tiến độ</span><div class="muted figure-from">số liệu HK II 2025-2026</div>'
        '<div class="muted figure-basis">từ 3 đơn vị báo cáo</div></td>')
    empty = DrillCell(count, SimpleNamespace(value=None, evaluation=evaluation, figure_from=None, figure=None))
    assert render("{% drill_cell c %}", c=empty) == ('<td class="num" data-label="Số &lt;phòng&gt;">'
                                                     '<span class="muted">—</span></td>')
