"""Reports sent upward: finalise (freeze the figures and the files), approval by the unit's leader, send to
the parent unit, the parent's acknowledgement or return, and the parent's inbox with the units that have not
sent theirs.

Every step carries what the user's page showed (finalise: that nothing was finalised yet and which schools'
narratives it offered; the other steps: the report's version) and is refused, saying who did what and when,
if the report moved on meanwhile. Each step is kept as an OutgoingReportEvent (who, when, comment). The files
are frozen without a name under the signature; the leader's approval writes their name there (and only the
name: the figures stay those of the snapshot).
"""

import hashlib
import json
from collections import Counter
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.core.paginator import Paginator
from django.db import IntegrityError, transaction
from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Q, Value
from django.utils import timezone
from django.utils.text import slugify

from periods.models import PeriodException, ReportedPeriod
from units import access, stored_files
from units.collation import vietnamese_sort_key
from units.models import AdminEvent, Unit, UnitKind, UnitSuccession
from units.search import unit_matches
from units.textfields import with_line_breaks

from . import notifications
from .actions import WorkflowError, person_name
from .content import (
    Narrative,
    ReportContent,
    build_report_content,
    number_line,
    school_narratives,
    signer_title,
    streams_raw_values,
)
from .models import OutgoingReport, OutgoingReportEvent, OutgoingStatus


def _at(moment):
    return f"{timezone.localtime(moment):%H:%M %d/%m/%Y}"


def describe_state(report):
    """In Vietnamese: who finalised the report and when, who approved it, whether, by whom and when it was sent,
    and what the unit above answered."""
    text = f"Báo cáo đã được {person_name(report.finalised_by)} chốt lúc {_at(report.finalised_at)}"
    if report.approved_at:
        text += f", {person_name(report.approved_by)} phê duyệt lúc {_at(report.approved_at)}"
    if report.sent_at:
        text += f" và {person_name(report.sent_by)} gửi lên {report.recipient.name if report.recipient else 'cấp trên'} " \
                f"lúc {_at(report.sent_at)}"
    if report.answered_at:
        verb = "trả lại" if report.status == OutgoingStatus.RETURNED else "xác nhận đã nhận"
        text += f"; {person_name(report.answered_by)} {verb} lúc {_at(report.answered_at)}"
    return text + f". Trạng thái hiện tại: {report.get_status_display()}."


class StaleOutgoingError(WorkflowError):
    """The report moved on since the user's page showed it: nothing was done."""

    def __init__(self, report):
        self.report = report
        super().__init__(f"{describe_state(report)} Trang bạn đang xem đã cũ, thao tác chưa được thực hiện.")


def narratives_fingerprint(narratives):
    """A short digest of the schools' narratives a finalise page offered (which schools, in which order, what
    they wrote): the edits are posted by position, so they belong to these schools only."""
    rows = [[n.school, n.highlights, n.difficulties, n.proposals] for n in narratives]
    return hashlib.sha256(json.dumps(rows, ensure_ascii=False).encode()).hexdigest()[:32]


NATIONAL_REFUSAL = ("Báo cáo của Trung ương không gửi lên cấp nào nên không chốt ở đây: hãy dùng “Tạo báo cáo” trên "
                    "bảng điều khiển để lấy tệp Excel (số liệu gốc theo từng tỉnh), PDF và Word.")


def refuse_if_merged(unit, period, *, finalising=False, finalised_at=None):
    """WorkflowError if `unit` was merged into another by the end of `period`: the successor reports the period
    (the old unit's figures follow into it), so a report of the old unit too would count them twice in the
    consolidation. Likewise if it was merged later but its successor has finalised its report of the period
    already (not returned to it): not having the old unit's report, that one added up the old unit's figures.
    `finalising`: a ward (not a school) merged at all may no longer finalise, whatever the period: the merge moved
    its schools under the successor, so its live figures have lost them, and a report of them sent would leave the
    period's school figures out of the successor's too (targets/lineage.py): counted nowhere. A report it finalised
    before the merge (frozen, complete) may still be sent; `finalised_at` (sending): one finalised after the merge was
    recorded (its AdminEvent; before 28/11/2026 a merged ward could still finalise) may not. One query."""
    reported = OutgoingReport.objects.filter(unit=OuterRef("successor"), period=period).exclude(
        status=OutgoingStatus.RETURNED)
    refused = Q(effective_on__lte=period.end) | Exists(reported)
    if finalising and unit.kind != UnitKind.SCHOOL:  # a merged school keeps its own values: nothing moved
        refused = Q()
    after = Exists(AdminEvent.objects.filter(unit=OuterRef("predecessor"), action=AdminEvent.Action.UNIT_MERGED,
                                             at__lt=finalised_at)) if finalised_at is not None else Value(False)
    if finalised_at is not None and unit.kind != UnitKind.SCHOOL:
        refused |= Q(finalised_after=True)
    succession = (UnitSuccession.objects.filter(predecessor=unit, kind=UnitSuccession.Kind.MERGE)
                  .annotate(finalised_after=after).filter(refused)
                  .select_related("successor").order_by("effective_on").first())
    if succession is None:
        return
    successor = succession.successor.name
    if succession.effective_on <= period.end:
        raise WorkflowError(f"{unit.name} đã sáp nhập vào {successor} từ ngày {succession.effective_on:%d/%m/%Y}: "
                            f"báo cáo {period.name} do {successor} lập và gửi (số liệu của đơn vị cũ được cộng vào "
                            "đó).")
    if finalised_at is not None and unit.kind != UnitKind.SCHOOL and succession.finalised_after:
        raise WorkflowError(f"Báo cáo này được chốt sau khi {unit.name} đã sáp nhập vào {successor} (từ ngày "
                            f"{succession.effective_on:%d/%m/%Y}), khi các trường của {unit.name} đã chuyển về "
                            f"{successor}: báo cáo không có số liệu của các trường nên không gửi được. Báo cáo "
                            f"{period.name} do {successor} lập và gửi, có cộng số liệu của {unit.name}.")
    if finalising and unit.kind != UnitKind.SCHOOL:
        raise WorkflowError(f"{unit.name} đã sáp nhập vào {successor} từ ngày {succession.effective_on:%d/%m/%Y}, "
                            f"các trường của {unit.name} đã chuyển về {successor}: {unit.name} không chốt báo cáo "
                            f"được nữa. Báo cáo {period.name} do {successor} lập và gửi, có cộng số liệu của "
                            f"{unit.name} (báo cáo đã chốt trước khi sáp nhập vẫn gửi được).")
    raise WorkflowError(f"{unit.name} đã sáp nhập vào {successor} từ ngày {succession.effective_on:%d/%m/%Y} và "
                        f"{successor} đã chốt báo cáo {period.name}, có cộng số liệu của {unit.name}: báo cáo này "
                        "không gửi được nữa (số liệu sẽ bị tính hai lần).")


@stored_files.atomic
def finalise_report(*, unit, document, period, number, narratives, by, seen_narratives=None, expected_version=None):
    """Freeze the report: a snapshot of its content and its Excel and PDF, which never change after, with the
    signature left without a name until the unit's leader approves it.

    Refused if someone finalised it meanwhile (also when two finalise at once: the unique constraint
    decides), or, with `seen_narratives` (the fingerprint of the narratives the page offered), if the
    schools' narratives changed since the page was shown. A report the unit above returned is finalised
    again in place (from the live data, `expected_version` being the version the page showed): it then
    needs the leader's approval again.
    """
    if streams_raw_values(unit):  # Trung ương: no level above to send to, and millions of figures behind its table
        raise WorkflowError(NATIONAL_REFUSAL)
    refuse_if_merged(unit, period, finalising=True)
    existing = _finalised(unit, document, period)
    if existing and (existing.status != OutgoingStatus.RETURNED or expected_version is None):
        raise StaleOutgoingError(existing)
    if seen_narratives is not None and narratives_fingerprint(school_narratives(unit, period)) != seen_narratives:
        raise WorkflowError("Ý kiến của các trường đã thay đổi từ khi bạn mở trang (một báo cáo của trường vừa "
                            "được duyệt, mở lại hoặc sửa). Chưa chốt: hãy xem lại các ý kiến bên dưới rồi chốt lại.")
    content = build_report_content(unit=unit, document=document, period=period, signer_name="",
                                   number=number_line(unit, number) if number else "", narratives=narratives)
    if existing:
        report = _lock(existing, expected_version)
        if report.status != OutgoingStatus.RETURNED:
            raise StaleOutgoingError(report)
        report.number, report.snapshot, report.finalised_by, report.finalised_at = number, content.to_json(), by, \
            timezone.now()
        report.approved_by = report.approved_at = report.recipient = report.sent_at = report.sent_by = None
        report.answered_by = report.answered_at = None  # the return and its reason stay in the report's events
        report.return_reason = ""
        _step(report, by, OutgoingReportEvent.Action.PREPARED, OutgoingStatus.PREPARED,
              ["number", "snapshot", "finalised_by", "finalised_at", "approved_by", "approved_at", "recipient",
               "sent_at", "sent_by", "answered_by", "answered_at", "return_reason"])
        forget_if_nothing_sent(unit, period)
    else:
        try:
            with transaction.atomic():
                report = OutgoingReport.objects.create(unit=unit, document=document, period=period, number=number,
                                                       snapshot=content.to_json(), finalised_by=by)
        except IntegrityError:
            existing = _finalised(unit, document, period)
            if existing is None:
                raise
            raise StaleOutgoingError(existing) from None
        OutgoingReportEvent.objects.create(report=report, action=OutgoingReportEvent.Action.PREPARED, by=by,
                                           version=report.version)
    _write_files(report, content)
    notifications.notify_report_to_approve(report)
    return report


def _write_files(report, content):
    """The report's files from its content: at finalising, and again at approval (the signature's name). Those
    they replace go once the step commits; they go themselves if it fails."""
    from .pdf import write_report_pdf
    from .report_docx import write_report_docx
    from .report_xlsx import write_report_xlsx

    stem = file_stem(report)
    stored_files.replace(report.xlsx_file, f"{stem}.xlsx", ContentFile(write_report_xlsx(content)))
    stored_files.replace(report.pdf_file, f"{stem}.pdf", ContentFile(write_report_pdf(content)))
    stored_files.replace(report.docx_file, f"{stem}.docx", ContentFile(write_report_docx(content)))
    report.save(update_fields=["xlsx_file", "pdf_file", "docx_file"])


def file_stem(report):
    """The name of a report's files: the unit, its plan (a unit reports on each of its plans) and the period,
    "bao-cao-DK-12-kh-ubnd-2025-2026-hk2"."""
    plan = slugify(report.document.number) or f"kh{report.document_id}"
    return f"bao-cao-{report.unit.code}-{plan}-{report.period.code}"


def _finalised(unit, document, period):
    return (OutgoingReport.objects.filter(unit=unit, document=document, period=period)
            .select_related("finalised_by", "approved_by", "sent_by", "answered_by", "recipient").first())


def _lock(report, expected_version):
    """The report's row, locked until the transaction ends; refused if it moved on since `expected_version`."""
    # lock the report row alone: PostgreSQL refuses FOR UPDATE across the nullable joins
    report = (OutgoingReport.objects.select_for_update(of=("self",))
              .select_related("unit__parent", "document", "period", "finalised_by", "approved_by", "sent_by",
                              "answered_by", "recipient").get(pk=report.pk))
    if report.version != expected_version:
        raise StaleOutgoingError(report)
    return report


def _step(report, by, action, status, fields, comment=""):
    """Count the step: the new state and version, and its event (who, when, the version it made)."""
    report.status = status
    report.version += 1
    report.save(update_fields=[*fields, "status", "version"])
    return OutgoingReportEvent.objects.create(report=report, action=action, by=by, comment=comment,
                                              version=report.version)


def signature_name(user):
    """The approving leader as the signature block prints them: the full name, else the login."""
    return user.get_full_name() or user.username


@stored_files.atomic
def approve_report(*, report, by, expected_version):
    """The unit's leader approves the report as its page showed it: their name goes under the signature and
    the files are written again from the frozen snapshot (same figures); then it may be sent."""
    report = _lock(report, expected_version)
    if report.status != OutgoingStatus.PREPARED:
        raise WorkflowError(f"Chỉ phê duyệt được báo cáo đang chờ phê duyệt (hiện tại: {report.get_status_display()}).")
    content = ReportContent.from_json(report.snapshot)
    content.signer_name = signature_name(by)
    content.signer_title = signer_title(report.unit, by)  # a deputy signs in the head's place (KT.)
    report.snapshot = content.to_json()
    report.approved_by, report.approved_at = by, timezone.now()
    _step(report, by, OutgoingReportEvent.Action.APPROVED, OutgoingStatus.APPROVED,
          ["snapshot", "approved_by", "approved_at"])
    _write_files(report, content)
    return report


@transaction.atomic
def send_report(*, report, by, expected_version):
    """Send an approved report to the unit above (a ward's to its province, a school's to its ward); refused
    if the report moved on since the version the user's page showed, or if the leader has not approved it."""
    report = _lock(report, expected_version)
    if report.sent_at:
        raise WorkflowError(f"Báo cáo đã được gửi lúc {timezone.localtime(report.sent_at):%H:%M %d/%m/%Y}.")
    if report.status != OutgoingStatus.APPROVED:
        raise WorkflowError("Báo cáo chưa được lãnh đạo đơn vị phê duyệt nên chưa gửi được.")
    if report.unit.parent is None:
        raise WorkflowError("Đơn vị không có cấp trên để gửi báo cáo.")
    # finalised before its ward was merged, not sent since
    refuse_if_merged(report.unit, report.period, finalised_at=report.finalised_at)
    report.recipient = report.unit.parent
    report.sent_at = timezone.now()
    report.sent_by = by
    _step(report, by, OutgoingReportEvent.Action.SENT, OutgoingStatus.SENT, ["recipient", "sent_at", "sent_by"])
    # merged later, the unit's figures of the period count in this report, not again in its successor's
    ReportedPeriod.objects.get_or_create(unit_id=report.unit_id, period_id=report.period_id)
    notifications.notify_report_received(report)
    return report


def forget_if_nothing_sent(unit, period):
    """Once no report of `unit` for `period` stands sent (each returned, or finalised again and not sent yet), the
    period is no longer one it reported itself: merged, its figures of the period count in its successor's
    (targets/lineage.py) until it sends again. A merged ward may not finalise again (refuse_if_merged), so a report
    the unit above returns to it after its merge hands the period to its successor for good."""
    standing = OutgoingReport.objects.filter(unit=unit, period=period, sent_at__isnull=False).exclude(
        status=OutgoingStatus.RETURNED)
    if not standing.exists():
        ReportedPeriod.objects.filter(unit=unit, period=period).delete()


@transaction.atomic
def answer_report(*, report, by, expected_version, acknowledge, reason=""):
    """The unit above acknowledges receipt of a sent report, or returns it with a reason; the sender is told."""
    reason = reason.strip()
    if not acknowledge and not reason:
        raise WorkflowError("Hãy ghi lý do trả lại để đơn vị gửi biết cần chỉnh sửa gì.")
    report = _lock(report, expected_version)
    if report.status != OutgoingStatus.SENT:
        raise WorkflowError(f"Chỉ xác nhận hoặc trả lại được báo cáo vừa gửi đến (hiện tại: "
                            f"{report.get_status_display()}).")
    report.answered_by, report.answered_at = by, timezone.now()
    report.return_reason = "" if acknowledge else reason
    if acknowledge:
        action, status = OutgoingReportEvent.Action.ACKNOWLEDGED, OutgoingStatus.ACKNOWLEDGED
    else:
        action, status = OutgoingReportEvent.Action.RETURNED, OutgoingStatus.RETURNED
    _step(report, by, action, status, ["answered_by", "answered_at", "return_reason"], comment=report.return_reason)
    if not acknowledge:
        forget_if_nothing_sent(report.unit, report.period)
    notifications.notify_report_answered(report)
    return report


def narratives_from_post(data, originals):
    """The narratives as the officer edited them on the finalise page (one block per school), Word's line breaks
    as line feeds (units.textfields: the view refuses any other control character)."""
    edited = []
    for index, original in enumerate(originals):
        edited.append(Narrative(
            school=original.school,
            highlights=with_line_breaks(data.get(f"n{index}-highlights", original.highlights).strip()),
            difficulties=with_line_breaks(data.get(f"n{index}-difficulties", original.difficulties).strip()),
            proposals=with_line_breaks(data.get(f"n{index}-proposals", original.proposals).strip()),
        ))
    return edited


NOT_SENT = "not_sent"  # the inbox's state of a unit below that sent nothing for the period
# the states the inbox is filtered on: nothing sent, then those of a report received
INBOX_STATES = [(NOT_SENT, "Chưa gửi báo cáo"), (OutgoingStatus.SENT, "Chờ xác nhận"),
                (OutgoingStatus.ACKNOWLEDGED, "Đã xác nhận đã nhận"), (OutgoingStatus.RETURNED, "Đã trả lại")]
INBOX_PAGE = 50  # rows of a page of the inbox


@dataclass
class InboxRow:
    unit: Unit
    report: OutgoingReport | None


@dataclass
class Inbox:
    """A page of the inbox, and the counts of the whole inbox whatever its filter."""

    rows: object  # the Paginator page of InboxRow
    units: int  # the units below listed: the communes (the country: the provinces), the schools that sent
    senders: int  # those of them that sent a report for the period
    counts: list  # [(state, label, rows in that state)] in the order of INBOX_STATES


def inbox(unit, period, *, state="", text="", page=None):
    """One page (INBOX_PAGE rows; Paginator.get_page: a number out of range or malformed gives the last or the
    first page) of what the units directly below sent for the period: a row for each report received and one
    for each commune (the country: each province) that sent nothing; a school directly below is listed only
    if it sent one: schools report each semester through their own flow (period_completeness), so one that
    sent nothing here is not late. Only the rows in `state` (of INBOX_STATES; "": any) of the units matching
    `text` (units.search.unit_matches), in Vietnamese order of the units' names, a unit's reports in the order
    they were sent. Three queries whatever the number of units: the units below, the keys of the reports
    received, the page's reports with their plans."""
    below = [UnitKind.PROVINCE] if unit.kind == UnitKind.CENTRAL else [UnitKind.COMMUNE, UnitKind.SCHOOL]
    found = ExpressionWrapper(unit_matches(text), output_field=BooleanField()) if text else Value(True)
    received = {}  # unit pk -> [(report pk, status)]
    for pk, unit_id, status in (OutgoingReport.objects.filter(recipient=unit, period=period, sent_at__isnull=False)
                                .order_by("sent_at", "pk").values_list("pk", "unit_id", "status")):
        received.setdefault(unit_id, []).append((pk, status))
    # the units below in force at the period's end (today while it runs), not today: a ward merged since still
    # shows what it sent for it, one created since is not late for a period before it existed (one merged during
    # the period reports through its successor); and any unit that sent something
    below_units = unit.children.filter(kind__in=below)
    today = timezone.localdate()
    in_force = below_units.valid_on(min(period.end, today) if period is not None else today)
    children = (in_force | below_units.filter(pk__in=list(received))).annotate(found=found)
    listed = [(child, received.get(child.pk, [(None, NOT_SENT)])) for child in children
              if child.kind != UnitKind.SCHOOL or child.pk in received]
    states = Counter(status for _, reports in listed for _, status in reports)
    rows = sorted(((child, pk) for child, reports in listed if child.found for pk, status in reports
                   if state in ("", status)), key=lambda row: (vietnamese_sort_key(row[0].name), row[0].pk))
    page = Paginator(rows, INBOX_PAGE).get_page(page)
    reports = (OutgoingReport.objects.select_related("document").defer("snapshot")
               .in_bulk([pk for _, pk in page.object_list if pk]))
    page.object_list = [InboxRow(child, reports.get(pk)) for child, pk in page.object_list]
    return Inbox(page, units=len(listed), senders=sum(1 for _, reports in listed if reports[0][0]),
                 counts=[(key, label, states[key]) for key, label in INBOX_STATES])


def latest_received_period(unit, periods):
    """Among `periods`, the latest (by its end) for which a unit below sent `unit` a report, or None: one query."""
    sent = set(OutgoingReport.objects.filter(recipient=unit, sent_at__isnull=False).values_list("period", flat=True)
               .distinct())
    return max((p for p in periods if p.pk in sent), key=lambda p: (p.end, p.start), default=None)


def received_reports(unit, limit=10):
    """The latest reports sent to `unit`, for its reviewers' home page: one query."""
    return list(OutgoingReport.objects.filter(recipient=unit, sent_at__isnull=False)
                .select_related("unit", "period", "document").order_by("-sent_at")[:limit])


def entry_exceptions(user, rows, period, today=None):
    """After the period's lock date, the units of the inbox whose entry `user` may reopen (the level above:
    access.can_reopen_entry), each with the exception granted so far or None; empty before the lock. One query."""
    today = today or timezone.localdate()
    # each unit once, though it sent reports on several plans
    units = list({row.unit.pk: row.unit for row in rows if access.can_reopen_entry(user, row.unit)}.values())
    if period is None or today <= period.locks_on or not units:
        return []
    granted = {e.unit_id: e for e in PeriodException.objects.filter(period=period, unit__in=units)}
    return [(unit, granted.get(unit.pk)) for unit in units]


def reports_to_approve(unit):
    """The reports of `unit` waiting for its leader's approval, for the leader's home page: one query."""
    return list(OutgoingReport.objects.filter(unit=unit, status=OutgoingStatus.PREPARED)
                .select_related("period", "document").order_by("-finalised_at"))
