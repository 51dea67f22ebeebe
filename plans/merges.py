"""A merge of wards or schools as the plans see it: the merge itself (units.maintenance, which may not know of
plans) and, in the same transaction, the merged units' tasks handed on to the unit that takes them over, so that
someone in office answers for every task still open. Either both are saved or neither."""

from django.db import transaction
from django.db.models import Q

from units.maintenance import merge_communes, merge_schools

from .models import Task, TaskStatus, TaskUpdate


@transaction.atomic
def merge_wards(*, predecessors, successor, effective_on, legal_basis, by):
    """merge_communes, then hand_on_tasks: (schools moved, tasks handed on)."""
    moved = merge_communes(predecessors=predecessors, successor=successor, effective_on=effective_on,
                           legal_basis=legal_basis, by=by)
    return moved, hand_on_tasks(predecessors=predecessors, successor=successor, effective_on=effective_on, by=by)


@transaction.atomic
def merge_school_units(*, predecessors, successor, effective_on, legal_basis, by):
    """merge_schools, then hand_on_tasks (a ward hands tasks to its schools): the tasks handed on."""
    merge_schools(predecessors=predecessors, successor=successor, effective_on=effective_on,
                  legal_basis=legal_basis, by=by)
    return hand_on_tasks(predecessors=predecessors, successor=successor, effective_on=effective_on, by=by)


@transaction.atomic
def hand_on_tasks(*, predecessors, successor, effective_on, by):
    """The tasks not finished, of any plan, that a merged unit leads or coordinates: the successor takes its place
    (as lead; as coordinating unit unless it already leads or coordinates the task), each change kept in the task's
    history (a TaskUpdate by the administrator, its state and due date unchanged). A finished task keeps the unit
    that did it. Returns how many tasks changed. At most six queries whatever the number of tasks."""
    merged = {unit.pk: unit for unit in predecessors}
    # read under their locks: a lead unit reporting on one meanwhile waits, then sees the successor as lead
    tasks = list(Task.objects.select_for_update().filter(
        pk__in=Task.objects.filter(Q(lead_unit__in=list(merged)) | Q(coordinating_units__in=list(merged)))
        .values("pk")).exclude(status=TaskStatus.DONE).order_by("pk"))
    if not tasks:
        return 0
    links = Task.coordinating_units.through
    coordinating = {}
    for task_id, unit_id in links.objects.filter(task__in=tasks).values_list("task_id", "unit_id"):
        coordinating.setdefault(task_id, set()).add(unit_id)
    day = f"{effective_on:%d/%m/%Y}"
    updates, led, dropped, added = [], [], [], []
    for task in tasks:
        notes = []
        lead_before = task.lead_unit_id
        if lead_before in merged:
            led.append(task.pk)
            notes.append(f"{merged[lead_before].name} sáp nhập vào {successor.name} từ ngày {day}: {successor.name} "
                         "chủ trì thay.")
        gone = sorted(coordinating.get(task.pk, set()) & set(merged))
        if gone:
            dropped += [(task.pk, unit_id) for unit_id in gone]
            names = ", ".join(merged[unit_id].name for unit_id in gone)
            leads_now = successor.pk if lead_before in merged else lead_before
            if successor.pk in coordinating[task.pk] or successor.pk == leads_now:
                notes.append(f"{names} sáp nhập vào {successor.name} từ ngày {day}: không còn là đơn vị phối hợp "
                             f"({successor.name} đã tham gia nhiệm vụ).")
            else:
                added.append(task.pk)
                notes.append(f"{names} sáp nhập vào {successor.name} từ ngày {day}: {successor.name} phối hợp thay.")
        updates.append(TaskUpdate(task=task, created_by=by, status_before=task.status, status=task.status,
                                  due_before=task.due_date, due_date=task.due_date, lead_before_id=lead_before,
                                  lead_unit_id=successor.pk if lead_before in merged else lead_before,
                                  note=" ".join(notes)))
    if led:
        Task.objects.filter(pk__in=led).update(lead_unit=successor)
    if dropped:
        condition = Q(pk__in=[])
        for task_id, unit_id in dropped:
            condition |= Q(task_id=task_id, unit_id=unit_id)
        links.objects.filter(condition).delete()
    links.objects.bulk_create([links(task_id=task_id, unit_id=successor.pk) for task_id in added])
    TaskUpdate.objects.bulk_create(updates)
    return len(tasks)
