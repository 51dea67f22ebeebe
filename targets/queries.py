"""Read assemblies over many rows: roll-ups of a unit's subtree, computed in SQL.

The dashboards, the school-report workflow and the Excel/PDF builders all call these functions, so
screen and paper cannot disagree. Rates are the sum of numerators over the sum of denominators of the
units that reported, never the average of their percentages.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Case, Count, Exists, F, IntegerField, Max, Min, OuterRef, Q, Sum, When

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
    lowest: Decimal | None = None  # the lowest single value: what "every unit" targets are judged on


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


def _lowest(indicator, row):
    if indicator.aggregation == Aggregation.RATIO_OF_SUMS:
        return None
    return row["lowest"]


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
        reporting_units=row["reporting"], achieved_units=row["achieved"], lowest=_lowest(indicator, row),
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
    collected = [t for t in targets if t.indicator.collected_from_schools]
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


def rollup_matrix(indicators, unit, periods, *, follow_lineage=True):
    """{(indicator id, period id): Rollup} over the unit's subtree for several periods: one grouped query."""
    by_id = {indicator.pk: indicator for indicator in indicators}
    if not by_id:
        return {}
    rows = (
        ProgressValue.objects.filter(subtree_condition(unit, follow_lineage=follow_lineage))
        .filter(period__in=periods, target__isnull=True, indicator_id__in=by_id)
        .values("indicator_id", "period_id")
        .annotate(**_AGGREGATES)
    )
    return {(row["indicator_id"], row["period_id"]): _combine(by_id[row["indicator_id"]], row) for row in rows}


@dataclass
class TargetStatus:
    """A target on a dashboard: its horizon, its value and status for the period, and its trend."""

    target: object
    horizon: object
    evaluation: object
    series: list  # [(period, value or None)] oldest first, ending with the chosen period
    entry: object = None

    @property
    def status(self):
        return self.evaluation.status


def plan_statuses(targets, unit, period, trend_periods):
    """Status of each target of a unit's plans for a period, with its trend: four queries in all.

    The value of a period is what the officer entered for the target, else what the approved school
    reports add up to (for "every unit" targets: the lowest unit). The path starts at the target's
    baseline, else at the earliest value of the trend.
    """
    from .status import current_horizon, evaluate, path_start

    targets = list(targets)
    periods = list(trend_periods)
    entries = {
        (v.target_id, v.period_id): v
        for v in ProgressValue.objects.filter(target__in=targets, unit=unit, period__in=periods)
    }
    # every indicator rolls up: school reports for collected ones, ward figures entered per indicator for others
    collected = targets
    scoped = {t.pk: [u.pk for u in t.scope_units.all()] for t in collected}
    matrix = rollup_matrix({t.indicator for t in collected if not scoped[t.pk]}, unit, periods)
    named = _unit_period_rows({t.indicator for t in collected if scoped[t.pk]},
                              {pk for pks in scoped.values() for pk in pks}, periods)
    result = []
    for target in targets:
        series = []
        for p in periods:
            if scoped.get(target.pk):
                parts = [named[(target.indicator_id, pk, p.pk)] for pk in scoped[target.pk]
                         if (target.indicator_id, pk, p.pk) in named]
                rolled = _combine(target.indicator, _sum_rows(parts)) if parts else None
            else:
                rolled = matrix.get((target.indicator_id, p.pk))
            series.append((p, _period_value(target, entries.get((target.pk, p.pk)), rolled)))
        known = [(p, v) for p, v in series if v is not None]
        baseline, start = target.baseline_value, None
        if baseline is not None:
            start = path_start(target, target.document.start_year or period.start.year)
        elif known:
            baseline, start = known[0][1], known[0][0].end
        entry = entries.get((target.pk, period.pk))
        horizon = current_horizon(target, period.end)
        # the latest value as of the chosen period (a yearly figure counts for the semesters after it)
        value = known[-1][1] if known else None
        achieved = entry.achieved if entry is not None and entry.achieved is not None else None
        evaluation = evaluate(target, horizon, value, as_of=period.end, baseline=baseline, start=start,
                              achieved=achieved)
        result.append(TargetStatus(target=target, horizon=horizon, evaluation=evaluation, series=series, entry=entry))
    return result


def _unit_period_rows(indicators, unit_ids, periods):
    """{(indicator id, unit id, period id): aggregate row} for values of exactly those units: one query."""
    if not indicators or not unit_ids:
        return {}
    rows = (
        ProgressValue.objects.filter(unit_id__in=unit_ids, period__in=periods, target__isnull=True,
                                     indicator__in=indicators)
        .values("indicator_id", "unit_id", "period_id")
        .annotate(**_AGGREGATES)
    )
    return {(row["indicator_id"], row["unit_id"], row["period_id"]): row for row in rows}


def _period_value(target, entry, rollup):
    if entry is not None and entry.effective_value is not None:
        return entry.effective_value
    if rollup is None:
        return None
    return rollup.lowest if target.each_unit and rollup.lowest is not None else rollup.value


def status_counts(statuses):
    from .status import STATUS_ORDER

    counts = dict.fromkeys(STATUS_ORDER, 0)
    for item in statuses:
        counts[item.status] += 1
    return counts


def child_rollups(indicators, unit, periods):
    """{(child unit id, indicator id): Rollup} for each unit directly below `unit`: one grouped query.

    A value belongs to the child it was entered at or under: the unit itself one level down, its
    parent two levels down, its grandparent three levels down (schools sit at most that deep below a
    province or the centre); grouping on those integer keys keeps the query fast on large provinces.
    For each child and indicator the latest of the given periods (oldest first) with values is kept.
    """
    by_id = {indicator.pk: indicator for indicator in indicators}
    if not by_id:
        return {}
    order = {p.pk: i for i, p in enumerate(periods)}
    depth = unit.depth
    child = Case(
        When(unit__depth=depth + 1, then=F("unit_id")),
        When(unit__depth=depth + 2, then=F("unit__parent_id")),
        default=F("unit__parent__parent_id"),
        output_field=IntegerField(),
    )
    rows = (
        ProgressValue.objects.filter(unit__path__startswith=unit.path, unit__depth__in=[depth + 1, depth + 2, depth + 3],
                                     period__in=periods, target__isnull=True, indicator_id__in=by_id)
        .annotate(child=child)
        .values("child", "indicator_id", "period_id")
        .annotate(**_AGGREGATES)
    )
    latest = {}
    for row in sorted(rows, key=lambda r: order[r["period_id"]]):
        latest[(row["child"], row["indicator_id"])] = _combine(by_id[row["indicator_id"]], row)
    return latest


@dataclass
class Coverage:
    """How a plan is carried down: which targets and tasks lower plans make concrete, which none picks up."""

    targets: list  # [(target, [child targets])]
    tasks: list  # [(task, [child tasks])]
    lower_plans: list

    @property
    def uncovered_targets(self):
        return [t for t, children in self.targets if not children]

    @property
    def uncovered_tasks(self):
        return [t for t, children in self.tasks if not children]


def plan_coverage(document, unit=None):
    """The plan's targets and tasks with the lower plans' items that make them concrete (five queries)."""
    from plans.models import Task

    from .models import Target

    below = Q(document__issuer__path__startswith=unit.path) if unit is not None else Q()
    children = {}
    for child in (Target.objects.filter(below, parent__document=document)
                  .select_related("document", "document__issuer", "indicator")):
        children.setdefault(child.parent_id, []).append(child)
    task_children = {}
    for child in Task.objects.filter(below, parent__document=document).select_related("document", "document__issuer"):
        task_children.setdefault(child.parent_id, []).append(child)
    targets = [(t, children.get(t.pk, [])) for t in document.targets.targets().select_related("indicator").order_by("order")]
    tasks = [(t, task_children.get(t.pk, [])) for t in document.tasks.select_related("group", "lead_unit")]
    lower = document.implemented_by.select_related("issuer").order_by("issuer__path")
    if unit is not None:
        lower = lower.filter(issuer__path__startswith=unit.path)
    return Coverage(targets=targets, tasks=tasks, lower_plans=list(lower))


@dataclass
class Ownership:
    unit: object
    targets: int
    last_update: object
    missing: int  # targets with nothing entered for the chosen period


def plan_ownership(document, period):
    """For each unit responsible for the plan's targets: when it last updated them and what is missing.

    Targets computed from school reports are updated by the schools, so only the others count here.
    Three queries whatever the number of targets and units.
    """
    from .models import Target, TargetResponsibility

    own = Target.objects.filter(document=document, is_projection=False, indicator__collected_from_schools=False)
    entered = ProgressValue.objects.filter(target=OuterRef("target"), period=period)
    rows = list(TargetResponsibility.objects.filter(target__in=own).values("unit")
                .annotate(n=Count("target", distinct=True), last=Max("target__values__entered_at")).order_by())
    missing = dict(TargetResponsibility.objects.filter(target__in=own).exclude(Exists(entered))
                   .values("unit").annotate(n=Count("target", distinct=True)).values_list("unit", "n"))
    units = {u.pk: u for u in Unit.objects.filter(pk__in=[r["unit"] for r in rows])}
    result = [Ownership(units[r["unit"]], r["n"], r["last"], missing.get(r["unit"], 0)) for r in rows]
    # the units that never updated first, then the longest silent
    return sorted(result, key=lambda o: (o.last_update is not None, o.last_update.timestamp() if o.last_update else 0))
