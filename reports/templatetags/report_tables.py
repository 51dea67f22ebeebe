"""Tables of a plan that the reports print and the plan's page shows the same way."""

from django import template

from reports.content import projection_cells, projection_scale_lines, projection_table

register = template.Library()


@register.filter
def plan_projections(targets):
    """The plan's projection figures as the plan prints them (school years as columns), from its targets
    with indicator and horizons loaded: {"cells": [header, *rows], "scale": [lines]}, or None."""
    table = projection_table([target for target in targets if target.is_projection])
    if not table:
        return None
    return {"cells": projection_cells(table), "scale": projection_scale_lines(table)}
