"""The exchange format a statistics office loads: per period, one row per progress value of a unit's subtree,
(unit code, indicator code, period, numerator, denominator, value, status). Served by the API (ExportView, JSON or
CSV) and written by `manage.py export_values`, from the same rows."""

from decimal import Decimal

from targets.fields import plain_decimal
from targets.models import ProgressValue

COLUMNS = ("unit_code", "indicator_code", "period", "numerator", "denominator", "value", "status")


def export_rows(unit, period, *, values=None):
    """The rows of the unit's subtree for the period, by unit path then indicator code: one query.

    `values`: the progress values the caller may read (ProgressValue.objects.visible_to(user)); all by default
    (the command line). A rate's value is its percentage from its counts (ProgressValue.effective_value), a
    milestone's 1 or 0; numbers are written plainly, with a decimal point.
    """
    values = ProgressValue.objects.all() if values is None else values
    rows = (values.in_subtree(unit).for_period(period)
            .order_by("unit__path", "indicator__code", "target_id", "pk")
            .values_list("unit__code", "indicator__code", "numerator", "denominator", "value", "achieved", "status"))
    effective, code = ProgressValue.effective, period.code
    return [{"unit_code": unit_code, "indicator_code": indicator_code, "period": code,
             "numerator": plain_decimal(numerator), "denominator": plain_decimal(denominator),
             "value": _places(effective(numerator, denominator, value, achieved)), "status": status}
            for unit_code, indicator_code, numerator, denominator, value, achieved, status in rows]


def _places(value):
    """A figure to the four decimal places the portal stores (a rate's percentage is computed, so it may have more)."""
    return None if value is None else plain_decimal(value.quantize(PLACES))


PLACES = Decimal("0.0001")
