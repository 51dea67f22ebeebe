"""The admin shows a plan's life and a task's reports read-only: they are written by the portal's pages. A task or
an import it deletes takes its files, once the deletion commits."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from pytest_django.asserts import assertContains, assertNotContains

from importer.actions import start_import
from plans.actions import enact_plan, reported_state, state_fingerprint, update_task
from plans.models import DocumentStatus, PlanImport, Task, TaskStatus
from tests import evidence_files
from tests.factories import make_document
from tests.failed_writes import media_files


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


def test_a_task_deleted_in_the_admin_takes_its_reports_evidence_once_the_deletion_commits(
        client, personas, tree, media, django_capture_on_commit_callbacks):
    task = Task.objects.create(document=make_document(tree["A"]), text="Rà soát", lead_unit=tree["A"])
    evidence = SimpleUploadedFile("bien-ban.pdf", evidence_files.pdf())
    evidence.shown_name, evidence.checked_type = "bien-ban.pdf", "application/pdf"
    update_task(task=task, status=TaskStatus.DONE, due_date=None, note="Đã xong việc rà soát", by=personas["officer_a"],
                seen=state_fingerprint(reported_state(task)), evidence=evidence)
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
