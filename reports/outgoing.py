"""Reports sent upward: finalise (freeze the figures and the files), send to the parent unit, and the
parent's inbox with the communes that have not sent theirs."""

from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from units.models import Unit, UnitKind

from .actions import WorkflowError
from .content import Narrative, build_report_content
from .models import OutgoingReport


@transaction.atomic
def finalise_report(*, unit, document, period, number, narratives, by):
    """Freeze the report: a snapshot of its content and its Excel and PDF, which never change after."""
    from .pdf import write_report_pdf
    from .report_xlsx import write_report_xlsx

    if OutgoingReport.objects.filter(unit=unit, document=document, period=period).exists():
        raise WorkflowError("Báo cáo của kỳ này đã được chốt trước đó; không thể chốt lại.")
    content = build_report_content(unit=unit, document=document, period=period,
                                   number=f"Số: {number}" if number else "", narratives=narratives)
    report = OutgoingReport.objects.create(unit=unit, document=document, period=period, number=number,
                                           snapshot=content.to_json(), finalised_by=by)
    stem = f"bao-cao-{unit.code}-{period.code}"
    report.xlsx_file.save(f"{stem}.xlsx", ContentFile(write_report_xlsx(content)), save=False)
    report.pdf_file.save(f"{stem}.pdf", ContentFile(write_report_pdf(content)), save=False)
    report.save(update_fields=["xlsx_file", "pdf_file"])
    return report


@transaction.atomic
def send_report(*, report, by):
    """Send a finalised report to the unit above (a ward's to its province, a school's to its ward)."""
    # lock the report row alone: PostgreSQL refuses FOR UPDATE across the nullable join to the parent
    report = OutgoingReport.objects.select_for_update(of=("self",)).select_related("unit__parent").get(pk=report.pk)
    if report.sent_at:
        raise WorkflowError(f"Báo cáo đã được gửi lúc {timezone.localtime(report.sent_at):%H:%M %d/%m/%Y}.")
    if report.unit.parent is None:
        raise WorkflowError("Đơn vị không có cấp trên để gửi báo cáo.")
    report.recipient = report.unit.parent
    report.sent_at = timezone.now()
    report.save(update_fields=["recipient", "sent_at"])
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
