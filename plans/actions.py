"""Writes of plans and tasks that record history: the life of a plan (signed into force, amended, replaced) and
reports on tasks (state, due date, handing to a lower unit)."""

import hashlib
import json

from django.db import IntegrityError, transaction
from django.utils import timezone

from units import stored_files
from units.evidence import holds_upload

from .models import Document, DocumentRevision, DocumentStatus, Task, TaskUpdate


class PlanStateError(Exception):
    """The step does not apply to the plan in its present state; the message is shown as is."""


class StaleEditError(Exception):
    """Someone changed the object since the user's page was opened: nothing was saved, nothing overwritten.

    `current`: the object as it now stands (read under its lock); `latest`: the history row that says who
    changed it and when (a DocumentRevision, TaskUpdate or TargetRevision), or None when the history does not
    say; `fingerprint`: the state's fingerprint now, which the page offers so that the user may save over it
    knowingly."""

    def __init__(self, *, current, latest, fingerprint):
        super().__init__("Dữ liệu vừa được người khác thay đổi.")
        self.current, self.latest, self.fingerprint = current, latest, fingerprint


def state_fingerprint(state):
    """A short digest of the state a form was built from (a JSON-able dict): the page posts it back hidden, and
    the action compares it with the state under the row's lock (a fingerprint rather than a version column:
    no migration, and a change by any path, the admin included, is seen)."""
    text = json.dumps(state, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def check_not_stale(*, seen, current, state, history):
    """Raise StaleEditError unless `seen` is the fingerprint of `state`, the locked row's state now. `history`:
    the object's history rows, newest first; the newest is named as the change only if it left the object in
    this state (a change that bypassed the history is not pinned on the one before it)."""
    fingerprint = state_fingerprint(state)
    if seen != fingerprint:
        latest = history.first()
        if latest is not None and state_fingerprint(_state_after(latest, state.keys())) != fingerprint:
            latest = None
        raise StaleEditError(current=current, latest=latest, fingerprint=fingerprint)


def _state_after(row, keys):
    """The state a history row left, keyed as the checked state: a revision's `after` snapshot, a task report's
    own fields (report_state_after)."""
    if hasattr(row, "after"):
        return {key: (row.after or {}).get(key) for key in keys}
    return report_state_after(row)


def _locked(document):
    return Document.objects.select_for_update().get(pk=document.pk)


@transaction.atomic
def enact_plan(*, document, number, issued_on, by):
    """Sign a draft into force with its number and date of issue (a leader of the issuer: the view checks)."""
    document = _locked(document)
    if document.status != DocumentStatus.DRAFT:
        raise PlanStateError("Chỉ kế hoạch đang là dự thảo mới ký ban hành được.")
    # the form checked the number; another draft of the unit may have been signed with it since
    taken = PlanStateError(f"Số, ký hiệu {number} vừa được dùng cho một văn bản khác của đơn vị (có thể do người "
                           "khác ký ban hành cùng lúc): hãy ghi số khác.")
    if Document.objects.filter(issuer_id=document.issuer_id, number=number).exclude(pk=document.pk).exists():
        raise taken
    before = document.version_snapshot()
    document.number, document.issued_on, document.issued_year = number, issued_on, issued_on.year
    document.status, document.enacted_by, document.enacted_at = DocumentStatus.IN_FORCE, by, timezone.now()
    try:
        with transaction.atomic():
            document.save(update_fields=["number", "issued_on", "issued_year", "status", "enacted_by",
                                         "enacted_at"])
    except IntegrityError:  # signed with the same number at this very moment (the issuer's unique number)
        raise taken from None
    DocumentRevision.objects.create(document=document, kind=DocumentRevision.Kind.ENACTED, before=before,
                                    after=document.version_snapshot(), created_by=by)
    return document


AMENDABLE_FIELDS = ("title", "start_year", "end_year")


def amendable_state(document):
    """What the amendment form shows of a plan, and so what it may not overwrite unseen."""
    return {field: getattr(document, field) for field in AMENDABLE_FIELDS}


@transaction.atomic
def amend_plan(*, document, changes, reason, by, seen):
    """Amend a plan in force (its title or period); the version before is kept in the revision.

    `seen`: the fingerprint of amendable_state() the user's page was built from; StaleEditError if the plan
    changed since (an amendment from a page opened before another one's would silently undo it)."""
    document = _locked(document)
    if document.status != DocumentStatus.IN_FORCE:
        raise PlanStateError("Chỉ kế hoạch đang có hiệu lực mới sửa đổi, bổ sung được.")
    check_not_stale(seen=seen, current=document, state=amendable_state(document),
                    history=document.revisions.select_related("created_by"))
    before = document.version_snapshot()
    for field in AMENDABLE_FIELDS:
        setattr(document, field, changes[field])
    document.save(update_fields=list(AMENDABLE_FIELDS))
    return DocumentRevision.objects.create(document=document, kind=DocumentRevision.Kind.AMENDED, reason=reason,
                                           before=before, after=document.version_snapshot(), created_by=by)


@transaction.atomic
def replace_plan(*, document, replacement, reason, by):
    """Mark a plan in force as replaced by another plan of the same issuer, itself in force."""
    # both locked, in the order of their keys: two leaders replacing A by B and B by A at once would otherwise
    # leave both replaced, each by the other, and the unit with no plan in force
    locked = {d.pk: d for d in Document.objects.select_for_update().filter(pk__in=[document.pk, replacement.pk])
              .order_by("pk")}
    document, replacement = locked[document.pk], locked.get(replacement.pk, replacement)
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


def reported_state(task):
    """What the task's page shows and its report and handing-on forms start from (its state, due date, lead unit
    and newest report), and so what they may not overwrite unseen: a report or a handing on from a page that did
    not show the latest report (a note only, or a new lead unit) is refused, and the same form posted twice finds
    its own report there (update_task)."""
    return {"status": task.status, "due_date": task.due_date, "lead_unit": task.lead_unit_id,
            "report": task.updates.values_list("pk", flat=True).first()}


def report_state_after(update):
    """reported_state() as a report left it."""
    return {"status": update.status, "due_date": update.due_date, "lead_unit": update.lead_unit_id,
            "report": update.pk}


def _repeated_report(task, *, seen, by, status, due_date, note, lead_unit, evidence):
    """The task's newest report if the one asked for is that same report posted again (a double tap, a form sent
    twice): by the same person, with the same content (its evidence file's too, not only its name: a corrected file
    sent again under the same name after going Back is no repeat), made from the page the newest was made from;
    else None."""
    newest = task.updates.first()
    if newest is None or newest.created_by_id != getattr(by, "pk", None):
        return None
    same = (newest.status, newest.due_date, newest.lead_unit_id, newest.note, newest.evidence_name) == (
        status, due_date, lead_unit.pk if lead_unit else task.lead_unit_id, note,
        evidence.shown_name if evidence is not None else "")
    if not same or _made_from(task, newest) != seen:
        return None
    return newest if evidence is None or holds_upload(newest.evidence, evidence) else None


def repeated_assignment(task, *, seen, by, lead_unit_id, note):
    """The task's newest report if a handing on asked for is that same one posted again (a double tap on "Giao", a
    form sent twice): by the same person, to the unit it handed the task to, with the same note (or none, when the
    one kept is the default "Giao cho … chủ trì."), from the page the newest was made from; else None."""
    newest = task.updates.select_related("lead_unit").first()
    if (newest is None or newest.created_by_id != getattr(by, "pk", None) or newest.lead_unit_id is None
            or str(newest.lead_unit_id) != str(lead_unit_id) or newest.lead_before_id == newest.lead_unit_id):
        return None
    if newest.note != (note or f"Giao cho {newest.lead_unit.name} chủ trì."):
        return None
    return newest if _made_from(task, newest) == seen else None


def _made_from(task, update):
    """The fingerprint of the state `update`, the task's newest report, was made from (reported_state before it)."""
    return state_fingerprint({"status": update.status_before, "due_date": update.due_before,
                              "lead_unit": update.lead_before_id,
                              "report": task.updates.exclude(pk=update.pk).values_list("pk", flat=True).first()})


@stored_files.atomic
def update_task(*, task, status, due_date, note, by, seen, evidence=None, lead_unit=None):
    """Record a report on a task (state, due date, note, evidence, or a new lead unit) and apply it.

    `seen`: the fingerprint of reported_state() the report was made from; StaleEditError if the task changed
    since (a report from a stale page would put back the state or due date someone else had just set, or answer a
    report it did not show). The same report posted twice is kept once: the second returns the first. The
    evidence file goes again if the report is not saved."""
    task = Task.objects.select_for_update().get(pk=task.pk)
    try:
        check_not_stale(seen=seen, current=task, state=reported_state(task),
                        history=task.updates.select_related("created_by"))
    except StaleEditError:
        repeated = _repeated_report(task, seen=seen, by=by, status=status, due_date=due_date, note=note,
                                    lead_unit=lead_unit, evidence=evidence)
        if repeated is None:
            raise
        return repeated
    update = TaskUpdate(task=task, created_by=by, status_before=task.status, status=status, due_before=task.due_date,
                        due_date=due_date, lead_before=task.lead_unit, lead_unit=lead_unit or task.lead_unit,
                        note=note)
    if evidence is not None:
        update.evidence_name, update.evidence_type = evidence.shown_name, evidence.checked_type
        stored_files.store(update.evidence, evidence.name, evidence)
    update.save()
    task.status, task.due_date, task.lead_unit = status, due_date, update.lead_unit
    task.save(update_fields=["status", "due_date", "lead_unit"])
    return update
