"""Reads over school reports: who has submitted what for a period, the reporting rate, the to-do lists."""

from dataclasses import dataclass
from decimal import Decimal

from django.core.paginator import Paginator
from django.db.models import Case, Count, Exists, F, FilteredRelation, OuterRef, Q, Subquery, Value, When
from django.utils import timezone

from periods.models import PeriodException
from targets.models import ProgressValue, Target
from units.collation import vietnamese_sort_key
from units.models import Unit, UnitKind, UnitSuccession

from .models import ReportStatus, SchoolReport

NOT_STARTED = "not_started"
LATE = "late"


@dataclass
class SchoolRow:
    school: Unit
    report: SchoolReport | None
    state: str
    state_label: str
    exception: object = None


STATE_LABELS = {NOT_STARTED: "Chưa bắt đầu", LATE: "Trễ hạn", **dict(ReportStatus.choices)}


def schools_reporting(unit, period):
    """The schools under the unit (None: every school) that report for the period: those in force during it, less
    one merged into another school by its end (the receiving school reports for the whole period, the merged
    school's pupils and teachers with its own: both reporting would count them twice) unless its report for it is
    in already (sent and kept: a draft or a report returned to it is not)."""
    merged = UnitSuccession.objects.filter(predecessor=OuterRef("pk"), kind=UnitSuccession.Kind.MERGE,
                                           effective_on__lte=period.end)
    # sent in and kept (a draft, or a report returned to it, is not: the receiving school reports for the period)
    reported = SchoolReport.objects.filter(school=OuterRef("pk"), period=period, status__in=REPORTED)
    schools = Unit.objects.schools() if unit is None else Unit.objects.in_subtree(unit).schools()
    return schools.in_force_during(period.start, period.end).filter(~Exists(merged) | Exists(reported))


def expected_schools(asked):
    """{(unit id, period id): {levels (a sorted tuple): schools}} for each (unit, roots, period) asked: the schools
    that report for the period (schools_reporting) under the unit or one of its predecessors (`roots`,
    targets.queries.subtree_roots; less those whose figures of the period its lineage leaves out), counted by their
    levels. The evaluation holds back a target over every school
    while some of them have not given its figure (targets.queries.count_expected_schools_with, registered in
    reports/apps.py). One query, whatever the units and periods (one part per period, joined by UNION ALL)."""
    by_period, result = {}, {}
    for unit, roots, period in asked:
        by_period.setdefault(period.pk, (period, {}))[1].setdefault(unit.pk, roots)
        result[(unit.pk, period.pk)] = {}
    owners = {}  # {(period id, root path): the units whose schools include those under it}
    parts = []
    for period, units in by_period.values():
        for unit_id, roots in units.items():
            for root in roots:
                owners.setdefault((period.pk, root.path), []).append(unit_id)
        parts.append(schools_reporting(None, period).in_subtrees([root for roots in units.values() for root in roots])
                     .annotate(period_id=Value(period.pk)).values_list("period_id", "path", "levels").order_by())
    if not parts:
        return result
    for period_id, path, levels in parts[0].union(*parts[1:], all=True):
        key = tuple(sorted(levels or ()))
        end = 0
        while (end := path.find("/", end + 1)) != -1:  # every ancestor's path is a prefix ending with "/"
            for owner in owners.get((period_id, path[:end + 1]), ()):
                # a merged ward's school whose figures of the period are in the ward's own report (targets/lineage.py)
                left_out = getattr(by_period[period_id][1][owner], "apart", {}).get(period_id, ())
                if any(path.startswith(left) for left in left_out):
                    continue
                counts = result[(owner, period_id)]
                counts[key] = counts.get(key, 0) + 1
    return result


def merged_on(schools):
    """{school pk: the day it was merged into another school} of those of `schools` merged: one query."""
    return dict(UnitSuccession.objects.filter(predecessor__in=schools, kind=UnitSuccession.Kind.MERGE)
                .order_by("effective_on").values_list("predecessor_id", "effective_on"))


def merged_into(school, period):
    """The UnitSuccession by which the school was merged into another by the period's end (its successor named), or
    None: that successor reports for the period, the merged school's pupils and teachers with its own."""
    return (UnitSuccession.objects.filter(predecessor=school, kind=UnitSuccession.Kind.MERGE,
                                          effective_on__lte=period.end).select_related("successor").first())


def reports_for(school, period, merged=None):
    """Whether the school reports for the period (as schools_reporting, for one school without a report for it):
    in force during it and not merged into another school by its end. `merged`: merged_on() already read."""
    merged = merged_on([school]) if merged is None else merged
    day = merged.get(school.pk)
    return school.is_in_force_during(period.start, period.end) and (day is None or day > period.end)


def completeness(unit, period, today=None):
    """Each school under the unit with its report's state for the period, in three queries."""
    today = today or timezone.localdate()
    schools = list(schools_reporting(unit, period).order_by("path"))
    reports = {r.school_id: r for r in SchoolReport.objects.filter(period=period, school__in=schools)}
    exceptions = {e.unit_id: e for e in period.exceptions.filter(unit__in=schools)}
    rows = []
    for school in schools:
        report = reports.get(school.pk)
        state = report.status if report else NOT_STARTED
        if state in (NOT_STARTED, ReportStatus.DRAFT) and today > period.deadline:
            state = LATE
        rows.append(SchoolRow(school=school, report=report, state=state, state_label=STATE_LABELS[state],
                              exception=exceptions.get(school.pk)))
    return rows


REPORTED = (ReportStatus.SUBMITTED, ReportStatus.APPROVED)


# --- completeness at any scope: counted in SQL, summarised by the level below, paged ----------------------

COMPLETENESS_PAGE = 50  # rows of the completeness page and of the drill-down at most


@dataclass(frozen=True)
class StateCounts:
    """How many of a unit's schools stand in each state of their report for a period (NULL: not started)."""

    schools: int = 0
    not_started: int = 0
    draft: int = 0
    submitted: int = 0
    returned: int = 0
    approved: int = 0

    def __add__(self, other):
        return StateCounts(*(a + b for a, b in zip(self._values(), other._values(), strict=True)))

    def _values(self):
        return (self.schools, self.not_started, self.draft, self.submitted, self.returned, self.approved)

    @property
    def reported(self):
        """Submitted or approved: what the reporting rate counts."""
        return self.submitted + self.approved

    @property
    def missing(self):
        return self.schools - self.reported

    @property
    def rate(self):
        return ReportingRate(self.reported, self.schools)

    def late(self, period, today=None):
        """How many schools are late: not started or a draft after the deadline (none before it)."""
        return self.not_started + self.draft if (today or timezone.localdate()) > period.deadline else 0

    def labelled(self, period, today=None):
        """[(label, state, n)] as state_counts gives them: after the deadline, not started and drafts are late."""
        late = (today or timezone.localdate()) > period.deadline
        counts = {NOT_STARTED: 0 if late else self.not_started, LATE: self.not_started + self.draft if late else 0,
                  ReportStatus.DRAFT: 0 if late else self.draft, ReportStatus.SUBMITTED: self.submitted,
                  ReportStatus.RETURNED: self.returned, ReportStatus.APPROVED: self.approved}
        return [(label, state, counts.get(state, 0)) for state, label in STATE_LABELS.items()]


def _schools_with_report(unit, period):
    """The schools under the unit reporting for the period (schools_reporting), each joined to its report for it
    (if any) as `report`: a school opened since, closed before it or merged into another, is not counted in it."""
    return (schools_reporting(unit, period)
            .annotate(report=FilteredRelation("school_reports", condition=Q(school_reports__period=period))))


_STATE_COUNTS = {
    "schools": Count("pk"),
    "not_started": Count("pk", filter=Q(report__isnull=True)),
    **{status: Count("pk", filter=Q(report__status=status)) for status in
       (ReportStatus.DRAFT, ReportStatus.SUBMITTED, ReportStatus.RETURNED, ReportStatus.APPROVED)},
}


def _child_below(unit):
    """The unit one level below `unit` on the way down to a row of its subtree (the row itself when it is
    one level down; rows lie at most four levels down: a school under a former district under a province)."""
    depth = unit.depth
    return Case(When(depth=depth + 1, then=F("pk")), When(depth=depth + 2, then=F("parent_id")),
                When(depth=depth + 3, then=F("parent__parent_id")), default=F("parent__parent__parent_id"))


def late_schools(unit, period, limit, today=None):
    """The first `limit` schools under the unit late with their report for the period (not started or a draft
    after the deadline; none before it), in the tree's order: one query."""
    if (today or timezone.localdate()) <= period.deadline:
        return []
    late = Q(report__isnull=True) | Q(report__status=ReportStatus.DRAFT)
    return list(_schools_with_report(unit, period).filter(late).select_related("parent").order_by("path")[:limit])


def state_totals(unit, period):
    """The StateCounts of all the schools under the unit, in one query."""
    return StateCounts(**_schools_with_report(unit, period).aggregate(**_STATE_COUNTS))


def state_counts_by_child(unit, period):
    """{pk of a unit directly below `unit`: StateCounts of the schools under it} in one grouped query."""
    rows = (_schools_with_report(unit, period).annotate(child=_child_below(unit)).order_by()
            .values("child").annotate(**_STATE_COUNTS))
    return {row.pop("child"): StateCounts(**row) for row in rows}


@dataclass
class ChildRow:
    """A unit directly below the page's unit, with its schools' report states for the period."""

    unit: Unit
    counts: StateCounts


def completeness_by_child(unit, period):
    """The units directly below `unit` that follow schools (communes of a province, provinces of the
    country, or a school directly below), with their schools' counts, and the total: two queries."""
    counts = state_counts_by_child(unit, period)
    children = (unit.children.current()
                .filter(Q(kind__in=[UnitKind.PROVINCE, UnitKind.COMMUNE, UnitKind.SCHOOL]) | Q(pk__in=list(counts))))
    # in Vietnamese order ("Phường Hải An" before "Phường Hòa Bình"), not the database's code points
    children = sorted(children, key=lambda child: vietnamese_sort_key(child.name))
    rows = [ChildRow(child, counts.get(child.pk, StateCounts())) for child in children]
    return rows, sum((row.counts for row in rows), StateCounts())


def completeness_page(unit, period, total, page=None, today=None):
    """One page (COMPLETENESS_PAGE rows) of the schools under a commune, each with its state for the period,
    in one query: the school, its report's status and time, the end of its entry exception. `total`: the
    unit's StateCounts, whose number of schools pages them without counting again."""
    today = today or timezone.localdate()
    exception = PeriodException.objects.filter(period=period, unit=OuterRef("pk")).values("open_until")[:1]
    schools = (_schools_with_report(unit, period).order_by("path")
               .annotate(report_status=F("report__status"), submitted_at=F("report__submitted_at"),
                         exception_until=Subquery(exception)))
    page = Paginator(_Counted(schools, total.schools), COMPLETENESS_PAGE).get_page(page)
    for school in page:
        state = school.report_status or NOT_STARTED
        if state in (NOT_STARTED, ReportStatus.DRAFT) and today > period.deadline:
            state = LATE
        school.state, school.state_label = state, STATE_LABELS[state]
    return page


class _Counted:
    """A QuerySet whose length is already known (from an aggregate): a Paginator over it slices, never counts."""

    def __init__(self, queryset, count):
        self.queryset, self.length = queryset, count

    def __len__(self):
        return self.length

    def __getitem__(self, index):
        return self.queryset[index]


@dataclass(frozen=True)
class ReportingRate:
    """How many of the schools under a unit have submitted (or had approved) their report for a period.

    `percent` is exact; it is rounded only where it is written (targets.fields.format_percent, the
    workbook's number format).
    """

    submitted: int
    schools: int

    @property
    def percent(self):
        return None if not self.schools else Decimal(self.submitted) * 100 / self.schools


def reporting_rate(unit, period, rows=None):
    """The reporting rate of the schools under the unit for the period: from the page's completeness
    rows when it has them, else one count in SQL. The home page, the completeness page, the dashboard
    and the report builders all take it from here."""
    if rows is not None:
        return ReportingRate(sum(1 for row in rows if row.state in REPORTED), len(rows))
    reported = Q(school_reports__period=period, school_reports__status__in=REPORTED)
    counts = schools_reporting(unit, period).aggregate(
        schools=Count("pk", distinct=True), submitted=Count("school_reports", filter=reported))
    return ReportingRate(counts["submitted"], counts["schools"])


def state_counts(rows):
    counts = dict.fromkeys(STATE_LABELS, 0)
    for row in rows:
        counts[row.state] += 1
    return [(STATE_LABELS[state], state, n) for state, n in counts.items()]


def reports_awaiting_review(units):
    condition = Q(pk__in=[])
    for unit in units:
        condition |= Q(school__path__startswith=unit.path)
    return SchoolReport.objects.filter(condition, status=ReportStatus.SUBMITTED).select_related("school", "period")


def targets_awaiting_update(unit, period):
    """The unit's in-force targets with nothing entered for the period (school-collected ones excluded)."""
    entered = ProgressValue.objects.filter(target=OuterRef("pk"), period=period)
    return (Target.objects.filter(document__issuer=unit, document__status="in_force", is_projection=False,
                                  indicator__collected_from_schools=False)
            .exclude(Exists(entered)).select_related("indicator", "document").order_by("document", "order"))


def school_reports_of(school):
    return (SchoolReport.objects.filter(school=school).select_related("period").order_by("-period__start")
            .annotate(n_entries=Count("entries")))
