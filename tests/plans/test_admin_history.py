"""The admin shows a plan's life and a task's reports read-only: they are written by the portal's pages. A task or
an import it deletes takes its files, once the deletion commits, and leaves them if the deletion is rolled back; a
task group it deletes leaves its tasks, their reports and their files."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError
from pytest_django.asserts import assertContains, assertNotContains

from importer.actions import start_import
from plans.actions import enact_plan, reported_state, state_fingerprint, update_task
from plans.models import DocumentStatus, PlanImport, Task, TaskGroup, TaskStatus, TaskUpdate
from tests import evidence_files
from tests.factories import make_document
from tests.failed_writes import delete_refused, media_files


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


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def reported_with_evidence(task, personas):
    """`task` reported done by A's officer, with a PDF as evidence."""
    evidence = SimpleUploadedFile("bien-ban.pdf", evidence_files.pdf())
    evidence.shown_name, evidence.checked_type = "bien-ban.pdf", "application/pdf"
    update_task(task=task, status=TaskStatus.DONE, due_date=None, note="Đã xong việc rà soát", by=personas["officer_a"],
                seen=state_fingerprint(reported_state(task)), evidence=evidence)
    return task


def test_a_task_deleted_in_the_admin_takes_its_reports_evidence_once_the_deletion_commits(
        client, personas, tree, media, django_capture_on_commit_callbacks):
    task = Task.objects.create(document=make_document(tree["A"]), text="Rà soát", lead_unit=tree["A"])
    reported_with_evidence(task, personas)
    kept = media_files()
    client.force_login(personas["admin"])
    with django_capture_on_commit_callbacks() as callbacks:
        assert client.post(f"/admin/plans/task/{task.pk}/delete/", {"post": "yes"}).status_code == 302
    assert not Task.objects.exists() and len(kept) == 1 and media_files() == kept  # not before the commit
    for callback in callbacks:
        callback()
    assert media_files() == []


def test_imports_deleted_in_the_admin_take_their_files_once_the_deletion_commits(
        client, personas, tree, media, django_capture_on_commit_callbacks):
    plan_import = start_import(unit=tree["A"], uploaded_file=SimpleUploadedFile("ke-hoach.txt", "Kế hoạch".encode()),
                               by=personas["officer_a"])  # not read yet: its file is kept
    assert media_files() == [plan_import.source_file.name]
    client.force_login(personas["admin"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/admin/plans/planimport/", {"action": "delete_selected", "_selected_action": [plan_import.pk],
                                                 "post": "yes"})
    assert not PlanImport.objects.exists() and media_files() == []


def test_a_task_deletion_in_the_admin_that_is_rolled_back_keeps_the_evidence(
        client, personas, tree, media, django_capture_on_commit_callbacks):
    task = reported_with_evidence(
        Task.objects.create(document=make_document(tree["A"]), text="Rà soát", lead_unit=tree["A"]), personas)
    kept = media_files()
    client.force_login(personas["admin"])
    with django_capture_on_commit_callbacks(execute=True), delete_refused("plans_task"), \
            pytest.raises(IntegrityError):
        client.post(f"/admin/plans/task/{task.pk}/delete/", {"post": "yes"})  # its reports deleted first, then refused
    assert TaskUpdate.objects.filter(task=task).exists() and len(kept) == 1 and media_files() == kept


def test_a_task_group_deleted_in_the_admin_leaves_its_tasks_their_reports_and_evidence(
        client, personas, tree, media, django_capture_on_commit_callbacks):
    plan = make_document(tree["A"])
    group = TaskGroup.objects.create(document=plan, number="1", title="Nhiệm vụ chung")
    task = reported_with_evidence(
        Task.objects.create(document=plan, group=group, text="Rà soát", lead_unit=tree["A"]), personas)
    kept = media_files()
    client.force_login(personas["admin"])
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(f"/admin/plans/taskgroup/{group.pk}/delete/", {"post": "yes"}).status_code == 302
    task.refresh_from_db()
    assert not TaskGroup.objects.exists() and task.group is None  # the tasks are ungrouped (SET_NULL), not deleted
    assert TaskUpdate.objects.get(task=task).evidence.name == kept[0] and media_files() == kept
