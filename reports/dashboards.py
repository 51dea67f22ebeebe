"""Assemblies for the leaders' dashboards: a unit's plan at a glance, and its subordinate units side by side.

Everything here reads through targets.queries and targets.status, the same functions the Excel and
PDF builders use, so screen and paper agree.
"""

from dataclasses import dataclass, field

from django.db.models import Q
from django.utils import timezone

from plans.models import Document, Task, TaskStatus
from targets.models import EVALUATION_CRITERIA, Category, Target
from targets.queries import child_rollups, plan_statuses, status_counts
from targets.status import STATUS_ORDER, Status, current_horizon, evaluate
from units import access
from units.models import Unit, UnitKind

from . import queries
from .models import Period

TREND_LENGTH = 8


def dashboard_units(user):
    """Units whose dashboard the user may open: their scope roots and every unit below that has schools."""
    roots = access.scope_roots(user) if not access.is_system_admin(user) else list(Unit.objects.filter(depth=0))
    kinds = [UnitKind.PROVINCE, UnitKind.COMMUNE, UnitKind.SCHOOL, UnitKind.CENTRAL]
    return list(Unit.objects.in_subtrees(roots).filter(kind__in=kinds).current().order_by("path"))


BODY_KINDS = [UnitKind.CENTRAL, UnitKind.DEPARTMENT, UnitKind.ORGANISATION, UnitKind.COMMUNE_OFFICE]


def plans_for(unit):
    """Plans with targets that apply to the unit: its own first, then those issued above it (by its
    ancestors or by the bodies of their level, such as the Politburo or the city Party committee)."""
    prefixes = unit.path_prefixes()
    issuers = Q(issuer__path__in=prefixes) | Q(issuer__parent__path__in=prefixes, issuer__kind__in=BODY_KINDS)
    plans = (Document.objects.filter(issuers, targets__is_projection=False).distinct().select_related("issuer"))
    return sorted(plans, key=lambda d: (d.issuer_id != unit.pk, -d.issuer.depth, d.title))


def trend_periods(period):
    """The chosen period and those that ended before it (semesters and school years), oldest first."""
    earlier = Period.objects.filter(end__lte=period.end).exclude(kind__in=["half_year", "year"]).order_by("-end", "-start")
    return sorted(earlier[:TREND_LENGTH], key=lambda p: (p.end, -p.start.toordinal()))


@dataclass
class CriterionGroup:
    key: str
    label: str
    items: list = field(default_factory=list)

    def counts(self):
        return status_counts(self.items)


def unit_dashboard(unit, document, period):
    targets = (Target.objects.filter(document=document).targets()
               .select_related("indicator", "document", "part_of").prefetch_related("horizons", "scope_units"))
    statuses = plan_statuses(targets, unit, period, trend_periods(period))
    groups = {key: CriterionGroup(key, label) for key, label in Category.choices}
    for item in statuses:
        groups[item.target.category].items.append(item)
    ordered = [groups[c] for c in EVALUATION_CRITERIA] + [g for k, g in groups.items() if k not in EVALUATION_CRITERIA]
    rows = queries.completeness(unit, period) if unit.kind != UnitKind.SCHOOL else []
    return {
        "statuses": statuses, "groups": [g for g in ordered if g.items], "counts": status_counts(statuses),
        "status_order": [(s, Status(s).label) for s in STATUS_ORDER],
        "reporting_rate": queries.reporting_rate(rows), "schools": len(rows),
        "overdue_tasks": overdue_tasks(document, unit),
        "chart_data": chart_data(statuses, ordered),
    }


def chart_data(statuses, groups):
    """What the page's charts draw: each target's trend, and the status breakdown per criterion."""
    return {
        "trends": {
            str(item.target.pk): {
                "labels": [p.name.replace("Học kỳ ", "HK ").replace(" năm học ", " ") for p, _ in item.series],
                "values": [None if v is None else round(float(v), 2) for _, v in item.series],
                "goal": None if item.evaluation.goal is None else float(item.evaluation.goal),
            }
            for item in statuses
        },
        "breakdown": {
            "labels": [g.label for g in groups if g.items],
            "datasets": [
                {"status": status, "label": Status(status).label,
                 "data": [g.counts()[status] for g in groups if g.items]}
                for status in STATUS_ORDER
            ],
        },
    }


def overdue_tasks(document, unit):
    """Tasks of the plan past their due date and not done, or marked late, led in the unit's subtree."""
    today = timezone.localdate()
    late = Q(status=TaskStatus.LATE) | (Q(due_date__lt=today) & ~Q(status=TaskStatus.DONE))
    return (Task.objects.filter(document=document).filter(late)
            .filter(Q(lead_unit__isnull=True) | Q(lead_unit__path__startswith=unit.path) | Q(lead_unit=document.issuer))
            .select_related("lead_unit", "group").order_by("due_date"))


@dataclass
class DrillRow:
    unit: Unit
    cells: list  # [(target, Evaluation or None)]
    behind: int = 0


def drilldown(unit, document, period, sort=None):
    """Each unit directly below `unit` by the plan's targets: its value and status, in one grouped query."""
    children = list(unit.children.current().filter(kind__in=[UnitKind.COMMUNE, UnitKind.SCHOOL]).order_by("name"))
    targets = list(Target.objects.filter(document=document).targets().select_related("indicator")
                   .prefetch_related("horizons").order_by("order"))
    sums = child_rollups({t.indicator for t in targets}, unit, trend_periods(period))
    seen, columns = set(), []
    for target in targets:  # one column per indicator (plans repeat a target in several sections)
        if target.indicator_id not in seen and any((c.code, target.indicator_id) in sums for c in children):
            seen.add(target.indicator_id)
            columns.append(target)
    rows = []
    for child in children:
        cells = []
        for target in columns:
            rolled = sums.get((child.code, target.indicator_id))
            value = None if rolled is None else (rolled.lowest if target.each_unit and rolled.lowest is not None
                                                 else rolled.value)
            horizon = current_horizon(target, period.end)
            evaluation = evaluate(target, horizon, value, as_of=period.end, baseline=target.baseline_value,
                                  start=None) if rolled is not None else None
            cells.append((target, evaluation))
        behind = sum(1 for _, e in cells if e and e.status in (Status.BEHIND, Status.AT_RISK))
        rows.append(DrillRow(child, cells, behind))
    rows = _sorted(rows, columns, sort)
    return {"children": rows, "columns": columns}


def _sorted(rows, columns, sort):
    if sort == "behind":
        return sorted(rows, key=lambda r: (-r.behind, r.unit.name))
    if sort and sort.startswith("t"):
        index = next((i for i, t in enumerate(columns) if f"t{t.pk}" == sort), None)
        if index is not None:
            def key(row):
                evaluation = row.cells[index][1]
                return (evaluation is None or evaluation.value is None,
                        evaluation.value if evaluation and evaluation.value is not None else 0)
            return sorted(rows, key=key)
    return rows
