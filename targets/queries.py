"""Read assemblies over many rows: roll-ups of a unit's subtree, computed in SQL.

The dashboards, the school-report workflow and the Excel/PDF builders all call these functions, so
screen and paper cannot disagree. Rates are the sum of numerators over the sum of denominators of the
units that reported, never the average of their percentages.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Min, Q, Sum

from units.models import Unit

from .models import Aggregation, ProgressValue

HUNDRED = Decimal(100)
_AGGREGATES = {
    "numerator": Sum("numerator"), "denominator": Sum("denominator"), "total": Sum("value"), "lowest": Min("value"),
    "reporting": Count("id"), "achieved": Count("id", filter=Q(achieved=True)),
}


@dataclass(frozen=True)
class Rollup:
    """An indicator's value over a subtree for one period, and what it was computed from."""

    indicator_id: int
    value: Decimal | None
    numerator: Decimal | None = None
    denominator: Decimal | None = None
    reporting_units: int = 0
    achieved_units: int = 0


def subtree_condition(unit, *, follow_lineage=True):
    """Values entered in the unit's subtree and, through merges, in its predecessors' subtrees."""
    units = [unit]
    if follow_lineage:
        ids = unit.lineage_ids() - {unit.pk}
        units += list(Unit.objects.filter(pk__in=ids).only("path"))
    condition = Q(pk__in=[])
    for each in units:
        condition |= Q(unit__path__startswith=each.path)
    return condition


def rollups(indicators, unit, period, *, follow_lineage=True):
    """{indicator id: Rollup} for the given indicators over the unit's subtree: one grouped query."""
    by_id = {indicator.pk: indicator for indicator in indicators}
    rows = (
        ProgressValue.objects.filter(subtree_condition(unit, follow_lineage=follow_lineage))
        .filter(period=period, target__isnull=True, indicator_id__in=by_id)
        .values("indicator_id")
        .annotate(**_AGGREGATES)
    )
    return {row["indicator_id"]: _combine(by_id[row["indicator_id"]], row) for row in rows}


def rollup(indicator, unit, period, *, follow_lineage=True):
    return rollups([indicator], unit, period, follow_lineage=follow_lineage).get(
        indicator.pk, Rollup(indicator_id=indicator.pk, value=None)
    )


def _combine(indicator, row):
    rule = indicator.aggregation
    value = None
    if rule == Aggregation.RATIO_OF_SUMS:
        if row["denominator"]:
            value = row["numerator"] * HUNDRED / row["denominator"]
    elif rule == Aggregation.SUM:
        value = row["total"]
    elif rule == Aggregation.MIN:
        value = row["lowest"]
    elif rule == Aggregation.EVERY_UNIT:
        value = Decimal(1 if row["reporting"] and row["achieved"] == row["reporting"] else 0)
    elif row["reporting"] == 1:
        value = row["total"]
    return Rollup(
        indicator_id=indicator.pk, value=value, numerator=row["numerator"], denominator=row["denominator"],
        reporting_units=row["reporting"], achieved_units=row["achieved"],
    )


def rollup_series(indicator, unit, periods, *, follow_lineage=True):
    """{period id: Rollup} of one indicator over several periods: one grouped query."""
    rows = (
        ProgressValue.objects.filter(subtree_condition(unit, follow_lineage=follow_lineage))
        .filter(period__in=periods, target__isnull=True, indicator=indicator)
        .values("period_id")
        .annotate(**_AGGREGATES)
    )
    return {row["period_id"]: _combine(indicator, row) for row in rows}


@dataclass
class TargetRow:
    """A line of the target list: the target, what was entered for the period, what the schools add up to."""

    target: object
    entry: object = None
    rollup: Rollup | None = None

    @property
    def value(self):
        """The figure shown for the period: the officer's entry if any, else the schools' aggregate."""
        if self.entry is not None and self.entry.effective_value is not None:
            return self.entry.effective_value
        return self.rollup.value if self.rollup else None


def target_rows(targets, unit, period):
    """Rows for a list of one unit's targets, in a fixed number of queries whatever the count.

    A target about named units (a school's recognition milestone) adds up those units only; the
    others add up the whole subtree of the unit that issued the plan.
    """
    targets = list(targets)
    entries = {
        value.target_id: value
        for value in ProgressValue.objects.filter(target__in=targets, unit=unit, period=period).select_related("entered_by")
    }
    collected = [t for t in targets if t.indicator.numerator_item_id]
    scoped = {t.pk: [u.pk for u in t.scope_units.all()] for t in collected}
    whole = {t.indicator for t in collected if not scoped[t.pk]}
    sums = rollups(whole, unit, period) if whole else {}
    named = _unit_rows({t.indicator for t in collected if scoped[t.pk]},
                       {pk for pks in scoped.values() for pk in pks}, period)
    rows = []
    for t in targets:
        if scoped.get(t.pk):
            parts = [named[(t.indicator_id, pk)] for pk in scoped[t.pk] if (t.indicator_id, pk) in named]
            rollup = _combine(t.indicator, _sum_rows(parts)) if parts else None
        else:
            rollup = sums.get(t.indicator_id)
        rows.append(TargetRow(target=t, entry=entries.get(t.pk), rollup=rollup))
    return rows


def _unit_rows(indicators, unit_ids, period):
    """{(indicator id, unit id): aggregate row} for values entered at exactly those units: one query."""
    if not indicators or not unit_ids:
        return {}
    rows = (
        ProgressValue.objects.filter(unit_id__in=unit_ids, period=period, target__isnull=True,
                                     indicator__in=indicators)
        .values("indicator_id", "unit_id")
        .annotate(**_AGGREGATES)
    )
    return {(row["indicator_id"], row["unit_id"]): row for row in rows}


def _sum_rows(rows):
    def total(key):
        values = [row[key] for row in rows if row[key] is not None]
        return sum(values) if values else None

    lows = [row["lowest"] for row in rows if row["lowest"] is not None]
    return {"numerator": total("numerator"), "denominator": total("denominator"), "total": total("total"),
            "lowest": min(lows) if lows else None, "reporting": total("reporting") or 0,
            "achieved": total("achieved") or 0}


def target_row(target, period):
    return target_rows([target], target.document.issuer, period)[0]
