"""Assemblies for the leaders' dashboards: a unit's plan at a glance, and its subordinate units side by side.

Both evaluate the targets through targets.queries.evaluate_targets, as the target list and the Excel
and PDF builders do, so a target has the same figure and status wherever it is shown.
"""

from dataclasses import dataclass, field

from django.core.paginator import Paginator
from django.db.models import Case, Exists, OuterRef, Subquery, When
from django.utils import timezone

from periods.models import ReportedPeriod, trend_periods
from plans.models import Task
from plans.queries import overdue_tasks_for_unit
from targets.details import attach_details
from targets.lineage import as_reported, moved_by
from targets.models import EVALUATION_CRITERIA, Category, Target
from targets.queries import evaluate_targets, fold_repeats, plan_statuses, status_counts, subtree_roots
from targets.status import STATUS_ORDER, Status
from units import access
from units.collation import vietnamese_sort_key
from units.models import Unit, UnitKind, UnitSuccession

from . import queries

DASHBOARD_KINDS = [UnitKind.CENTRAL, UnitKind.PROVINCE, UnitKind.COMMUNE, UnitKind.SCHOOL]
DRILL_PAGE = queries.COMPLETENESS_PAGE  # rows of the drill-down at most


def dashboard_units(user, kinds=DASHBOARD_KINDS):
    """Units whose dashboard the user may open: their scope roots and every unit below that has schools.

    A QuerySet, never listed whole (a national scope holds about 50,000): the picker searches it
    (find_units) and the page looks up the unit it names in it.
    """
    units = Unit.objects.filter(kind__in=kinds).current().with_lineage_mark().order_by("path")
    return units if access.is_system_admin(user) else units.in_subtrees(access.scope_roots(user))


@dataclass
class CriterionGroup:
    key: str
    label: str
    items: list = field(default_factory=list)

    def counts(self):
        return status_counts(self.items)


def unit_dashboard(unit, document, period, periods=None):
    """The dashboard of a unit's plan; `periods`: those the page has read (the trend is taken from them)."""
    # one plan: ordered by the targets' own order (the model's ordering would join the plan to sort by it), and the
    # plan the page read is the targets' plan (not read again on every row); horizons, named units: evaluate_targets
    targets = list(Target.objects.filter(document=document).targets()
                   .select_related("indicator", "part_of__indicator").order_by("order", "pk"))
    for target in targets:
        target.document = document
    # a target the plan states in two sections is one row, naming both (fold_repeats)
    statuses = fold_repeats(plan_statuses(targets, unit, period, trend_periods(period, among=periods)))
    groups = {key: CriterionGroup(key, label) for key, label in Category.choices}
    for item in statuses:
        groups[item.target.category].items.append(item)
    ordered = [groups[c] for c in EVALUATION_CRITERIA] + [g for k, g in groups.items() if k not in EVALUATION_CRITERIA]
    rate = queries.reporting_rate(unit, period) if unit.kind != UnitKind.SCHOOL else queries.ReportingRate(0, 0)
    return {
        "statuses": statuses, "groups": [g for g in ordered if g.items], "counts": status_counts(statuses),
        "status_order": [(s, Status(s).label) for s in STATUS_ORDER],
        "reporting_rate": rate.percent, "schools": rate.schools, "reported_schools": rate.submitted,
        "overdue_tasks": overdue_tasks(document, unit),
        "chart_data": chart_data(statuses, ordered),
    }


def chart_data(statuses, groups):
    """What the page's charts draw: each target's trend, and the status breakdown per criterion."""
    return {
        "trends": {
            str(item.target.pk): {
                "labels": [p.short_name for p, _ in item.series],
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
    """Tasks of the plan past their due date and not done, or marked late, led or coordinated in the unit's subtree
    (plans.queries.overdue_tasks_for_unit); at the plan's own unit or above, also those the plan gives no lead."""
    today = timezone.localdate()
    tasks = overdue_tasks_for_unit(unit, today, document)
    if document.issuer.path.startswith(unit.path):
        unassigned = Task.objects.filter(document=document, lead_unit__isnull=True).overdue(today)
        tasks = (tasks | unassigned).distinct()
    return tasks


@dataclass
class DrillCell:
    target: object
    status: object  # the TargetStatus of the target at the row's unit

    @property
    def evaluation(self):
        """The evaluation when the unit has a figure for the target (the cell shows "—" otherwise)."""
        return self.status.evaluation if self.status.value is not None else None


@dataclass
class DrillRow:
    unit: Unit
    cells: list  # [DrillCell] in the order of the columns
    behind: int = 0
    merged_into: str = ""  # a unit merged since into this one: its row holds the period's figures it sent itself


def drilldown(unit, document, period, sort=None, category=None, periods=None, page=None):
    """Each unit directly below `unit` by the plan's targets of one criterion: figure and status per cell,
    the same as on that unit's own dashboard; `page`: which DRILL_PAGE rows (after sorting) are shown.

    One criterion at a time keeps the table readable (and a province of 120 communes fast); every row
    is evaluated (sorting and the columns need them all, in the same queries) but a page is rendered.
    """
    children = sorted(_children(unit, period), key=_name_key)  # by the name each row shows, in Vietnamese order
    roots = subtree_roots(children)
    merged = [child for child in children if child.merged_into]
    moved = moved_by(merged)  # no query without a merged ward listed
    for child in merged:  # its figures of the period are those of the report it sent (targets/lineage.py)
        roots[child.pk] = as_reported(roots[child.pk], moved.get(child.pk, []))
    plan_targets = list(Target.objects.filter(document=document).targets().select_related("indicator", "document")
                        .order_by("order"))
    attach_details(plan_targets)  # the columns' names read the named units
    sizes = {}
    for target in plan_targets:
        sizes[target.category] = sizes.get(target.category, 0) + 1
    categories = [(key, label) for key, label in Category.choices if key in sizes]
    if category not in sizes:  # by default the criterion with the most targets
        category = max(sorted(sizes), key=sizes.get) if sizes else None
    targets = [t for t in plan_targets if t.category == category]
    statuses = evaluate_targets(targets, children, period, trend_periods(period, among=periods), roots=roots)
    seen, columns = set(), []
    for target in targets:  # one column per indicator (plans repeat a target in several sections)
        if target.indicator_id not in seen and any(statuses[(c.pk, target.pk)].value is not None for c in children):
            seen.add(target.indicator_id)
            # every cell of the column names it, in full: a phone's card shows the name above the figure (the
            # table's head, which shortens it, is hidden there); the sort menu shortens it itself
            target.column_label = target.display_name
            columns.append(target)
    rows = []
    for child in children:
        cells = [DrillCell(target, statuses[(child.pk, target.pk)]) for target in columns]
        behind = sum(1 for c in cells if c.evaluation and c.evaluation.status in (Status.BEHIND, Status.AT_RISK))
        rows.append(DrillRow(child, cells, behind, merged_into=child.merged_into or ""))
    return {"children": Paginator(_sorted(rows, columns, sort), DRILL_PAGE).get_page(page), "columns": columns,
            "categories": categories, "category": category}


def _children(unit, period):
    """The units directly below `unit` in force today, and those merged since into another that sent their own
    report of `period` (periods.ReportedPeriod): their figures of it count in that report, left out of their
    successor's, so the rows add up to `unit`'s figure only with them. Each with `merged_into`, the name of the unit
    it was merged into (None for a unit in force). One query."""
    below = unit.children.filter(kind__in=[UnitKind.PROVINCE, UnitKind.COMMUNE, UnitKind.SCHOOL])
    merges = UnitSuccession.objects.filter(predecessor=OuterRef("pk"), kind=UnitSuccession.Kind.MERGE)
    reported = ReportedPeriod.objects.filter(period=period).values("unit_id")
    today = timezone.localdate()
    return (below.current() | below.filter(pk__in=reported, valid_to__lt=today).filter(Exists(merges))
            ).with_lineage_mark().annotate(merged_into=Case(
                When(valid_to__lt=today, then=Subquery(merges.values("successor__name")[:1])), default=None))


def _name_key(unit):
    """The drill-down's order by name ("Tên đơn vị"): the name its row shows, "MN Hải Thành" before "MN Hòa Nghĩa"
    (not code-point order, which puts "Hòa" first)."""
    return vietnamese_sort_key(unit.short_name or unit.name)


def _sorted(rows, columns, sort):
    if sort == "behind":  # ties stay in name order (sorted is stable; the rows come in name order)
        return sorted(rows, key=lambda r: -r.behind)
    if sort and sort.startswith("t"):
        index = next((i for i, t in enumerate(columns) if f"t{t.pk}" == sort), None)
        if index is not None:
            def key(row):
                evaluation = row.cells[index].evaluation
                return (evaluation is None or evaluation.value is None,
                        evaluation.value if evaluation and evaluation.value is not None else 0)
            return sorted(rows, key=key)
    return rows
