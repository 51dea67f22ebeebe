"""Reports sent upward: finalise (freeze the figures and the files), send to the parent unit, and the
parent's inbox with the communes that have not sent theirs.

Both steps carry what the user's page showed (finalise: that nothing was finalised yet and which schools'
narratives it offered; send: the report's version) and are refused, saying who did what and when, if the
report moved on meanwhile.
"""

import hashlib
import json
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from periods.models import PeriodException
from units import access
from units.models import Unit, UnitKind

from .actions import WorkflowError, person_name
from .content import Narrative, build_report_content, school_narratives
from .models import OutgoingReport


def _at(moment):
    return f"{timezone.localtime(moment):%H:%M %d/%m/%Y}"


def describe_state(report):
    """In Vietnamese: who finalised the report and when, and whether, by whom and when it was sent."""
    text = f"Báo cáo đã được {person_name(report.finalised_by)} chốt lúc {_at(report.finalised_at)}"
    if report.sent_at:
        text += f" và {person_name(report.sent_by)} gửi lên {report.recipient.name if report.recipient else 'cấp trên'} " \
                f"lúc {_at(report.sent_at)}"
    return text + "."


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


@transaction.atomic
def finalise_report(*, unit, document, period, number, narratives, by, seen_narratives=None):
    """Freeze the report: a snapshot of its content and its Excel and PDF, which never change after.

    Refused if someone finalised it meanwhile (also when two finalise at once: the unique constraint
    decides), or, with `seen_narratives` (the fingerprint of the narratives the page offered), if the
    schools' narratives changed since the page was shown.
    """
    from .pdf import write_report_pdf
    from .report_xlsx import write_report_xlsx

    existing = _finalised(unit, document, period)
    if existing:
        raise StaleOutgoingError(existing)
    if seen_narratives is not None and narratives_fingerprint(school_narratives(unit, period)) != seen_narratives:
        raise WorkflowError("Ý kiến của các trường đã thay đổi từ khi bạn mở trang (một báo cáo của trường vừa "
                            "được duyệt, mở lại hoặc sửa). Chưa chốt: hãy xem lại các ý kiến bên dưới rồi chốt lại.")
    content = build_report_content(unit=unit, document=document, period=period,
                                   number=f"Số: {number}" if number else "", narratives=narratives)
    try:
        with transaction.atomic():
            report = OutgoingReport.objects.create(unit=unit, document=document, period=period, number=number,
                                                   snapshot=content.to_json(), finalised_by=by)
    except IntegrityError:
        existing = _finalised(unit, document, period)
        if existing is None:
            raise
        raise StaleOutgoingError(existing) from None
    stem = f"bao-cao-{unit.code}-{period.code}"
    report.xlsx_file.save(f"{stem}.xlsx", ContentFile(write_report_xlsx(content)), save=False)
    report.pdf_file.save(f"{stem}.pdf", ContentFile(write_report_pdf(content)), save=False)
    report.save(update_fields=["xlsx_file", "pdf_file"])
    return report


def _finalised(unit, document, period):
    return (OutgoingReport.objects.filter(unit=unit, document=document, period=period)
            .select_related("finalised_by", "sent_by", "recipient").first())


@transaction.atomic
def send_report(*, report, by, expected_version):
    """Send a finalised report to the unit above (a ward's to its province, a school's to its ward); refused
    if the report moved on since the version the user's page showed."""
    # lock the report row alone: PostgreSQL refuses FOR UPDATE across the nullable joins
    report = (OutgoingReport.objects.select_for_update(of=("self",))
              .select_related("unit__parent", "finalised_by", "sent_by", "recipient").get(pk=report.pk))
    if report.version != expected_version:
        raise StaleOutgoingError(report)
    if report.sent_at:
        raise WorkflowError(f"Báo cáo đã được gửi lúc {timezone.localtime(report.sent_at):%H:%M %d/%m/%Y}.")
    if report.unit.parent is None:
        raise WorkflowError("Đơn vị không có cấp trên để gửi báo cáo.")
    report.recipient = report.unit.parent
    report.sent_at = timezone.now()
    report.sent_by = by
    report.version += 1
    report.save(update_fields=["recipient", "sent_at", "sent_by", "version"])
    return report


def narratives_from_post(data, originals):
    """The narratives as the officer edited them on the finalise page (one block per school)."""
    edited = []
    for index, original in enumerate(originals):
        edited.append(Narrative(
            school=original.school,
            highlights=data.get(f"n{index}-highlights", original.highlights).strip(),
            difficulties=data.get(f"n{index}-difficulties", original.difficulties).strip(),
            proposals=data.get(f"n{index}-proposals", original.proposals).strip(),
        ))
    return edited


@dataclass
class InboxRow:
    unit: Unit
    report: OutgoingReport | None


def inbox(unit, period):
    """Each unit directly below with the report it sent for the period (or None): two queries."""
    children = list(unit.children.current().filter(kind__in=[UnitKind.COMMUNE, UnitKind.SCHOOL]).order_by("name"))
    received = {r.unit_id: r for r in OutgoingReport.objects.filter(recipient=unit, period=period)
                .select_related("document", "finalised_by")}
    return [InboxRow(child, received.get(child.pk)) for child in children]


def entry_exceptions(user, rows, period, today=None):
    """After the period's lock date, the units of the inbox whose entry `user` may reopen (the level above:
    access.can_reopen_entry), each with the exception granted so far or None; empty before the lock. One query."""
    today = today or timezone.localdate()
    units = [row.unit for row in rows if access.can_reopen_entry(user, row.unit)]
    if period is None or today <= period.locks_on or not units:
        return []
    granted = {e.unit_id: e for e in PeriodException.objects.filter(period=period, unit__in=units)}
    return [(unit, granted.get(unit.pk)) for unit in units]
