"""Writes of the school-report workflow (save, submit, return, approve), of a period's follow-up
(remind the schools, open a unit's entry after the lock) and the request of a report build.

Only approved figures count in the commune's targets: approval turns the report's raw figures into
progress values (one per indicator, rates as numerator and denominator), returning an approved report
removes them again until it is approved anew.

Every step carries the version of the report the user saw and is refused (StaleReportError, saying who
did what since, the state now and the figures that changed) when the report moved on meanwhile: the row
is locked and its version compared inside the transaction. Each save keeps its figures' before/after
(SchoolReportEntryChange).
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from periods.models import PeriodException
from targets.actions import delete_values
from targets.fields import plain_decimal
from targets.models import ProgressValue, ValueSource
from units import access, stored_files
from units.models import Membership, Role, Unit

from . import builds, notifications, queries
from .models import (
    IndicatorSource,
    ReportBuild,
    ReportEvent,
    ReportItem,
    ReportStatus,
    ReportValue,
    SchoolReport,
    SchoolReportAttachment,
    SchoolReportEntry,
    SchoolReportEntryChange,
)
from .tasks import enqueue_builds

# the states of a school's report that a reminder is sent for
REMIND_STATES = (queries.NOT_STARTED, queries.LATE, ReportStatus.DRAFT, ReportStatus.RETURNED)
# how many of the steps taken since a user's page a refusal lists (the latest)
SHOWN_STEPS = 5


class WorkflowError(Exception):
    """A workflow step that is not allowed now; the message is shown to the user as is."""


class StaleReportError(WorkflowError):
    """The report moved on since this user opened it (a save, a submission, a review): nothing was done.

    The message says what happened since the version the user saw: who did what and when, the state now
    and the figures that changed.
    """

    def __init__(self, report, seen_version):
        self.report = report
        self.seen_version = seen_version
        super().__init__(describe_changes_since(report, seen_version))


def person_name(user):
    """Who took a step, as the messages name them: the full name, else the login."""
    return (user.get_full_name() or user.username) if user else "(không rõ)"


def describe_changes_since(report, seen_version):
    """In Vietnamese: the steps taken on the report after `seen_version` (the last few), its state now and
    each figure changed (from its value then to its value now)."""
    events = list(report.events.filter(version__gt=seen_version).select_related("by")
                  .prefetch_related("changes__item").order_by("at", "pk"))
    steps = [_step_in_words(e.by, e.get_action_display().lower(), e.at, e.comment) for e in events[-SHOWN_STEPS:]]
    if len(events) > SHOWN_STEPS:
        steps.insert(0, f"{len(events) - SHOWN_STEPS} thao tác trước đó")
    if not steps:  # steps taken before events recorded versions
        steps = [_step_in_words(report.updated_by, "cập nhật", report.updated_at)]
    figures = {}
    for event in events:
        for change in event.changes.all():
            then = figures.get(change.item_id, (change.item, change.before, None))[1]
            figures[change.item_id] = (change.item, then, change.after)
    changed = [f"{item.label}: {item.figure_text(then, 'trống')} → {item.figure_text(now, 'trống')}"
               for item, then, now in figures.values() if then != now]
    text = (f"Báo cáo đã thay đổi từ khi bạn mở trang, thao tác chưa được thực hiện. Đã có: {'; '.join(steps)}. "
            f"Trạng thái hiện tại: {report.get_status_display()}.")
    if changed:
        text += " Số liệu đã thay đổi: " + "; ".join(changed) + "."
    return text + " Hãy xem lại báo cáo rồi thao tác lại."


def _step_in_words(user, action, at, comment=""):
    quoted = f" (“{comment}”)" if comment else ""
    return f"{person_name(user)} — {action} lúc {timezone.localtime(at):%H:%M %d/%m/%Y}{quoted}"


def applicable_items(school):
    return [item for item in ReportItem.objects.select_related("not_above") if item.applies_to(school)]


def get_or_start_report(*, school, period):
    if not period.takes_school_reports:
        raise WorkflowError(f"Trường chỉ lập báo cáo theo học kỳ, không lập báo cáo {period.name}.")
    report, _ = SchoolReport.objects.get_or_create(school=school, period=period)
    return report


MAX_ATTACHMENTS = 20  # a report's evidence files: a few decisions and photos, not an archive


@stored_files.atomic
def attach_to_report(*, school, period, uploaded, by):
    """Keep a checked evidence file (targets.forms.EvidenceForm) with the school's report for the period, started if
    need be: only while the report is editable and entry is open for the school (WorkflowError otherwise, nothing
    kept, not even an empty report, nor the file). The name the user gave is kept, cleaned, only to be shown and
    downloaded."""
    from units.evidence import already_attached, display_name, same_file

    report = get_or_start_report(school=school, period=period)
    report = SchoolReport.objects.select_for_update(of=("self",)).select_related("period", "school").get(pk=report.pk)
    _check_editable(report, by)
    name = display_name(uploaded.name, uploaded.sniffed_type)
    # the same file posted twice (a double tap) is kept once; decided under the report's lock
    if existing := same_file(report.attachments.filter(original_name=name, size=uploaded.size), uploaded):
        raise WorkflowError(already_attached(existing))
    if report.attachments.count() >= MAX_ATTACHMENTS:
        raise WorkflowError(f"Báo cáo đã có {MAX_ATTACHMENTS} tệp minh chứng, không thêm được nữa: hãy gỡ bớt tệp không "
                            "cần thiết hoặc gộp chúng lại.")
    attachment = SchoolReportAttachment(
        report=report, original_name=name,
        content_type=uploaded.sniffed_type, size=uploaded.size, uploaded_by=by)
    stored_files.store(attachment.file, uploaded.name, uploaded)
    attachment.save()
    # a step of the report like a save: in its history, and a page opened before it submits nothing unseen
    _step(report, by, ReportEvent.Action.ATTACHED, [], comment=attachment.original_name)
    return attachment


@transaction.atomic
def remove_attachment(*, attachment, by):
    """Take an evidence file off the report while it is editable (WorkflowError otherwise); the file goes too."""
    report = SchoolReport.objects.select_for_update(of=("self",)).select_related("period", "school").get(
        pk=attachment.report_id)
    _check_editable(report, by)
    attachment.delete()
    _step(report, by, ReportEvent.Action.DETACHED, [], comment=attachment.original_name)  # who took which file off


def _lock(report, expected_version):
    """The report's row, locked until the transaction ends; refused if it moved on since `expected_version`."""
    report = SchoolReport.objects.select_for_update(of=("self",)).select_related("period", "school", "updated_by").get(
        pk=report.pk)
    if report.version != expected_version:
        raise StaleReportError(report, expected_version)
    return report


def _check_editable(report, by):
    if not report.is_editable:
        raise WorkflowError(f"Báo cáo đang ở trạng thái “{report.get_status_display()}”, không thể sửa.")
    if merged := queries.merged_into(report.school, report.period):  # a draft, or a report returned to it
        raise WorkflowError(merged_draft_refusal(report, merged))
    if report.period.is_locked_for_user(by, report.school):
        raise WorkflowError(report.period.lock_message(report.school))


def merged_draft_refusal(report, merged):
    """Why a merged school's draft (or a report returned to it) is neither saved nor sent: sent in, its pupils would be counted twice (once more
    in its successor's report, which holds them), so the school is no longer expected to report for the period."""
    return (f"{report.school.name} đã sáp nhập vào {merged.successor.name} từ ngày {merged.effective_on:%d/%m/%Y}: "
            f"{merged.successor.name} báo cáo {report.period.name} cho cả hai trường, nên báo cáo này không lưu, "
            "không nộp được nữa.")


def _step(report, by, action, fields, comment="", upload_stamp=""):
    """Count the step: a new version, who made it, and its event (which records that version)."""
    report.version += 1
    report.updated_by = by
    report.save(update_fields=[*fields, "version", "updated_by", "updated_at"])
    return ReportEvent.objects.create(report=report, action=action, by=by, comment=comment, version=report.version,
                                      upload_stamp=upload_stamp)


@dataclass(frozen=True)
class Upload:
    """Which download of the Excel form an uploaded file came from: the mark of that download, and when it was made."""

    stamp: str
    downloaded_at: datetime


def upload_refusal(school, period, upload):
    """Why a file downloaded before the report changed cannot be taken (None if it can): the report was saved on
    the portal since, or by another file (a copy downloaded at the same time, uploaded first). The same file
    uploaded again after a correction is taken."""
    # the download's time is to the second: what happened within that second came before it
    since = ReportEvent.objects.filter(report__school=school, report__period=period,
                                       at__gte=upload.downloaded_at + timedelta(seconds=1)).select_related("by")
    edit = since.filter(action=ReportEvent.Action.SAVED).order_by("-at").first()
    other = since.filter(action=ReportEvent.Action.UPLOADED).exclude(upload_stamp=upload.stamp).order_by("-at").first()
    changed = edit or other
    if changed is None:
        return None
    how = "sửa trên Cổng" if changed is edit else "cập nhật bằng một tệp Excel khác"
    return (f"Báo cáo đã được {how} lúc {timezone.localtime(changed.at):%H:%M %d/%m/%Y} ({person_name(changed.by)}), "
            f"sau khi tệp này được tải xuống ({timezone.localtime(upload.downloaded_at):%H:%M %d/%m/%Y}). Để không "
            "ghi đè những số liệu đó, hãy tải mẫu Excel mới rồi nhập lại.")


@transaction.atomic
def save_school_report(*, report, entries, narrative, by, expected_version, action=None, upload=None):
    """Save a draft: every figure and narrative part at once, refused whole if someone saved meanwhile or
    entry is locked; each figure that changes keeps its before/after with this save. `upload`: the file's
    download (Upload), refused if the report changed since it."""
    report = _lock(report, expected_version)
    _check_editable(report, by)
    refusal = upload_refusal(report.school, report.period, upload) if upload is not None else None
    if refusal:  # checked again here, the report locked: another upload may have come in since the file was read
        raise WorkflowError(refusal)
    items = {item.code: item for item in ReportItem.objects.filter(code__in=entries)}
    existing = {entry.item.code: entry for entry in report.entries.select_related("item")}
    changes = []
    for code, value in entries.items():
        entry = existing.get(code)
        if entry is None:
            SchoolReportEntry.objects.create(report=report, item=items[code], value=value)
            if value is not None:
                changes.append(SchoolReportEntryChange(item=items[code], before=None, after=value))
        elif entry.value != value:
            changes.append(SchoolReportEntryChange(item=entry.item, before=entry.value, after=value))
            entry.value = value
            entry.save(update_fields=["value"])
    for field, text in narrative.items():
        setattr(report, field, text)
    event = _step(report, by, action or ReportEvent.Action.SAVED, ["highlights", "difficulties", "proposals"],
                  upload_stamp=upload.stamp if upload is not None else "")
    for change in changes:
        change.event = event
    SchoolReportEntryChange.objects.bulk_create(changes)
    return report


@transaction.atomic
def file_school_report(*, school, period, entries, narrative, by, expected_version, submit):
    """Start the report if needed and save the figures (a refused save leaves nothing behind); then,
    if asked, submit. Returns (report, the reason submitting was refused or None): a refused
    submission keeps the saved draft."""
    report = get_or_start_report(school=school, period=period)
    report = save_school_report(report=report, entries=entries, narrative=narrative, by=by,
                                expected_version=expected_version)
    if not submit:
        return report, None
    try:
        with transaction.atomic():
            report = submit_school_report(report=report, by=by, expected_version=report.version)
    except WorkflowError as error:
        return report, str(error)
    return report, None


def missing_items(report):
    filled = {code for code, value in report.entries_by_code().items() if value is not None}
    return [item for item in applicable_items(report.school) if item.code not in filled]


@transaction.atomic
def submit_school_report(*, report, by, expected_version):
    report = _lock(report, expected_version)
    _check_editable(report, by)
    missing = missing_items(report)
    if missing:
        names = "; ".join(item.label for item in missing[:5]) + ("…" if len(missing) > 5 else "")
        raise WorkflowError(f"Chưa thể nộp: còn {len(missing)} mục chưa nhập số liệu ({names}).")
    report.status = ReportStatus.SUBMITTED
    report.submitted_at = timezone.now()
    _step(report, by, ReportEvent.Action.SUBMITTED, ["status", "submitted_at"])
    return report


@transaction.atomic
def return_school_report(*, report, by, comment, expected_version):
    """Send a submitted report back for correction, or reopen an approved one (its figures stop counting),
    with the officer's comment; refused if the report moved on since the officer's page showed it."""
    if not comment.strip():
        raise WorkflowError("Hãy ghi ý kiến để trường biết cần chỉnh sửa gì.")
    report = _lock(report, expected_version)
    if report.status not in (ReportStatus.SUBMITTED, ReportStatus.APPROVED):
        raise WorkflowError("Chỉ trả lại được báo cáo đã nộp hoặc đã duyệt.")
    reopened = report.status == ReportStatus.APPROVED
    if reopened:
        remove_report_values(report)
    report.status = ReportStatus.RETURNED
    report.review_comment = comment.strip()
    report.reviewed_at = timezone.now()
    action = ReportEvent.Action.REOPENED if reopened else ReportEvent.Action.RETURNED
    _step(report, by, action, ["status", "review_comment", "reviewed_at"], comment=report.review_comment)
    notifications.notify_school_report(report)
    return report


@transaction.atomic
def approve_school_report(*, report, by, expected_version):
    """Approve the figures the officer's page showed: refused if the report moved on since."""
    report = _lock(report, expected_version)
    if report.status != ReportStatus.SUBMITTED:
        raise WorkflowError("Chỉ duyệt được báo cáo đã nộp.")
    write_report_values(report, is_demo=False)
    report.status = ReportStatus.APPROVED
    report.reviewed_at = timezone.now()
    report.approved_snapshot = {code: plain_decimal(value) for code, value in report.entries_by_code().items()}
    _step(report, by, ReportEvent.Action.APPROVED, ["status", "reviewed_at", "approved_snapshot"])
    notifications.notify_school_report(report)
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
    """Take back the progress values an approval of the report wrote (each leaves a DeletedValue for the API)."""
    delete_values(ProgressValue.objects.filter(pk__in=ReportValue.objects.filter(report=report).values("value")))


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

    Returns (the number of mails sent, or None when the mail server failed; the number of schools reached;
    [(school, why it could not be reached)]): a school with no staff account, or whose staff have no e-mail
    address, gets nothing and is named.
    """
    schools = [row.school for row in queries.completeness(unit, period)
               if row.state in REMIND_STATES and access.can_review_school(by, row.school)]
    staff = list(Membership.objects.active().filter(unit__in=schools, role=Role.SCHOOL_STAFF, user__is_active=True)
                 .select_related("user", "unit"))
    mails = [(f"Nhắc nộp báo cáo {period.name}",
              f"Kính gửi {m.user.get_full_name() or m.user.username} ({m.unit.name}),\n\n"
              f"Trường chưa hoàn thành báo cáo {period.name}; hạn nộp là {period.deadline:%d/%m/%Y}. "
              "Đề nghị nhà trường nhập và nộp báo cáo trên Cổng theo dõi thực hiện Nghị quyết 71:\n"
              f"{notifications.portal_url(reverse('reports:school_report_detail', args=[m.unit_id, period.pk]))}"
              f"\n\n{unit.name}", None, [m.user.email]) for m in staff if m.user.email]
    sent = notifications.send_mails(mails) if mails else 0  # None: the mail server refused or did not answer
    with_account = {m.unit_id for m in staff}
    reached = {m.unit_id for m in staff if m.user.email}
    unreachable = [(school, "chưa có tài khoản" if school.pk not in with_account
                    else "tài khoản chưa có địa chỉ thư điện tử") for school in schools if school.pk not in reached]
    return sent, len(reached), unreachable


def exception_version(exception):
    """What a page showed of a unit's reopening for a period, as its form posts it back (`seen`): the date it runs
    to, or "0" for none; the pages write it with the same rule (`|date:"Y-m-d"|default:"0"`)."""
    return exception.open_until.isoformat() if exception is not None else "0"


class StaleExceptionError(WorkflowError):
    """The unit's reopening changed since the page was opened: nothing was saved. `current`: the reopening now."""

    def __init__(self, unit, current):
        now = (f"{person_name(current.granted_by)} đã mở nhập đến ngày {current.open_until:%d/%m/%Y} (lý do: "
               f"{current.reason})" if current is not None else "việc mở nhập đã được gỡ")
        super().__init__(f"Việc mở nhập cho {unit.name} đã được thay đổi sau khi bạn mở trang này: {now}. Chưa lưu "
                         "ngày bạn chọn, để không thay mất ngày đó: hãy xem lại rồi bấm “Mở nhập” nếu vẫn muốn đổi.")
        self.current = current


class MissingExceptionVersionError(StaleExceptionError):
    """The reopening was posted without the version of the page it was made from: nothing was saved."""

    def __init__(self):
        WorkflowError.__init__(self, "Biểu mẫu mở nhập không còn hợp lệ (thiếu phiên bản của trang đã mở), nên chưa "
                                     "lưu gì: hãy tải lại trang rồi mở nhập lại.")
        self.current = None


@transaction.atomic
def grant_period_exception(*, period, unit, open_until, reason, by, seen=None):
    """Let a unit (a school, a ward) enter its figures after the period locks, until `open_until`; granting
    again replaces the unit's earlier exception for the period.

    `seen`: exception_version() of the reopening the page showed; StaleExceptionError if it changed since (a
    colleague's reopening would be replaced unseen), unless it already is this one (the same form posted twice);
    MissingExceptionVersionError if empty (a page always posts it); None: not checked, for callers that show no
    page."""
    # the unit's row locked first: with no reopening yet there is no row of it to lock, and two grants at the same
    # instant would both find none and both pass
    list(Unit.objects.select_for_update().filter(pk=unit.pk).values_list("pk"))
    current = (PeriodException.objects.select_for_update(of=("self",)).select_related("granted_by")
               .filter(period=period, unit=unit).first())
    if seen is not None and not seen:
        raise MissingExceptionVersionError()
    if seen is not None and seen != exception_version(current):
        if current is not None and (current.open_until, current.reason) == (open_until, reason):
            return current
        raise StaleExceptionError(unit, current)
    exception, _ = PeriodException.objects.update_or_create(period=period, unit=unit, defaults={
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
