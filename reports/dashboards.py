"""Assemblies for the leaders' dashboards: a unit's plan at a glance, and its subordinate units side by side.

Everything here reads through targets.queries and targets.status, the same functions the Excel and
PDF builders use, so screen and paper agree.
"""

from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.utils import timezone

from periods.models import Period
from plans.models import Document, Task, TaskStatus
from targets.fields import format_number
from targets.models import EVALUATION_CRITERIA, Category, Target
from targets.queries import child_rollups, plan_statuses, status_counts
from targets.status import STATUS_ORDER, Status, current_horizon, evaluate, path_start
from units import access
from units.models import Unit, UnitKind

from . import queries

TREND_LENGTH = 4  # the chosen period and the three before it: enough for a trend, cheap on a province


def dashboard_units(user):
    """Units whose dashboard the user may open: their scope roots and every unit below that has schools."""
    roots = access.scope_roots(user) if not access.is_system_admin(user) else list(Unit.objects.filter(depth=0))
    kinds = [UnitKind.PROVINCE, UnitKind.COMMUNE, UnitKind.SCHOOL, UnitKind.CENTRAL]
    return list(Unit.objects.in_subtrees(roots).filter(kind__in=kinds).current().order_by("path"))


def plans_for(unit):
    """Plans with targets that apply to the unit: its own first, then those issued above it (by its
    ancestors or by the bodies of their level, such as the Politburo or the city Party committee)."""
    plans = (Document.objects.filter(access.issued_above_condition(unit), targets__is_projection=False)
             .distinct().select_related("issuer"))
    return sorted(plans, key=lambda d: (d.issuer_id != unit.pk, -d.issuer.depth, d.title))


def trend_periods(period):
    """The chosen period and those that ended before it (semesters and school years), oldest first."""
    earlier = Period.objects.filter(end__lte=period.end).exclude(kind__in=["half_year", "year"]).order_by("-end", "-start")
    return sorted(earlier[:TREND_LENGTH], key=lambda p: (p.end, -p.start.toordinal()))


def drill_periods(period):
    """The chosen period and those ending inside it (a school year ends with its second semester)."""
    return sorted(Period.objects.filter(end__gte=period.start, end__lte=period.end), key=lambda p: (p.end, -p.start.toordinal()))


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
    submitted, schools = queries.reporting_counts(unit, period) if unit.kind != UnitKind.SCHOOL else (0, 0)
    return {
        "statuses": statuses, "groups": [g for g in ordered if g.items], "counts": status_counts(statuses),
        "status_order": [(s, Status(s).label) for s in STATUS_ORDER],
        "reporting_rate": submitted * 100 / schools if schools else None, "schools": schools,
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
class DrillCell:
    target: object
    evaluation: object  # None when the unit reported nothing for the target
    text: str


@dataclass
class DrillRow:
    unit: Unit
    cells: list  # [DrillCell] in the order of the columns
    behind: int = 0


def result_text(target, value):
    """A result as the tables print it: "75%", "mức 2", "Đã đạt", "3 phòng"."""
    indicator = target.indicator
    if value is None:
        return "—"
    if indicator.is_rate or target.value_kind == "growth":
        return f"{format_number(value, 1)}%"
    if indicator.kind == "milestone":
        return "Đã đạt" if value else "Chưa đạt"
    if indicator.kind == "level":
        return f"mức {format_number(value)}"
    return f"{format_number(value, 2)} {indicator.unit_label}".strip()


def drilldown(unit, document, period, sort=None, category=None):
    """Each unit directly below `unit` by the plan's targets of one criterion: value and status per cell.

    One criterion at a time keeps the table readable (and a province of 120 communes fast).
    """
    children = list(unit.children.current().filter(kind__in=[UnitKind.COMMUNE, UnitKind.SCHOOL]).order_by("name"))
    plan_targets = Target.objects.filter(document=document).targets()
    sizes = dict(plan_targets.values_list("category").annotate(n=Count("pk")).order_by())
    categories = [(key, label) for key, label in Category.choices if key in sizes]
    if category not in sizes:  # by default the criterion with the most targets
        category = max(sizes, key=lambda key: sizes[key]) if sizes else None
    targets = list(plan_targets.filter(category=category).select_related("indicator", "document")
                   .prefetch_related("horizons").order_by("order"))
    sums = child_rollups({t.indicator for t in targets}, unit, drill_periods(period))
    seen, columns = set(), []
    for target in targets:  # one column per indicator (plans repeat a target in several sections)
        if target.indicator_id not in seen and any((c.pk, target.indicator_id) in sums for c in children):
            seen.add(target.indicator_id)
            columns.append(target)
    plans = {t.pk: (current_horizon(t, period.end), path_start(t, document.start_year or period.start.year))
             for t in columns}
    rows = []
    for child in children:
        cells = []
        for target in columns:
            rolled = sums.get((child.pk, target.indicator_id))
            if rolled is None:
                cells.append(DrillCell(target, None, "—"))
                continue
            value = rolled.lowest if target.each_unit and rolled.lowest is not None else rolled.value
            horizon, start = plans[target.pk]
            evaluation = evaluate(target, horizon, value, as_of=period.end, baseline=target.baseline_value,
                                  start=start if target.baseline_value is not None else None)
            cells.append(DrillCell(target, evaluation, result_text(target, value)))
        behind = sum(1 for c in cells if c.evaluation and c.evaluation.status in (Status.BEHIND, Status.AT_RISK))
        rows.append(DrillRow(child, cells, behind))
    return {"children": _sorted(rows, columns, sort), "columns": columns, "categories": categories,
            "category": category}


def _sorted(rows, columns, sort):
    if sort == "behind":
        return sorted(rows, key=lambda r: (-r.behind, r.unit.name))
    if sort and sort.startswith("t"):
        index = next((i for i, t in enumerate(columns) if f"t{t.pk}" == sort), None)
        if index is not None:
            def key(row):
                evaluation = row.cells[index].evaluation
                return (evaluation is None or evaluation.value is None,
                        evaluation.value if evaluation and evaluation.value is not None else 0)
            return sorted(rows, key=key)
    return rows
