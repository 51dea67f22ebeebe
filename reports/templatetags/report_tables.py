"""Tables of a plan that the reports print and the plan's page shows the same way."""

from django import template
from django.utils.html import format_html

from reports.content import projection_cells, projection_scale_lines, projection_table
from targets.templatetags.numbers import result

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
