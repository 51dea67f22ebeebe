"""Tables of a plan that the reports print and the plan's page shows the same way."""

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from reports.content import projection_cells, projection_scale_lines, projection_table
from targets.templatetags.numbers import MUTED_DASH, evaluation_value, num, pct, result
from targets.templatetags.target_rows import as_text, reversed_once

register = template.Library()


@register.filter
def plan_projections(targets):
    """The plan's projection figures as the plan prints them (school years as columns), from its targets
    with indicator and horizons loaded: {"cells": [header, *rows], "scale": [lines]}, or None."""
    table = projection_table([target for target in targets if target.is_projection])
    if not table:
        return None
    return {"cells": projection_cells(table), "scale": projection_scale_lines(table)}


@register.simple_tag
def drill_cell(cell):
    """A drill-down cell (reports.dashboards.DrillCell): the unit's figure for the column's target and its
    status, or a muted dash; written here rather than in the template, as the table has a cell per commune and
    target (a province's page: 50 communes × a criterion's targets)."""
    evaluation = cell.evaluation
    if evaluation is None:
        return format_html('<td class="num" data-label="{}"><span class="muted">—</span></td>', cell.target.column_label)
    return format_html('<td class="num" data-label="{}">{}<br><span class="badge st-{}">{}</span></td>',
                       cell.target.column_label, result(cell.status.value, cell.target), evaluation.status,
                       evaluation.label)


@register.simple_tag
def dashboard_rows(items, period, status_filter=""):
    """A dashboard group's rows (targets.queries.TargetStatus, folded: `sections`), those of `status_filter`
    only when one is chosen: the target, its goal, the figure, what it should be by now, the evaluation and the
    canvas of its trend. Written here rather than in the template: the page has a row per target of the plan."""
    detail = reversed_once("targets:target_detail")
    return mark_safe("".join(_dashboard_row(item, period, detail) for item in items
                             if not status_filter or item.status == status_filter))


def _dashboard_row(item, period, detail):
    target, evaluation, horizon = item.target, item.evaluation, item.horizon
    sections = (f'<div class="muted">Kế hoạch nêu tại các mục: {"; ".join(as_text(s) for s in item.sections)}</div>'
                if len(item.sections) > 1 else "")
    part_of = (f'<div class="muted">trong đó, thuộc {as_text(target.part_of.indicator.name)}</div>'
               if target.part_of else "")
    goal = f"{as_text(horizon.goal_display())} · {as_text(horizon.deadline_display())}" if horizon else ""
    if evaluation.expected is not None and evaluation.status != "met":
        expected = as_text(pct(evaluation.expected) if target.indicator.is_rate else num(evaluation.expected, 1))
    else:
        expected = MUTED_DASH
    status = as_text(item.status)
    return (
        f'\n<tr id="status-{target.pk}"><td><a href="{as_text(detail(target.pk))}?period={period.pk}">{as_text(target.display_name)}</a>'
        f"{sections}{part_of}</td>\n"
        f'<td data-label="Mục tiêu">{goal}</td>\n'
        f'<td class="num" data-label="Kết quả">{evaluation_value(evaluation, target)}</td>\n'
        f'<td class="num" data-label="Cần đạt đến nay">{expected}</td>\n'
        f'<td data-label="Đánh giá"><span class="badge st-{status}">{as_text(evaluation.label)}</span></td>\n'
        f'<td data-label="Xu hướng"><canvas class="spark" width="140" height="36" data-trend="{target.pk}" '
        f'data-status="{status}" aria-label="Xu hướng {as_text(target.indicator.name)}" role="img"></canvas></td></tr>\n'
    )
