"""The admin shows a plan's life and a task's reports read-only: they are written by the portal's pages."""

from datetime import date

from pytest_django.asserts import assertContains, assertNotContains

from plans.actions import enact_plan, reported_state, state_fingerprint, update_task
from plans.models import DocumentStatus, Task, TaskStatus
from tests.factories import make_document


def test_the_admin_shows_the_history_read_only(client, personas, tree):
    plan = make_document(tree["A"], number="", status=DocumentStatus.DRAFT)
    enact_plan(document=plan, number="20/KH-UBND", issued_on=date(2026, 1, 5),
               by=personas["leader_a"])
    task = Task.objects.create(document=plan, text="Rà soát", lead_unit=tree["A"])
    update_task(task=task, status=TaskStatus.DONE, due_date=None, note="Đã xong việc rà soát", by=personas["officer_a"],
                seen=state_fingerprint(reported_state(task)))
    client.force_login(personas["admin"])
    page = client.get(f"/admin/plans/document/{plan.pk}/change/")
    assertContains(page, "Ký ban hành")
    assertNotContains(page, 'name="revisions-0-reason"')
    assertContains(client.get(f"/admin/plans/task/{task.pk}/change/"), "Đã xong việc rà soát")
