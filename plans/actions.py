"""Writes of plans and tasks that record history: the life of a plan (signed into force, amended, replaced) and
reports on tasks (state, due date, handing to a lower unit)."""

from django.db import transaction
from django.utils import timezone

from .models import Document, DocumentRevision, DocumentStatus, Task, TaskUpdate


class PlanStateError(Exception):
    """The step does not apply to the plan in its present state; the message is shown as is."""


def _locked(document):
    return Document.objects.select_for_update().get(pk=document.pk)


@transaction.atomic
def enact_plan(*, document, number, issued_on, by):
    """Sign a draft into force with its number and date of issue (a leader of the issuer: the view checks)."""
    document = _locked(document)
    if document.status != DocumentStatus.DRAFT:
        raise PlanStateError("Chỉ kế hoạch đang là dự thảo mới ký ban hành được.")
    before = document.version_snapshot()
    document.number, document.issued_on, document.issued_year = number, issued_on, issued_on.year
    document.status, document.enacted_by, document.enacted_at = DocumentStatus.IN_FORCE, by, timezone.now()
    document.save(update_fields=["number", "issued_on", "issued_year", "status", "enacted_by", "enacted_at"])
    DocumentRevision.objects.create(document=document, kind=DocumentRevision.Kind.ENACTED, before=before,
                                    after=document.version_snapshot(), created_by=by)
    return document


AMENDABLE_FIELDS = ("title", "start_year", "end_year")


@transaction.atomic
def amend_plan(*, document, changes, reason, by):
    """Amend a plan in force (its title or period); the version before is kept in the revision."""
    document = _locked(document)
    if document.status != DocumentStatus.IN_FORCE:
        raise PlanStateError("Chỉ kế hoạch đang có hiệu lực mới sửa đổi, bổ sung được.")
    before = document.version_snapshot()
    for field in AMENDABLE_FIELDS:
        setattr(document, field, changes[field])
    document.save(update_fields=list(AMENDABLE_FIELDS))
    return DocumentRevision.objects.create(document=document, kind=DocumentRevision.Kind.AMENDED, reason=reason,
                                           before=before, after=document.version_snapshot(), created_by=by)


@transaction.atomic
def replace_plan(*, document, replacement, reason, by):
    """Mark a plan in force as replaced by another plan of the same issuer, itself in force."""
    document = _locked(document)
    if document.status != DocumentStatus.IN_FORCE:
        raise PlanStateError("Chỉ kế hoạch đang có hiệu lực mới được thay thế.")
    if replacement.pk == document.pk or replacement.issuer_id != document.issuer_id \
            or replacement.status != DocumentStatus.IN_FORCE:
        raise PlanStateError("Kế hoạch thay thế phải là một kế hoạch khác của cùng đơn vị, đang có hiệu lực.")
    before = document.version_snapshot()
    document.status, document.replaced_by = DocumentStatus.SUPERSEDED, replacement
    document.save(update_fields=["status", "replaced_by"])
    return DocumentRevision.objects.create(document=document, kind=DocumentRevision.Kind.REPLACED, reason=reason,
                                           before=before, after=document.version_snapshot(), created_by=by)


@transaction.atomic
def update_task(*, task, status, due_date, note, by, evidence=None, lead_unit=None):
    """Record a report on a task (state, due date, note, evidence, or a new lead unit) and apply it."""
    task = Task.objects.select_for_update().get(pk=task.pk)
    update = TaskUpdate(task=task, created_by=by, status_before=task.status, status=status, due_before=task.due_date,
                        due_date=due_date, lead_before=task.lead_unit, lead_unit=lead_unit or task.lead_unit,
                        note=note)
    if evidence is not None:
        update.evidence, update.evidence_name, update.evidence_type = evidence, evidence.shown_name, evidence.checked_type
    update.save()
    task.status, task.due_date, task.lead_unit = status, due_date, update.lead_unit
    task.save(update_fields=["status", "due_date", "lead_unit"])
    return update
