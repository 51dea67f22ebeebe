"""Reads over school reports: who has submitted what for a period, the reporting rate, the to-do lists."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone

from targets.models import ProgressValue, Target
from units.models import Unit

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


def completeness(unit, period, today=None):
    """Each school under the unit with its report's state for the period, in three queries."""
    today = today or timezone.localdate()
    schools = list(Unit.objects.in_subtree(unit).schools().current().order_by("path"))
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
    counts = Unit.objects.in_subtree(unit).schools().current().aggregate(
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
