"""Writes of the school-report workflow (save, submit, return, approve), of a period's follow-up
(remind the schools, open a school's entry after the lock) and the request of a report build.

Only approved figures count in the commune's targets: approval turns the report's raw figures into
progress values (one per indicator, rates as numerator and denominator), returning an approved report
removes them again until it is approved anew.
"""

from decimal import Decimal

from django.core.mail import send_mass_mail
from django.db import transaction
from django.utils import timezone

from periods.models import PeriodException
from targets.fields import plain_decimal
from targets.models import ProgressValue, ValueSource
from units import access
from units.models import Membership, Role

from . import builds, queries
from .models import (
    IndicatorSource,
    ReportBuild,
    ReportEvent,
    ReportItem,
    ReportStatus,
    ReportValue,
    SchoolReport,
    SchoolReportEntry,
)
from .tasks import enqueue_builds

# the states of a school's report that a reminder is sent for
REMIND_STATES = (queries.NOT_STARTED, queries.LATE, ReportStatus.DRAFT, ReportStatus.RETURNED)


class WorkflowError(Exception):
    """A workflow step that is not allowed now; the message is shown to the user as is."""


class StaleReportError(WorkflowError):
    """Someone else saved the report since this user opened it."""

    def __init__(self, report):
        super().__init__(
            "Báo cáo vừa được người khác cập nhật. Số liệu trên màn hình là của bạn và chưa được lưu; "
            "hãy xem bản mới nhất rồi lưu lại."
        )
        self.report = report


def applicable_items(school):
    return [item for item in ReportItem.objects.select_related("not_above") if item.applies_to(school)]


def get_or_start_report(*, school, period):
    report, _ = SchoolReport.objects.get_or_create(school=school, period=period)
    return report


def _check_editable(report, by, *, locked):
    if not report.is_editable:
        raise WorkflowError(f"Báo cáo đang ở trạng thái “{report.get_status_display()}”, không thể sửa.")
    if locked:
        raise WorkflowError(
            f"Kỳ báo cáo đã khóa nhập số liệu từ ngày {report.period.locks_on:%d/%m/%Y}. "
            "Hãy đề nghị cán bộ phụ trách của phường/xã gia hạn cho trường."
        )


@transaction.atomic
def save_school_report(*, report, entries, narrative, by, expected_version, locked=False, action=None):
    """Save a draft: every figure and narrative part at once, refused whole if someone saved meanwhile."""
    report = SchoolReport.objects.select_for_update().get(pk=report.pk)
    _check_editable(report, by, locked=locked)
    if report.version != expected_version:
        raise StaleReportError(report)
    items = {item.code: item for item in ReportItem.objects.filter(code__in=entries)}
    existing = {entry.item.code: entry for entry in report.entries.select_related("item")}
    for code, value in entries.items():
        entry = existing.get(code)
        if entry is None:
            SchoolReportEntry.objects.create(report=report, item=items[code], value=value)
        elif entry.value != value:
            entry.value = value
            entry.save(update_fields=["value"])
    for field, text in narrative.items():
        setattr(report, field, text)
    report.version += 1
    report.updated_by = by
    report.save(update_fields=["highlights", "difficulties", "proposals", "version", "updated_by", "updated_at"])
    ReportEvent.objects.create(report=report, action=action or ReportEvent.Action.SAVED, by=by)
    return report


@transaction.atomic
def file_school_report(*, school, period, entries, narrative, by, expected_version, locked, submit):
    """Start the report if needed and save the figures (a refused save leaves nothing behind); then,
    if asked, submit. Returns (report, the reason submitting was refused or None): a refused
    submission keeps the saved draft."""
    report = get_or_start_report(school=school, period=period)
    report = save_school_report(report=report, entries=entries, narrative=narrative, by=by,
                                expected_version=expected_version, locked=locked)
    if not submit:
        return report, None
    try:
        with transaction.atomic():
            report = submit_school_report(report=report, by=by, locked=locked)
    except WorkflowError as error:
        return report, str(error)
    return report, None


def missing_items(report):
    filled = {code for code, value in report.entries_by_code().items() if value is not None}
    return [item for item in applicable_items(report.school) if item.code not in filled]


@transaction.atomic
def submit_school_report(*, report, by, locked=False):
    report = SchoolReport.objects.select_for_update().get(pk=report.pk)
    _check_editable(report, by, locked=locked)
    missing = missing_items(report)
    if missing:
        names = "; ".join(item.label for item in missing[:5]) + ("…" if len(missing) > 5 else "")
        raise WorkflowError(f"Chưa thể nộp: còn {len(missing)} mục chưa nhập số liệu ({names}).")
    report.status = ReportStatus.SUBMITTED
    report.submitted_at = timezone.now()
    report.version += 1
    report.save(update_fields=["status", "submitted_at", "version", "updated_at"])
    ReportEvent.objects.create(report=report, action=ReportEvent.Action.SUBMITTED, by=by)
    return report


@transaction.atomic
def return_school_report(*, report, by, comment):
    """Send a submitted (or approved) report back for correction, with the officer's comment."""
    report = SchoolReport.objects.select_for_update().get(pk=report.pk)
    if not comment.strip():
        raise WorkflowError("Hãy ghi ý kiến để trường biết cần chỉnh sửa gì.")
    if report.status not in (ReportStatus.SUBMITTED, ReportStatus.APPROVED):
        raise WorkflowError("Chỉ trả lại được báo cáo đã nộp hoặc đã duyệt.")
    reopened = report.status == ReportStatus.APPROVED
    if reopened:
        remove_report_values(report)
    report.status = ReportStatus.RETURNED
    report.review_comment = comment.strip()
    report.reviewed_at = timezone.now()
    report.version += 1
    report.save(update_fields=["status", "review_comment", "reviewed_at", "version", "updated_at"])
    action = ReportEvent.Action.REOPENED if reopened else ReportEvent.Action.RETURNED
    ReportEvent.objects.create(report=report, action=action, by=by, comment=report.review_comment)
    return report


@transaction.atomic
def approve_school_report(*, report, by):
    report = SchoolReport.objects.select_for_update().get(pk=report.pk)
    if report.status != ReportStatus.SUBMITTED:
        raise WorkflowError("Chỉ duyệt được báo cáo đã nộp.")
    write_report_values(report, is_demo=False)
    report.status = ReportStatus.APPROVED
    report.reviewed_at = timezone.now()
    report.approved_snapshot = {code: plain_decimal(value) for code, value in report.entries_by_code().items()}
    report.version += 1
    report.save(update_fields=["status", "reviewed_at", "approved_snapshot", "version", "updated_at"])
    ReportEvent.objects.create(report=report, action=ReportEvent.Action.APPROVED, by=by)
    return report


def write_report_values(report, *, is_demo):
    """Turn the report's raw figures into one progress value per indicator the school answers."""
    figures = report.entries_by_code()
    remove_report_values(report)
    rows = []
    sources = IndicatorSource.objects.select_related("indicator", "numerator_item", "denominator_item")
    for source in sources:
        fields = indicator_figures(source, figures)
        if fields is None:
            continue
        rows.append(ProgressValue(
            indicator=source.indicator, unit=report.school, period=report.period, is_demo=is_demo,
            source=ValueSource.DEMO if is_demo else ValueSource.SCHOOL_REPORT, **fields,
        ))
    ProgressValue.objects.bulk_create(rows)
    ReportValue.objects.bulk_create(ReportValue(report=report, value=row) for row in rows)
    return rows


def remove_report_values(report):
    """Take back the progress values an approval of the report wrote."""
    ProgressValue.objects.filter(pk__in=ReportValue.objects.filter(report=report).values("value")).delete()


def indicator_figures(source, figures):
    """The value fields of one indicator from a school's raw figures, or None if it does not answer it."""
    indicator = source.indicator
    numerator = figures.get(source.numerator_item.code)
    if numerator is None:
        return None
    if not indicator.is_rate:
        return {"value": numerator}
    if source.denominator_item is None:
        # a rate of schools: this school counts once, and meets it if the figure is above zero
        return {"numerator": Decimal(1 if numerator > 0 else 0), "denominator": Decimal(1)}
    denominator = figures.get(source.denominator_item.code)
    if not denominator:
        return None
    return {"numerator": min(numerator, denominator), "denominator": denominator}


# --- a period's follow-up -------------------------------------------------------------------------


def remind_schools(*, unit, period, by):
    """Mail the staff of the schools below `unit` that `by` reviews and whose report for `period` is not in.

    Returns (the number of mails sent, the number of schools reminded); staff without an address are skipped.
    """
    schools = [row.school for row in queries.completeness(unit, period)
               if row.state in REMIND_STATES and access.can_review_school(by, row.school)]
    staff = (Membership.objects.active().filter(unit__in=schools, role=Role.SCHOOL_STAFF)
             .select_related("user", "unit"))
    mails = [(f"Nhắc nộp báo cáo {period.name}",
              f"Kính gửi {m.user.get_full_name() or m.user.username} ({m.unit.name}),\n\n"
              f"Trường chưa hoàn thành báo cáo {period.name}; hạn nộp là {period.deadline:%d/%m/%Y}. "
              "Đề nghị nhà trường nhập và nộp báo cáo trên Cổng theo dõi thực hiện Nghị quyết 71.\n\n"
              f"{unit.name}", None, [m.user.email]) for m in staff if m.user.email]
    sent = send_mass_mail(mails, fail_silently=False) if mails else 0
    return sent, len(schools)


@transaction.atomic
def grant_period_exception(*, period, school, open_until, reason, by):
    """Let a school enter its figures after the period locks, until `open_until`; granting again replaces
    the school's earlier exception for the period."""
    exception, _ = PeriodException.objects.update_or_create(period=period, unit=school, defaults={
        "open_until": open_until, "reason": reason, "granted_by": by})
    return exception


# --- report builds ------------------------------------------------------------------------------


@transaction.atomic
def request_build(*, unit, document, period, formats, by, kind=ReportBuild.Kind.UNIT, reuse=True):
    """Queue a build of the report's files, or return a build of the same inputs on unchanged data
    (reports.builds.open_build). A new build's job is sent once the transaction commits; with the broker
    down the build stays to send (build.is_to_send) and the sweep sends it when the broker is back."""
    build, created = builds.open_build(unit=unit, document=document, period=period, formats=formats, by=by,
                                       kind=kind, reuse=reuse)
    if created:
        enqueue_builds([build])
    return build
