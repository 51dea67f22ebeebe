"""Read assemblies over many rows: roll-ups of a unit's subtree in SQL, and the one evaluation of targets.

Every figure a user sees goes through `evaluate_targets`: the unit dashboard, the drill-down by lower
units, the target list, the public page and the Excel/PDF reports (reports.content), so screen and
paper cannot disagree. Rates are the sum of numerators over the sum of denominators of the units that
reported, never the average of their percentages.
"""

from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal

from django.core.paginator import Paginator
from django.db.models import (
    Count,
    Exists,
    Max,
    Min,
    OuterRef,
    Q,
    Sum,
)

from periods.models import trend_periods
from units.models import Unit, UnitKind, predecessors_of

from .details import BY_ID, attach_details
from .fields import format_unreported
from .kinds import IndicatorKind
from .lineage import apart_rows, lineage_of, reported_apart
from .models import Aggregation, Comparator, ProgressValue, ValueKind
from .rollups import table_rows

HUNDRED = Decimal(100)
_AGGREGATES = {
    "numerator": Sum("numerator"), "denominator": Sum("denominator"), "total": Sum("value"), "lowest": Min("value"),
    "reporting": Count("id"), "achieved": Count("id", filter=Q(achieved=True)),
}


@dataclass(slots=True)
class Rollup:
    """An indicator's value over a subtree for one period, and what it was computed from."""

    indicator_id: int
    value: Decimal | None
    numerator: Decimal | None = None
    denominator: Decimal | None = None
    reporting_units: int = 0
    achieved_units: int = 0
    lowest: Decimal | None = None  # the lowest single value: what "every unit" targets are judged on


# --- where a unit's figures were recorded ---------------------------------------------------------


def subtree_roots(units, *, follow_lineage=True):
    """{unit id: [units]}: the unit and its predecessors (merges keep the old units, units/models.py),
    without those already inside another of them. A value entered in the subtree of any of them counts
    for the unit. One query whatever the generations of merges (units.models.predecessors_of); none
    without `follow_lineage`, or for units read with their lineage mark that have no predecessors."""
    units = list(units)
    # a unit read with UnitQuerySet.with_lineage_mark() says whether it has predecessors: none, nothing to ask
    asked = [unit.pk for unit in units if getattr(unit, "has_predecessors", True)] if follow_lineage else []
    earlier = predecessors_of(asked) if asked else {}
    # a predecessor's figures of a period it reported itself count there, not again here (targets/lineage.py)
    apart = reported_apart([unit for each in earlier.values() for unit in each])
    roots = {}
    for unit in units:
        kept = []
        for candidate in sorted([unit, *earlier.get(unit.pk, [])], key=lambda u: len(u.path)):
            if not any(candidate.path.startswith(root.path) for root in kept):
                kept.append(candidate)
        roots[unit.pk] = lineage_of(unit, kept, earlier.get(unit.pk, []), apart)
    return roots


def subtree_condition(unit, *, follow_lineage=True):
    """Values entered in the unit's subtree and, through merges, in its predecessors' subtrees."""
    condition = Q(pk__in=[])
    for root in subtree_roots([unit], follow_lineage=follow_lineage)[unit.pk]:
        condition |= Q(unit__path__startswith=root.path)
    return condition


# --- roll-ups ---------------------------------------------------------------------------------------


def rollups(indicators, unit, period, *, follow_lineage=True):
    """{indicator id: Rollup} for the given indicators over the unit's subtree: one grouped query."""
    by_id = {indicator.pk: indicator for indicator in indicators}
    roots = subtree_roots([unit], follow_lineage=follow_lineage)
    rows = _subtree_rows(by_id.values(), [unit], [period], roots)
    return {indicator_id: _combine(by_id[indicator_id], _sum_rows(parts))
            for (_unit, indicator_id, _period), parts in rows.items()}


def rollup(indicator, unit, period, *, follow_lineage=True):
    return rollups([indicator], unit, period, follow_lineage=follow_lineage).get(
        indicator.pk, Rollup(indicator_id=indicator.pk, value=None)
    )


def rollup_series(indicator, unit, periods, *, follow_lineage=True):
    """{period id: Rollup} of one indicator over several periods: one grouped query."""
    roots = subtree_roots([unit], follow_lineage=follow_lineage)
    rows = _subtree_rows([indicator], [unit], periods, roots)
    return {period_id: _combine(indicator, _sum_rows(parts)) for (_unit, _indicator, period_id), parts in rows.items()}


def _subtree_rows(indicators, units, periods, roots):
    """{(unit id, indicator id, period id): [aggregate rows]} of target-less values over each unit's roots.

    `units`: one unit, or several (the drill-down's units below one parent). A unit's roots (the unit and
    its predecessors, subtree_roots) do not overlap, so its roll-up is the sum of their rows in the roll-up
    table (targets/rollups.py), which holds the finished sums of every subtree: one query, whatever the
    number of values below.
    """
    indicators = list(indicators)
    if not indicators or not units:
        return {}
    owners = {}  # {root id: the units whose values include those under it}
    for unit in units:
        for root in roots[unit.pk]:
            owners.setdefault(root.pk, []).append(unit.pk)
    rows = table_rows(owners, indicators, periods)
    # a period a predecessor reported itself: its figures (and those of the units its merge moved) left out
    cut, apart = apart_rows(indicators, units, periods, roots, _AGGREGATES)
    if all(len(each) == 1 and each[0] == root for root, each in owners.items()):  # no merge: each unit its own root
        result = {key: [row] for key, row in rows.items()}
    else:
        result = {}
        for (root, indicator_id, period_id), row in rows.items():
            for owner in owners[root]:
                result.setdefault((owner, indicator_id, period_id), []).append(row)
    if cut:
        result = {key: parts for key, parts in result.items() if (key[0], key[2]) not in cut}
        result.update((key, [row]) for key, row in apart.items())
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
        .order_by()  # no default ordering: it would join the periods and indicators
    )
    return {(row["indicator_id"], row["unit_id"], row["period_id"]): row for row in rows}


def _sum_rows(rows):
    if len(rows) == 1:
        return rows[0]

    def total(key):
        values = [row[key] for row in rows if row[key] is not None]
        return sum(values) if values else None

    lows = [row["lowest"] for row in rows if row["lowest"] is not None]
    return {"numerator": total("numerator"), "denominator": total("denominator"), "total": total("total"),
            "lowest": min(lows) if lows else None, "reporting": total("reporting") or 0,
            "achieved": total("achieved") or 0}


# the rules as plain strings: an enum member's look-up costs more than the comparison, row after row
RATIO_OF_SUMS, SUM, MIN, EVERY_UNIT = (str(rule) for rule in (Aggregation.RATIO_OF_SUMS, Aggregation.SUM,
                                                               Aggregation.MIN, Aggregation.EVERY_UNIT))


def _rule_value(rule, row):
    """An indicator's roll-up value from the summed row, by its aggregation rule."""
    if rule == RATIO_OF_SUMS:
        return row["numerator"] * HUNDRED / row["denominator"] if row["denominator"] else None
    if rule == SUM:
        return row["total"]
    if rule == MIN:
        return row["lowest"]
    if rule == EVERY_UNIT:
        return Decimal(1 if row["reporting"] and row["achieved"] == row["reporting"] else 0)
    return row["total"] if row["reporting"] == 1 else None


def _combine(indicator, row):
    rule = indicator.aggregation
    return Rollup(
        indicator_id=indicator.id, value=_rule_value(rule, row), numerator=row["numerator"],
        denominator=row["denominator"], reporting_units=row["reporting"], achieved_units=row["achieved"],
        lowest=None if rule == RATIO_OF_SUMS else row["lowest"],
    )


# the units a plan's territory is made of: a body issuing a plan (Bộ Chính trị, Sở GD&ĐT, Phòng VH-XH) issues it for
# the one of these it belongs to
TERRITORIES = {str(kind) for kind in (UnitKind.PROVINCE, UnitKind.DISTRICT, UnitKind.COMMUNE, UnitKind.SCHOOL)}
_UNSET = object()  # not yet in a cache (told apart from a cached None)

# --- the one evaluation -------------------------------------------------------------------------------


@dataclass(slots=True)
class Figure:
    """A target's figure at a unit for one period, and what it comes from."""

    value: Decimal
    numerator: Decimal | None = None  # the counts of a rate, when it was computed from counts
    denominator: Decimal | None = None
    reporting_units: int = 0
    lowest: bool = False  # the lowest unit's figure (a target for every unit), not the roll-up
    highest: bool = False  # the highest unit's figure (for every unit, less is better: "mỗi lớp không quá 35")
    entered: bool = False  # entered for the target by the unit's officer, not rolled up


def rolled_figure(indicator, each_unit, parts, highest=None):
    """The figure a subtree adds up to from its summed rows (`parts`), and the per-unit rule, in one place: a
    target for every unit (`each_unit`: "mỗi trường có tối thiểu 01 phòng học thông minh") holds only if every
    unit meets it, so it is judged on the lowest unit's figure (domain.md: such targets are floors); any other
    target on the roll-up of the subtree (`_rule_value`). No Rollup in between: evaluate_pairs makes one per
    unit, indicator and period (a province's drill-down: 5,760). `highest`: the highest unit's value, for a target
    for every unit where less is better ("mỗi lớp không quá 35 học sinh", "không trường nào có học sinh bỏ học"),
    judged on it: the lowest unit's 30 says nothing of another's 42."""
    row = _sum_rows(parts)
    if each_unit and highest is not None:
        return Figure(highest, reporting_units=row["reporting"], highest=True)
    rule = indicator.aggregation
    lowest = None if rule == RATIO_OF_SUMS else row["lowest"]
    if each_unit and lowest is not None:
        return Figure(lowest, reporting_units=row["reporting"], lowest=True)
    value = _rule_value(rule, row)
    if value is None:
        return None
    return Figure(value, row["numerator"], row["denominator"], row["reporting"])


def _figure(entry, rolled):
    """A period's figure: what the unit's officer entered for the target, else what the subtree adds up to."""
    if entry is not None and entry.effective_value is not None:
        return Figure(entry.effective_value, entry.numerator, entry.denominator, entered=True)
    return rolled


@dataclass
class TargetStatus:
    """A target evaluated at one unit for a period: the figure judged, its status, its trend."""

    target: object
    unit: object
    horizon: object
    evaluation: object
    series: list  # [(period, value or None)] oldest first, ending with the chosen period
    figure: Figure | None = None  # the latest figure as of the chosen period: the one judged
    entry: object = None  # what the unit's officer entered for the target for the chosen period
    rolled: Figure | None = None  # what the subtree adds up to for the chosen period (per-unit rule applied)
    sections: list = field(default_factory=list)  # the plan's sections stating the target (fold_repeats)
    # the period of the figure judged when it is an earlier one's (nothing yet for the chosen period): pages say so
    figure_from: object = None
    # a target about named units none of which is in the unit's subtree ("Trường MN Hòa Nghĩa đạt chuẩn" at another
    # school): nothing to judge there, and the unit's lists and reports leave it out (plan_statuses)
    outside: bool = False
    # the baseline the path starts from when the plan states one: its figure, or (its year only, "so với năm 2025")
    # the unit's figure at the end of that year; None when the path starts at the earliest figure of the trend
    baseline: object = None
    # a target over every school below ("mỗi trường có …", "100% trường …") judged on a figure some of the schools
    # that should report it are missing from: how many (of how many); never met meanwhile (_hold_unreported)
    unreported: int = 0
    expected_units: int = 0

    @property
    def status(self):
        return self.evaluation.status

    @property
    def value(self):
        return self.evaluation.value

    @property
    def unreported_note(self):
        """ "3/12 trường chưa báo cáo" under such a figure, on every page and in every report; "" otherwise."""
        return format_unreported(self.unreported, self.expected_units)


def evaluate_targets(targets, units, period, periods=None, *, roots=None):
    """{(unit id, target id): TargetStatus}: each target evaluated at each unit for the period.

    `units`: one unit, or several directly below one parent (the drill-down). `periods`: the trend
    (periods.models.trend_periods). The evaluation of `evaluate_pairs`, every target at every unit.
    """
    targets = list(targets)
    return evaluate_pairs([(unit, targets) for unit in units], period, periods, roots=roots)


def evaluate_pairs(pairs, period, periods=None, *, roots=None):
    """{(unit id, target id): TargetStatus}: each unit's targets evaluated at it for the period.

    `pairs`: [(unit, targets)], a unit with the targets it is judged on (the communes of a consolidation,
    each on its own plan). A fixed number of queries whatever the targets, units and pairs: the
    horizons and named units of the targets (unless prefetched), the entries, the lineage (unless
    `roots` is given), one grouped roll-up, one for targets about named units, and, for a horizon with a floor
    across units judged where it was issued, the units directly below with their lineage and roll-up.

    - A period's figure is what the target's unit entered for it, else what its subtree (and that of
      its predecessors) adds up to, by the per-unit rule (`rolled_figure`). A target about named units
      (a school's recognition) adds up those units: all of them at the unit that issued it, below that
      those inside the unit's subtree.
    - The figure judged is the latest as of the period (a school year's figure counts for the
      semesters after it); the path to the horizon starts at the target's baseline, else at the
      unit's earliest figure of the trend.
    """
    from .status import current_horizon, evaluate, path_start

    pairs = [(unit, list(targets)) for unit, targets in pairs]
    pairs = [(unit, targets) for unit, targets in pairs if targets]
    if not pairs:
        return {}
    units = [unit for unit, _targets in pairs]
    every = list({id(target): target for _unit, each in pairs for target in each}.values())
    targets = list({target.id: target for target in every}.values())  # a target judged at several units: once
    periods = list(periods) if periods is not None else trend_periods(period)
    # a calendar year or half-year is no part of the trend, but the list shows what it holds
    outside = None if any(p.pk == period.pk for p in periods) else period
    asked = [*periods, outside] if outside else periods
    attach_details(every)  # horizons and named units, read by plan (targets/details.py)
    roots = roots if roots is not None else subtree_roots(units)
    entries = _entries(targets, units, asked)
    named = {t.id: list(t.rows_of("scope_units")) for t in targets}
    sums = _subtree_rows({t.indicator for t in targets if not named[t.id]}, units, asked, roots)
    scoped = _unit_period_rows({t.indicator for t in targets if named[t.id]},
                               {unit.pk for each in named.values() for unit in each}, asked)
    # what does not depend on the unit: the horizon worked towards, where a baseline's path starts
    plans = {t.id: (current_horizon(t, period.end), path_start(t, t.document.start_year or period.start.year))
             for t in targets}
    lows = _lowest_below(pairs, plans, named, period, asked)
    ceilings = {t.id for t in targets if less_is_better_each(t, plans[t.id][0])}
    highs = _highest_values(pairs, ceilings, named, asked, roots) if ceilings else {}
    year_baselines = _year_baselines(pairs, named, roots, period)
    every_school = {t.id for t in targets if t.indicator.collected_from_schools and over_every_unit(t, plans[t.id][0])}
    held = []  # [(TargetStatus, unit, period of its figure, named units or None)] of those targets: _hold_unreported
    rolled_up = {}  # (unit id, indicator id, period id, each unit): Figure, shared by the targets of one indicator
    result = {}
    now_id, as_of = period.id, period.end
    steps = [(p, p.id, p is outside) for p in asked]  # read once: this loop runs for every unit, target and period
    for unit, unit_targets in pairs:
        unit_id = unit.id
        for target in unit_targets:
            target_id, indicator_id, each_unit, indicator = target.id, target.indicator_id, target.each_unit, target.indicator
            named_units = named[target_id]
            within = _named_within(target, unit, named_units, roots[unit_id])
            ceiling = target_id in ceilings
            series, known, rolled = [], [], None
            for p, period_id, left_out in steps:
                if named_units:
                    parts = [scoped[key] for key in ((indicator_id, u.id, period_id) for u in within) if key in scoped]
                    # one value per named unit and period (value_unique_per_indicator): its lowest is its value
                    top = max((part["lowest"] for part in parts if part["lowest"] is not None), default=None)
                    from_rollup = rolled_figure(indicator, each_unit, parts, top if ceiling else None) if parts else None
                else:
                    key = (unit_id, indicator_id, period_id, each_unit, ceiling)
                    from_rollup = rolled_up.get(key, _UNSET)
                    if from_rollup is _UNSET:
                        parts = sums.get(key[:3])
                        from_rollup = rolled_up[key] = rolled_figure(
                            indicator, each_unit, parts, highs.get(key[:3]) if ceiling else None) if parts else None
                if period_id == now_id:
                    rolled = from_rollup
                if left_out:
                    continue
                figure = _figure(entries.get((unit_id, target_id, period_id)), from_rollup) if entries else from_rollup
                if figure is None:
                    series.append((p, None))
                else:
                    series.append((p, figure.value))
                    known.append((p, figure))
            horizon, start = plans[target_id]
            baseline = target.baseline_value
            if baseline is None:
                baseline = year_baselines.get((unit_id, target_id)) if year_baselines else None
            stated = baseline
            if baseline is None:
                baseline, start = (known[0][1].value, known[0][0].end) if known else (None, None)
            entry = entries.get((unit_id, target_id, now_id)) if entries else None
            judged = latest_complete(known)
            figure = judged[1] if judged else None
            evaluation = evaluate(target, horizon, figure.value if figure else None, as_of=as_of,
                                  baseline=baseline, start=start, achieved=entry.achieved if entry else None,
                                  lowest_below=lows.get((unit_id, indicator_id, judged[0].id)) if lows and judged
                                  else None)
            status = result[(unit_id, target_id)] = TargetStatus(
                target=target, unit=unit, horizon=horizon, evaluation=evaluation, series=series, figure=figure,
                entry=entry, rolled=rolled, figure_from=judged[0] if judged and judged[0].id != now_id else None,
                outside=bool(named_units) and not within, baseline=stated)
            if target_id in every_school and figure is not None and not figure.entered:
                held.append((status, unit, judged[0], within if named_units else None))
    if held:
        _hold_unreported(held, roots)
    return result


# --- the schools that should report: the reports layer knows (its workflow: who reports for a period) -------------

_EXPECTED_SCHOOLS = []  # the function the reports layer gives (reports/apps.py): this layer may not import it


def count_expected_schools_with(function):
    """Use `function([(unit, roots, period)])` -> {(unit id, period id): {levels (a sorted tuple): schools}}: the
    schools under each unit (and under its predecessors, `roots`) that should report for the period, counted by
    their levels. Who reports is the reports layer's to say (reports.queries.schools_reporting: in force during the
    period, one merged into another school left out); it hands its count over when the apps are ready, so that every
    page evaluating targets (the target list as the dashboards and the reports) holds back the same targets."""
    _EXPECTED_SCHOOLS[:] = [function]


def over_every_unit(target, horizon):
    """Whether a target is about every school below, so that one not yet reported can undo it: one for every unit
    ("mỗi trường có tối thiểu 01 phòng học thông minh", "mỗi lớp không quá 35"), an indicator met only where every
    unit meets it, a floor across the units below ("không đơn vị nào dưới 60%"), full coverage ("100% trường có kết
    nối Internet") and none anywhere ("không để học sinh bỏ học": a school not yet counted may have some)."""
    indicator = target.indicator
    if target.each_unit or indicator.aggregation in (MIN, EVERY_UNIT):
        return True
    if horizon is not None and horizon.floor_value is not None:
        return True
    if horizon is None or horizon.value is None or target.value_kind == ValueKind.GROWTH:
        return False
    comparator = target.comparator
    if indicator.kind == IndicatorKind.RATE and comparator in (Comparator.GTE, Comparator.EQ, Comparator.MAINTAIN):
        return horizon.value >= HUNDRED
    return indicator.aggregation == SUM and (
        comparator == Comparator.LTE or (comparator == Comparator.EQ and horizon.value == 0))


def _named_expected(named, period, indicator):
    """The units a target names that should give its figure for `period`: in force at the period's end (one closed,
    merged away or not yet open then does not report: "2/3 trường chưa báo cáo" for ever until 28/11/2026) and, a
    school, teaching one of the indicator's levels (a preschool gives no lower secondary figure)."""
    levels = set(indicator.school_levels or ())
    return [unit for unit in named
            if (unit.valid_from is None or unit.valid_from <= period.end)
            and (unit.valid_to is None or unit.valid_to >= period.end)
            and not (levels and unit.levels and not levels.intersection(unit.levels))]


def _hold_unreported(held, roots):
    """A target over every school below (over_every_unit) judged on a figure that some of the schools that should
    report it have not given (the period's report not yet approved) is not met: the schools missing could undo it
    (2/3 schools with a smart classroom read "Đạt" for "mỗi trường có …" until 28/11/2026). At most on track, as the
    figure known is, and each says how many are missing (TargetStatus.unreported_note). The schools expected: those
    of the indicator's levels (Indicator.school_levels: a preschool gives no dropouts) that report for the period of
    the figure, as the reports layer counts them (count_expected_schools_with: one query); for a target about named
    units, those of them that count at the unit and should report for the period (_named_expected)."""
    from .status import Status

    asked = {(unit.pk, period.pk): (unit, roots[unit.pk], period) for _status, unit, period, named in held
             if named is None}
    counts = _EXPECTED_SCHOOLS[0](list(asked.values())) if asked and _EXPECTED_SCHOOLS else {}
    for status, unit, period, named in held:
        if named is not None:
            expected = len(_named_expected(named, period, status.target.indicator))
        elif (unit.pk, period.pk) in counts:
            levels = set(status.target.indicator.school_levels or ())
            expected = sum(schools for each, schools in counts[(unit.pk, period.pk)].items()
                           if not levels or levels.intersection(each))
        else:
            continue
        missing = expected - status.figure.reporting_units
        if missing <= 0:
            continue
        status.unreported, status.expected_units = missing, expected
        if status.evaluation.status == Status.MET:
            status.evaluation = replace(status.evaluation, status=Status.ON_TRACK)


def less_is_better_each(target, horizon):
    """A target for every unit where less is better ("mỗi lớp không quá 35 học sinh", "không để trường nào có học
    sinh bỏ học"): the highest unit's figure decides, as status.evaluate compares (at most, or exactly zero)."""
    if not target.each_unit or target.value_kind == ValueKind.GROWTH:
        return False
    return target.comparator == Comparator.LTE or (
        target.comparator == Comparator.EQ and horizon is not None and horizon.value == 0)


def _highest_values(pairs, ceilings, named, periods, roots):
    """{(unit id, indicator id, period id): the highest target-less value in the unit's subtree (and its
    predecessors')} for the targets for every unit where less is better: the roll-up table keeps the lowest value,
    not the highest, so one query over those values, folded onto the units by their paths."""
    owners, indicators = {}, set()
    for unit, targets in pairs:
        wanted = [target for target in targets if target.id in ceilings and not named[target.id]]
        if wanted:
            indicators.update(target.indicator_id for target in wanted)
            for root in roots[unit.pk]:
                owners.setdefault(root.path, []).append(unit.pk)
    if not owners:
        return {}
    condition = Q(pk__in=[])
    for path in owners:
        condition |= Q(unit__path__startswith=path)
    # a count's value, or a rate's counts (a school's dropout rate: 3 of 100), as ProgressValue.effective reads them
    rows = (ProgressValue.objects.filter(condition, target__isnull=True, indicator_id__in=indicators,
                                         period__in=periods)
            .values_list("unit__path", "indicator_id", "period_id", "numerator", "denominator", "value", "achieved")
            .order_by())
    highest = {}
    for path, indicator_id, period_id, numerator, denominator, stored, achieved in rows:
        value = ProgressValue.effective(numerator, denominator, stored, achieved)
        if value is None:
            continue
        end = 0
        while (end := path.find("/", end + 1)) != -1:  # every ancestor's path is a prefix ending with "/"
            for owner in owners.get(path[:end + 1], ()):
                # a predecessor's figures of a period it reported itself count there (targets/lineage.py)
                if any(path.startswith(left) for left in getattr(roots[owner], "apart", {}).get(period_id, ())):
                    continue
                key = (owner, indicator_id, period_id)
                if key not in highest or value > highest[key]:
                    highest[key] = value
    return highest


def _lowest_below(pairs, plans, named, period, asked):
    """{(unit id, indicator id, period id): the lowest figure of the units directly below the unit (in force at the
    period's end, with their predecessors' values)} for the targets whose horizon sets a floor across those units
    ("ít nhất 85% …, không có tỉnh nào dưới 60%") judged at the territory that issued them (the issuer, or the
    country, province or commune a body such as the Politburo or a Sở belongs to): the issuers, the lineage and
    one grouped roll-up of the units below; no query without such a target."""
    floored = [(unit, target) for unit, targets in pairs for target in targets
               if (horizon := plans[target.id][0]) is not None and horizon.floor_value is not None
               and not named[target.id] and target.comparator != Comparator.LTE]
    if not floored:
        return {}
    # a body issues for the territory it belongs to: the Politburo for the country, a Sở for its province
    places = {pk: pk if kind in TERRITORIES or parent is None else parent for pk, kind, parent in
              Unit.objects.filter(pk__in={t.document.issuer_id for _u, t in floored}).values_list("pk", "kind",
                                                                                                   "parent_id")}
    # judged at the territory and at the body itself (its plan's pages, its report): both read the territory's
    # units below, so that every page says the same of the target
    wanted, territory_of = {}, {}
    for unit, target in floored:
        issuer = target.document.issuer_id
        if unit.pk in (issuer, places.get(issuer)):
            wanted.setdefault(unit.pk, {})[target.indicator_id] = target.indicator
            territory_of[unit.pk] = places.get(issuer, issuer)
    if not wanted:
        return {}
    # the units below that a floor is about: provinces, communes, schools (not a Sở or an office of the territory)
    below = list(Unit.objects.filter(parent_id__in=set(territory_of.values()), kind__in=TERRITORIES)
                 .valid_on(period.end).with_lineage_mark())
    indicators = {pk: indicator for each in wanted.values() for pk, indicator in each.items()}
    rows = _subtree_rows(indicators.values(), below, asked, subtree_roots(below))
    parent_of = {unit.pk: unit.parent_id for unit in below}
    lowest = {}  # (territory id, indicator id, period id): the lowest figure below
    for (unit_id, indicator_id, period_id), parts in rows.items():
        figure = rolled_figure(indicators[indicator_id], False, parts)
        key = (parent_of[unit_id], indicator_id, period_id)
        if figure is not None and (key not in lowest or figure.value < lowest[key]):
            lowest[key] = figure.value
    return {(unit_id, indicator_id, period_id): value for unit_id, each in wanted.items() for indicator_id in each
            for (territory, low_indicator, period_id), value in lowest.items()
            if territory == territory_of[unit_id] and low_indicator == indicator_id}


def _year_baselines(pairs, named, roots, period):
    """{(unit id, target id): the unit's figure at the end of the baseline year} for the targets that name their
    baseline's year but not its figure ("tăng ít nhất 20% … so với năm 2025"): the latest complete figure
    (latest_complete: not one school's of eight) of a period ended by 31/12 of that year (and by the chosen period's end: no later figure is known then), what the target's path
    starts from (status.path_start), whatever period is chosen. Before
    28/11/2026 the baseline was the earliest figure of the chosen period's trend, so a growth target's goal moved
    with the period: met at one semester, short of a higher goal at the next with a higher figure. Two or three
    queries, none without such a target; a target about named units keeps the trend's first figure."""
    from periods.models import Period

    wanted = [(unit, target) for unit, targets in pairs for target in targets
              if target.baseline_value is None and target.baseline_year and not named[target.id]]
    if not wanted:
        return {}
    last = min(date(max(target.baseline_year for _unit, target in wanted), 12, 31), period.end)
    # the latest first; of two ending the same day, the shorter (a semester before its school year)
    periods = sorted(Period.objects.filter(end__lte=last), key=lambda p: (p.end, p.start), reverse=True)
    if not periods:
        return {}
    units = list({unit.pk: unit for unit, _target in wanted}.values())
    targets = list({target.pk: target for _unit, target in wanted}.values())
    entries = _entries(targets, units, periods)
    sums = _subtree_rows({target.indicator for target in targets}, units, periods, roots)
    result = {}
    for unit, target in wanted:
        end = min(date(target.baseline_year, 12, 31), period.end)
        known = []  # oldest first, as the trend: the figure judged is the latest complete one (latest_complete)
        for p in reversed(periods):
            if p.end > end:
                continue
            parts = sums.get((unit.pk, target.indicator_id, p.id))
            figure = _figure(entries.get((unit.pk, target.pk, p.id)),
                             rolled_figure(target.indicator, target.each_unit, parts) if parts else None)
            if figure is not None:
                known.append((p, figure))
        judged = latest_complete(known)
        if judged:
            result[(unit.pk, target.pk)] = judged[1].value
    return result


def latest_complete(known):
    """Of a target's figures [(period, Figure)], oldest first, the (period, figure) it is judged on: the latest, unless
    that is a roll-up from fewer than half the units whose reports made the last complete figure before it (one
    school of eight has reported this semester: 1/1 schools at national standard would read "100%, Đạt" for a
    ward whose last complete figure was 3/8). A provisional figure stays in the trend; the status waits for the
    rest of the units and, meanwhile, is the last complete figure's, its period named on the pages (figure_from).
    A figure entered for the target by its unit is never provisional; a subtree that shrank (a school closed) is
    judged on its new figure as soon as half of it has reported."""
    chosen, complete_units = None, 0
    for period, figure in known:
        units = None if figure.entered else figure.reporting_units
        if units is None or units * 2 >= complete_units:
            chosen = (period, figure)
            complete_units = units or 0
    return chosen


def _entries(targets, units, periods):
    """{(unit id, target id, period id): value} entered for the targets. Only the unit that issued a
    target enters its figures (targets.actions.save_progress_value), so no other unit is asked."""
    issuers = {target.document.issuer_id for target in targets}
    at = [unit for unit in units if unit.pk in issuers]
    if not at:
        return {}
    # asked by plan, not by a list of every target's id (a province's preview: 7,200 of them, slow to send and plan);
    # a few targets (an edit row, a save) by their ids, not their plan's every value
    asked = {target.id for target in targets}
    of_targets = ({"target_id__in": asked} if len(asked) <= BY_ID
                  else {"target__document__in": {t.document_id for t in targets}})
    # unordered: the model's ordering joins the periods, units and indicators only to sort rows put in a dict
    values = (ProgressValue.objects.filter(**of_targets, unit__in=at, period__in=periods)
              .select_related("entered_by").order_by())
    return {(value.unit_id, value.target_id, value.period_id): value for value in values if value.target_id in asked}


def _named_within(target, unit, named, roots):
    """The named units of a target that count at a unit: all of them where the target was issued,
    below that those inside the unit's subtree."""
    if not named or target.document.issuer_id == unit.pk:
        return named
    return [each for each in named if any(each.path.startswith(root.path) for root in roots)]


def plan_statuses(targets, unit, period, trend_periods=None, *, roots=None):
    """[TargetStatus] of the targets at one unit for a period, in the targets' order (evaluate_targets), without
    the targets about named units outside the unit's subtree (TargetStatus.outside: another school's)."""
    targets = list(targets)
    statuses = evaluate_targets(targets, [unit], period, trend_periods, roots=roots)
    return [status for status in (statuses[(unit.pk, target.pk)] for target in targets) if not status.outside]


def repeat_key(target, whole=None):
    """What makes two targets of a plan the same target stated twice: the indicator, the units named, the
    comparison and every horizon (horizons and scope units prefetched), and the target it is part of: `whole`, the
    whole's own key when known (a part of a repeated whole is repeated with it), else the whole's id."""
    return (target.document_id, target.indicator_id, whole if whole is not None else target.part_of_id,
            target.each_unit, target.comparator, target.value_kind,
            tuple(sorted(unit.pk for unit in target.rows_of("scope_units"))),
            tuple(sorted((h.label, h.value, h.value_max) for h in target.rows_of("horizons"))))


def fold_repeats(statuses):
    """The statuses with each target the plan repeats in another section shown once: the first keeps its
    place, and `sections` names every section stating it (distinct, in the plan's order). "100% … trong đó vào
    lớp 10 công lập 80–85%" stated in two sections is one whole and one part, not two parts of two wholes."""
    targets = {item.target.pk: item.target for item in statuses}
    keys = {}

    def key_of(target, depth=0):
        if target.pk not in keys:
            whole = targets.get(target.part_of_id) if target.part_of_id and depth < 10 else None
            keys[target.pk] = repeat_key(target, key_of(whole, depth + 1) if whole is not None else None)
        return keys[target.pk]

    kept = {}
    for item in statuses:
        first = kept.setdefault(key_of(item.target), item)
        label = item.target.section_label
        if label and label not in first.sections:
            first.sections.append(label)
    return list(kept.values())


def target_row(target, period, among=None):
    """A target of the list, at the unit that issued it (`among`: the periods the page has read)."""
    return plan_statuses([target], target.document.issuer, period, trend_periods(period, among=among))[0]


def status_counts(statuses):
    from .status import STATUS_ORDER

    counts = dict.fromkeys(STATUS_ORDER, 0)
    for item in statuses:
        counts[item.status] += 1
    return counts


CHILDREN_SHOWN = 5  # a target or task made concrete by at most this many lower plans lists their items
LOWER_PLANS_SHOWN = 30  # the lower plans named on a page of the coverage (paged)


@dataclass
class Coverage:
    """How a plan is carried down: which targets and tasks lower plans make concrete, which none picks up.

    `targets`, `tasks`: [(item, [child items], number of lower plans that made it concrete, number of the lower plans
    declaring they implement it that did not)]: the child items are listed for an item at most CHILDREN_SHOWN plans
    took up, counted beyond (a province plan's target is taken up by a hundred communes, the Politburo's by
    thousands of plans). `lower_plans`: a page (LOWER_PLANS_SHOWN) of the lower plans that declare they implement
    it, `lower_count` of them in all."""

    targets: list
    tasks: list
    lower_plans: object  # a Paginator page
    lower_count: int

    @property
    def uncovered_targets(self):
        return [t for t, children, units, missing in self.targets if not units]

    @property
    def uncovered_tasks(self):
        return [t for t, children, units, missing in self.tasks if not units]

def _plans_per_parent(children, lower):
    """{parent pk: (how many lower plans have an item under it, how many of the plans in `lower` do)}: one
    grouped query."""
    declared = Q(document__in=lower.values("pk"))
    return {row["parent"]: (row["n"], row["declared"]) for row in children.values("parent").annotate(
        n=Count("document", distinct=True), declared=Count("document", distinct=True, filter=declared)).order_by()}


def plan_coverage(document, unit=None, page=None):
    """The plan's targets and tasks with the lower plans' items that make them concrete: at most nine queries
    whatever the number of lower plans (the items listed only where few plans took them up; the others counted),
    and a page of the lower plans."""
    from plans.models import Task

    from .models import Target

    below = Q(document__issuer__path__startswith=unit.path) if unit is not None else Q()
    lower = document.implemented_by.all()
    if unit is not None:
        lower = lower.filter(issuer__path__startswith=unit.path)
    shown = Paginator(lower.select_related("issuer").order_by("issuer__path", "pk"), LOWER_PLANS_SHOWN).get_page(page)
    count = shown.paginator.count
    child_targets = Target.objects.filter(below, parent__document=document)
    child_tasks = Task.objects.filter(below, parent__document=document)
    target_plans, task_plans = _plans_per_parent(child_targets, lower), _plans_per_parent(child_tasks, lower)
    few = [pk for pk, (n, _) in target_plans.items() if n <= CHILDREN_SHOWN]
    children, listed = {}, set()
    for child in (child_targets.filter(parent__in=few).select_related("document", "document__issuer", "indicator")
                  .order_by("document__issuer__path", "order")):
        # a lower plan stating the same target in two sections makes it concrete once, not twice (fold_repeats)
        if (child.parent_id, child.document_id, child.indicator_id) not in listed:
            listed.add((child.parent_id, child.document_id, child.indicator_id))
            children.setdefault(child.parent_id, []).append(child)
    few_tasks = [pk for pk, (n, _) in task_plans.items() if n <= CHILDREN_SHOWN]
    task_children = {}
    for child in child_tasks.filter(parent__in=few_tasks).select_related("document", "document__issuer"):
        task_children.setdefault(child.parent_id, []).append(child)

    def row(item, items, plans):
        taken, declared = plans.get(item.pk, (0, 0))
        return (item, items.get(item.pk, []), taken, count - declared)

    targets = [row(t, children, target_plans)
               for t in document.targets.targets().select_related("indicator").order_by("order")]
    tasks = [row(t, task_children, task_plans) for t in document.tasks.select_related("group", "lead_unit")]
    return Coverage(targets=targets, tasks=tasks, lower_plans=shown, lower_count=count)


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
