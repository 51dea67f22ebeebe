"""Where a merged unit's figures of a period count: once, in its own report if it sent one for the period, otherwise
in its successor's.

A merge keeps the old unit's history where it was recorded and the successor's reads add it up (UnitSuccession,
targets.queries.subtree_roots); the merge also moves the old ward's schools in force under the successor with
their whole history (units.maintenance.merge_communes, UnitSuccession.moved). A ward that sent its report for a
period before the merge (or after it, for a period before it) already gave the province its schools' figures of
that period: its successor's figure of that period leaves out the old ward's subtree and the schools that came from
it, or the province's consolidation counts them twice. A period the old ward did not send counts in its successor's,
as before. Which periods a unit sent is periods.ReportedPeriod, kept by the reports layer as it sends and as a
returned report is finalised again.
"""

from django.db.models import Case, IntegerField, Q, Value, When

from periods.models import ReportedPeriod
from units.models import UnitSuccession

from .models import ProgressValue


class Lineage(list):
    """A unit's roots (the unit and its predecessors, none inside another: subtree_roots), and `apart`: {period id:
    [paths]} the subtrees whose figures of that period count in a predecessor's own report, left out of the unit's."""

    def __init__(self, roots, apart=None):
        super().__init__(roots)
        self.apart = apart or {}


def reported_apart(predecessors):
    """{predecessor id: {period id: [paths]}}: for each period a predecessor reported itself, its own subtree and the
    units its merge moved to its successor. One query (the periods, the moves joined), none without predecessors."""
    if not predecessors:
        return {}
    paths = {unit.pk: unit.path for unit in predecessors}
    found = {}
    rows = (ReportedPeriod.objects.filter(unit_id__in=paths)
            .values_list("unit_id", "period_id", "unit__successor_links__moved__path").order_by())
    for unit_id, period_id, moved in rows:
        left_out = found.setdefault(unit_id, {}).setdefault(period_id, [paths[unit_id]])
        if moved and moved not in left_out:
            left_out.append(moved)
    return found


def lineage_of(unit, roots, predecessors, apart):
    """The Lineage of `unit`: its `roots` with what its `predecessors` reported apart (reported_apart's `apart`)."""
    periods = {}
    for predecessor in predecessors:
        for period_id, paths in apart.get(predecessor.pk, {}).items():
            periods.setdefault(period_id, []).extend(paths)
    return Lineage(roots, periods)


def apart_rows(indicators, units, periods, roots, aggregates):
    """({(unit id, period id)}, {(unit id, indicator id, period id): aggregate row}): the units and periods whose
    lineage leaves some figures out (Lineage.apart), and their rows from the values themselves: the roll-up table
    holds whole subtrees, and a minimum cannot be taken out of one. One query for all of them (the units are one, or
    siblings: their subtrees do not overlap), none when nothing is left out."""
    cut = [(unit.pk, period.pk, paths) for unit in units for period in periods
           if (paths := getattr(roots[unit.pk], "apart", {}).get(period.pk))]
    if not cut:
        return set(), {}
    whens = []
    for index, (unit_id, period_id, paths) in enumerate(cut):
        inside = Q(pk__in=[])
        for root in roots[unit_id]:
            inside |= Q(unit__path__startswith=root.path)
        for path in paths:
            inside &= ~Q(unit__path__startswith=path)
        whens.append(When(Q(period_id=period_id) & inside, then=Value(index)))
    rows = (ProgressValue.objects.filter(target__isnull=True, indicator__in=list(indicators),
                                         period_id__in={period_id for _unit, period_id, _paths in cut})
            .annotate(cut=Case(*whens, default=None, output_field=IntegerField())).filter(cut__isnull=False)
            .values("cut", "indicator_id").annotate(**aggregates).order_by())
    found = {}
    for row in rows:
        unit_id, period_id, _paths = cut[row.pop("cut")]
        found[(unit_id, row.pop("indicator_id"), period_id)] = row
    return {(unit_id, period_id) for unit_id, period_id, _paths in cut}, found


def moved_by(merged):
    """{unit id: [units]}: the units the merge of each of `merged` (units merged into another) moved to its successor.
    One query, none for no unit."""
    if not merged:
        return {}
    found = {}
    through = UnitSuccession.moved.through.objects.filter(unitsuccession__predecessor__in=list(merged),
                                                          unitsuccession__kind=UnitSuccession.Kind.MERGE)
    for link in through.select_related("unit", "unitsuccession").order_by("unit__path"):
        found.setdefault(link.unitsuccession.predecessor_id, []).append(link.unit)
    return found


def as_reported(lineage, moved):
    """The Lineage of a merged unit for a period it reported itself: its figures of that period are its report's,
    which counted its subtree and the units its merge has moved since (`moved`), so its figure takes them in too (and
    its successor's leaves them out: reported_apart); the parent's rows then add up to the parent's own figure."""
    return Lineage([*lineage, *moved], getattr(lineage, "apart", {}))
