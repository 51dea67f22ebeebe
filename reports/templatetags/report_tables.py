"""Tables of a plan that the reports print and the plan's page shows the same way."""

from django import template
from django.urls import reverse
from django.utils.safestring import mark_safe

from reports.content import projection_cells, projection_scale_lines, projection_table
from targets.templatetags.numbers import (
    MUTED_DASH,
    evaluated_baseline,
    evaluation_value,
    figure_basis,
    figure_from,
    floor,
    result,
)
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
    status, or a muted dash."""
    evaluation, label = cell.evaluation, as_text(cell.target.column_label)
    if evaluation is None:
        return mark_safe(f'<td class="num" data-label="{label}"><span class="muted">—</span></td>')
    return mark_safe(f'<td class="num" data-label="{label}">{as_text(result(cell.status.value, cell.target))}<br>'
                     f'<span class="badge st-{as_text(evaluation.status)}">{as_text(evaluation.label)}</span>'
                     f'{figure_from(cell.status)}{figure_basis(cell.status)}</td>')


@register.simple_tag
def drill_rows(rows, document, period):
    """The drill-down's rows (reports.dashboards.DrillRow) of the page: the unit, linking to its dashboard, how
    many of its targets are behind or at risk, and a cell per column. Written here rather than in the template:
    a province's page has 50 communes × a criterion's targets."""
    if not rows:
        return mark_safe('<tr><td colspan="2" class="muted">Đơn vị không có đơn vị cấp dưới có số liệu.</td></tr>')
    dashboard = as_text(reverse("reports:dashboard_unit"))
    return mark_safe("".join(
        f'<tr><th scope="row">{_drill_unit(row, dashboard, document, period)}</th>\n'
        f'<td class="num" data-label="Chậm / có nguy cơ">{as_text(row.behind)}</td>\n'
        f'{"".join(drill_cell(cell) for cell in row.cells)}</tr>\n'
        for row in rows))


def _drill_unit(row, dashboard, document, period):
    """A drill-down row's unit: a link to its dashboard; a unit merged since into another has none any more, and says
    that the period's figures are those of the report it sent."""
    name = as_text(row.unit.short_name or row.unit.name)
    if row.merged_into:
        return (f'{name}<br><small class="muted">Đã sáp nhập vào {as_text(row.merged_into)}; số liệu kỳ này theo '
                "báo cáo đơn vị đã gửi</small>")
    return f'<a href="{dashboard}?unit={row.unit.pk}&plan={document.pk}&period={period.pk}">{name}</a>'


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
    if horizon is not None and horizon.floor_value is not None:  # the status is judged on it too
        goal += f" · {as_text(floor(horizon.floor_value, target))}"
    if evaluation.expected is not None and evaluation.status != "met":
        # written as the result is, and as the reports write it (ReportRow.expected_text): "4,49 phòng", not "4,5"
        expected = as_text(result(evaluation.expected, target))
    else:
        expected = MUTED_DASH
    status = as_text(item.status)
    return (
        f'\n<tr id="status-{target.pk}"><td><a href="{as_text(detail(target.pk))}?period={period.pk}">{as_text(target.display_name)}</a>'
        f"{sections}{part_of}</td>\n"
        f'<td data-label="Mục tiêu">{goal}{evaluated_baseline(item)}</td>\n'
        f'<td class="num" data-label="Kết quả">{evaluation_value(evaluation, target)}{figure_from(item)}{figure_basis(item)}</td>\n'
        f'<td class="num" data-label="Cần đạt đến nay">{expected}</td>\n'
        f'<td data-label="Đánh giá"><span class="badge st-{status}">{as_text(evaluation.label)}</span></td>\n'
        f'<td data-label="Xu hướng"><canvas class="spark" width="140" height="36" data-trend="{target.pk}" '
        f'data-status="{status}" aria-label="Xu hướng {as_text(target.indicator.name)}" role="img"></canvas></td></tr>\n'
    )
