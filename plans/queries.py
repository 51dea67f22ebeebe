"""Reads of tasks that dashboards and reports share."""

from django.db.models import F

from .models import Task, no_draft_from_above_unit


def overdue_tasks_for_unit(unit, today, document=None):
    """Tasks led or coordinated in the unit's subtree that are overdue on `today` (past their due date and not
    done, or marked late), oldest due date first; optionally of one plan; a draft's only at its issuer and above.
    One query."""
    tasks = Task.objects.responsible_in_subtree(unit).overdue(today).filter(no_draft_from_above_unit(unit))
    if document is not None:
        tasks = tasks.filter(document=document)
    return tasks.select_related("document", "lead_unit", "group").order_by(F("due_date").asc(nulls_last=True), "pk")
