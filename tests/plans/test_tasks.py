"""The "Nhiệm vụ" pages: each responsible unit (lead or coordinating) sees its tasks, reports their state with a
note and evidence, the officer hands a task to a lower unit; overdue tasks for the dashboards and reports."""

import re
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError
from pytest_django.asserts import assertContains, assertNotContains

from plans.actions import reported_state, state_fingerprint
from plans.models import Task, TaskStatus, TaskUpdate
from plans.queries import overdue_tasks_for_unit
from tests import evidence_files
from tests.factories import make_document
from tests.failed_writes import insert_refused, media_files

TODAY = date(2026, 11, 27)


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def tasks(tree):
    plan_a, plan_b = make_document(tree["A"]), make_document(tree["B"], number="5/KH-UBND")
    city = make_document(tree["HP"], number="3/KH-UBND")
    made = {
        # led by A's office, the school A1 coordinates; past due
        "office": Task.objects.create(document=plan_a, text="Rà soát đội ngũ giáo viên", lead_unit=tree["A-VHXH"],
                                      due_date=date(2026, 6, 30), status=TaskStatus.IN_PROGRESS),
        # led by the ward itself, no due date
        "ward": Task.objects.create(document=plan_a, text="Xây dựng phòng học thông minh", lead_unit=tree["A"]),
        # a city task the ward only coordinates
        "city": Task.objects.create(document=city, text="Tuyên truyền Nghị quyết 71", lead_unit=tree["SGDDT"],
                                    due_date=date(2027, 12, 31)),
        # ward B's task
        "b": Task.objects.create(document=plan_b, text="Nhiệm vụ của phường B", lead_unit=tree["B"],
                                 status=TaskStatus.LATE),
    }
    made["office"].coordinating_units.set([tree["A-TH1"]])
    made["city"].coordinating_units.set([tree["A"], tree["B"]])
    return made


def test_the_officer_sees_the_tasks_its_units_lead_or_coordinate(client, personas, tasks):
    client.force_login(personas["officer_a"])
    page = client.get("/ke-hoach/nhiem-vu/")
    for key in ("office", "ward", "city"):
        assertContains(page, tasks[key].text)
    assertNotContains(page, "Nhiệm vụ của phường B")
    assertContains(page, "Trường Tiểu học A1")  # the coordinating units are shown
    assertContains(page, "Quá hạn")


def test_a_school_sees_only_the_tasks_it_coordinates(client, personas, tasks):
    client.force_login(personas["principal_a"])
    page = client.get("/ke-hoach/nhiem-vu/")
    assertContains(page, "Rà soát đội ngũ giáo viên")
    assertNotContains(page, "Xây dựng phòng học thông minh")
    assertNotContains(page, "Tuyên truyền Nghị quyết 71")


def test_the_list_filters_by_state_overdue_and_role(client, personas, tasks):
    client.force_login(personas["officer_a"])
    overdue = client.get("/ke-hoach/nhiem-vu/", {"overdue": "on"}).content.decode()
    assert "Rà soát đội ngũ giáo viên" in overdue and "Xây dựng phòng học thông minh" not in overdue
    coordinating = client.get("/ke-hoach/nhiem-vu/", {"role": "coordinating"}).content.decode()
    assert "Tuyên truyền Nghị quyết 71" in coordinating and "Xây dựng phòng học thông minh" not in coordinating
    state = client.get("/ke-hoach/nhiem-vu/", {"status": "not_started"}).content.decode()
    assert "Xây dựng phòng học thông minh" in state and "Rà soát đội ngũ giáo viên" not in state
    assert client.get("/ke-hoach/nhiem-vu/", {"status": "bogus"}).status_code == 200  # a wrong filter shows all


@pytest.mark.parametrize("n_tasks", [3, 30])
def test_the_list_reads_a_fixed_number_of_queries(client, personas, tree, n_tasks, django_assert_max_num_queries):
    plan = make_document(tree["A"])
    for i in range(n_tasks):
        task = Task.objects.create(document=plan, text=f"Nhiệm vụ {i}", lead_unit=tree["A-VHXH"], order=i)
        task.coordinating_units.set([tree["A-TH1"], tree["A-THCS"]])
    client.force_login(personas["officer_a"])
    # session + user, memberships, count, the page of tasks, their coordinating units (+ test savepoints)
    with django_assert_max_num_queries(9):
        page = client.get("/ke-hoach/nhiem-vu/")
    assert page.content.decode().count("Trường Tiểu học và THCS A2") == n_tasks


def post_update(client, task, **extra):
    """Post a report as the page does: with the version of the task it was opened at."""
    return client.post(f"/ke-hoach/nhiem-vu/{task.pk}/cap-nhat/", {
        "status": "done", "due_date": "30/06/2026", "note": "Đã hoàn thành rà soát",
        "seen": state_fingerprint(reported_state(task)), **extra})


def test_the_lead_unit_reports_the_state_with_a_note_and_evidence(client, personas, tasks, media):
    task = tasks["office"]
    client.force_login(personas["officer_a"])
    evidence = SimpleUploadedFile("bien-ban.pdf", evidence_files.pdf(), content_type="application/pdf")
    response = post_update(client, task, evidence=evidence)
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.status == TaskStatus.DONE
    update = task.updates.get()
    assert (update.status_before, update.status, update.note) == ("in_progress", "done", "Đã hoàn thành rà soát")
    assert update.evidence_name == "bien-ban.pdf" and update.evidence.name.endswith(".pdf")
    page = client.get(f"/ke-hoach/nhiem-vu/{task.pk}/")
    assertContains(page, "Đang thực hiện → Hoàn thành")
    assertContains(page, "bien-ban.pdf")
    download = client.get(f"/ke-hoach/nhiem-vu/minh-chung/{update.pk}/")
    assert download["Content-Disposition"].startswith("attachment")
    # the one answer of every evidence download (units.evidence.evidence_response); this one had neither until 28/11
    assert (download["X-Content-Type-Options"], download["Cache-Control"]) == ("nosniff", "private, no-store")
    assert b"".join(download.streaming_content).startswith(b"%PDF-")
    client.force_login(personas["officer_b"])
    assert client.get(f"/ke-hoach/nhiem-vu/minh-chung/{update.pk}/").status_code == 404


def test_a_report_the_database_refuses_leaves_no_evidence_file(client, personas, tasks, media):
    client.force_login(personas["officer_a"])
    evidence = SimpleUploadedFile("bien-ban.pdf", evidence_files.pdf(), content_type="application/pdf")
    with insert_refused("plans_taskupdate"), pytest.raises(IntegrityError):
        post_update(client, tasks["office"], evidence=evidence)
    assert not TaskUpdate.objects.exists() and media_files() == []


def test_a_coordinating_school_reports_too(client, personas, tasks):
    client.force_login(personas["principal_a"])
    assert post_update(client, tasks["office"], status="in_progress").status_code == 302
    assert tasks["office"].updates.get().created_by == personas["principal_a"]


def test_a_coordinating_school_reports_its_part_but_not_the_tasks_state_or_deadline(client, personas, tasks):
    # the security audit of 28/11/2026: a coordinating school set the ward office's task "done", due in 2099
    client.force_login(personas["principal_a"])
    page = client.get(f"/ke-hoach/nhiem-vu/{tasks['office'].pk}/").content.decode()
    assert re.search(r'<select name="status"[^>]*disabled', page) and "Do đơn vị chủ trì cập nhật" in page
    assert post_update(client, tasks["office"], status="done", due_date="01/01/2099",
                       note="Trường đã rà soát xong").status_code == 302
    task = Task.objects.get(pk=tasks["office"].pk)
    assert (task.status, task.due_date) == (TaskStatus.IN_PROGRESS, date(2026, 6, 30))
    assert task.updates.get().note == "Trường đã rà soát xong"  # its part, reported
    # the ward (the lead office's parent) sets them
    client.force_login(personas["officer_a"])
    assert post_update(client, tasks["office"], status="done", due_date="01/01/2027").status_code == 302
    assert Task.objects.get(pk=task.pk).status == TaskStatus.DONE


@pytest.mark.parametrize("persona, status", [("leader_a", 403), ("reviewer", 403), ("officer_b", 404),
                                             ("principal_b", 404)])
def test_others_may_not_report_on_the_task(client, personas, tasks, persona, status):
    client.force_login(personas[persona])
    assert post_update(client, tasks["office"]).status_code == status
    assert not TaskUpdate.objects.exists()


def test_a_school_not_responsible_may_not_report(client, personas, tasks):
    client.force_login(personas["principal_a"])
    assert post_update(client, tasks["ward"]).status_code == 403  # reads the ward's plan, is not responsible


@pytest.mark.parametrize("changes, message", [
    ({"note": ""}, "Hãy ghi kết quả hoặc tình hình thực hiện."),
    ({"status": "finished"}, "Trạng thái không hợp lệ."),
    ({"due_date": "2026-13-45"}, "Ngày không hợp lệ"),
    ({"evidence": SimpleUploadedFile("x.pdf", b"<html><script>alert(1)</script></html>")},
     "Tệp minh chứng của nhiệm vụ phải là PDF hoặc ảnh PNG/JPEG"),
    ({"evidence": SimpleUploadedFile("x.png", b"\x89PNG\r\n\x1a\nnot really")},
     "Tệp ảnh PNG bị hỏng hoặc không trọn vẹn"),  # judged as a target's evidence is (units.evidence)
])
def test_a_wrong_report_says_why_and_saves_nothing(client, personas, tasks, media, changes, message):
    client.force_login(personas["officer_a"])
    response = post_update(client, tasks["office"], **changes)
    assertContains(response, message, status_code=400)
    tasks["office"].refresh_from_db()
    assert tasks["office"].status == TaskStatus.IN_PROGRESS and not TaskUpdate.objects.exists()
    assert not any(media.rglob("*.*"))


def test_the_officer_hands_a_task_to_a_lower_unit(client, personas, tree, tasks):
    task = tasks["ward"]
    client.force_login(personas["officer_a"])
    page = client.get(f"/ke-hoach/nhiem-vu/{task.pk}/")
    assertContains(page, "Giao cho đơn vị cấp dưới")
    response = client.post(f"/ke-hoach/nhiem-vu/{task.pk}/giao/", {"lead_unit": tree["A-VHXH"].pk,
                                                                  "seen": state_fingerprint(reported_state(task))})
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.lead_unit == tree["A-VHXH"]
    update = task.updates.get()
    assert (update.lead_before, update.lead_unit, update.note) == (tree["A"], tree["A-VHXH"],
                                                                   "Giao cho Phòng Văn hóa - Xã hội phường A chủ trì.")
    assertContains(client.get(f"/ke-hoach/nhiem-vu/{task.pk}/"), "Giao: Phường A → Phòng Văn hóa - Xã hội phường A")


@pytest.mark.parametrize("note", ["", "Phòng chủ trì, báo cáo trước 15/12."])
def test_handing_a_task_on_sent_twice_is_done_once_and_said_done(client, personas, tree, tasks, note):
    """A double tap on "Giao": the second post comes from the page the first was made from. Until 28/11/2026 it was
    refused (409, "… nên chưa giao: hãy xem lại rồi giao lại.") though the task had been handed on."""
    task = tasks["ward"]
    client.force_login(personas["officer_a"])
    data = {"lead_unit": tree["A-VHXH"].pk, "note": note, "seen": state_fingerprint(reported_state(task))}
    assert client.post(f"/ke-hoach/nhiem-vu/{task.pk}/giao/", data).status_code == 302
    again = client.post(f"/ke-hoach/nhiem-vu/{task.pk}/giao/", data, follow=True)
    assert again.redirect_chain and again.redirect_chain[-1][1] == 302
    assertContains(again, "Đã giao nhiệm vụ cho Phòng Văn hóa - Xã hội phường A.")
    assertNotContains(again, "nên chưa giao")
    assert task.updates.count() == 1


def test_a_handing_on_from_a_page_that_did_not_show_anothers_is_still_refused(client, personas, tree, tasks):
    """Not a repeat: another officer handed the task on from the same page first, to the same unit."""
    task = tasks["ward"]
    colleague = personas["officer_a"].__class__.objects.create_user("canbo.a2", password="x")
    colleague.memberships.create(unit=tree["A"], role=personas["officer_a"].memberships.first().role)
    data = {"lead_unit": tree["A-VHXH"].pk, "seen": state_fingerprint(reported_state(task))}
    client.force_login(colleague)
    assert client.post(f"/ke-hoach/nhiem-vu/{task.pk}/giao/", data).status_code == 302
    client.force_login(personas["officer_a"])
    assertContains(client.post(f"/ke-hoach/nhiem-vu/{task.pk}/giao/", data), "nên chưa giao", status_code=409)
    assert task.updates.count() == 1


@pytest.mark.parametrize("unit", ["B", "A", "HP"])
def test_a_task_goes_only_to_a_unit_below_its_lead(client, personas, tree, tasks, unit):
    client.force_login(personas["officer_a"])
    response = client.post(f"/ke-hoach/nhiem-vu/{tasks['ward'].pk}/giao/", {
        "lead_unit": tree[unit].pk, "seen": state_fingerprint(reported_state(tasks["ward"]))})
    assertContains(response, "Chỉ giao được cho một đơn vị cấp dưới của đơn vị đang chủ trì.", status_code=400)
    tasks["ward"].refresh_from_db()
    assert tasks["ward"].lead_unit == tree["A"]


@pytest.mark.parametrize("persona, status", [("principal_a", 403), ("leader_a", 403), ("officer_b", 404)])
def test_others_may_not_hand_a_task_on(client, personas, tree, tasks, persona, status):
    client.force_login(personas[persona])
    response = client.post(f"/ke-hoach/nhiem-vu/{tasks['ward'].pk}/giao/", {"lead_unit": tree["A-VHXH"].pk})
    assert response.status_code == status
    assert not TaskUpdate.objects.exists()


def test_a_coordinating_unit_does_not_hand_on_another_units_task(client, personas, tree, tasks):
    client.force_login(personas["officer_a"])
    response = client.post(f"/ke-hoach/nhiem-vu/{tasks['city'].pk}/giao/", {"lead_unit": tree["A-VHXH"].pk})
    assert response.status_code == 403
    assertNotContains(client.get(f"/ke-hoach/nhiem-vu/{tasks['city'].pk}/"), "Giao cho đơn vị cấp dưới")


def test_the_task_page_reads_a_fixed_number_of_queries(client, personas, tasks, django_assert_max_num_queries):
    task = tasks["office"]
    for i in range(5):
        TaskUpdate.objects.create(task=task, created_by=personas["officer_a"], status_before="in_progress",
                                  status="in_progress", note=f"Lần {i}")
    client.force_login(personas["officer_a"])
    # session + user, memberships, task, may-report, may-assign, coordinating units, updates, units to assign to,
    # and the newest report's id (reported_state: the forms' seen, so that a report or handing on from a page that
    # did not show the latest report is refused, and a report posted twice is kept once)
    with django_assert_max_num_queries(13):
        assertContains(client.get(f"/ke-hoach/nhiem-vu/{task.pk}/"), "Lần 4")


def test_overdue_tasks_of_a_subtree(tree, tasks):
    assert set(Task.objects.overdue(TODAY)) == {tasks["office"], tasks["b"]}
    assert list(overdue_tasks_for_unit(tree["A"], TODAY)) == [tasks["office"]]
    assert list(overdue_tasks_for_unit(tree["HP"], TODAY)) == [tasks["office"], tasks["b"]]
    assert list(overdue_tasks_for_unit(tree["A"], date(2028, 1, 1))) == [tasks["office"], tasks["city"]]
    assert list(overdue_tasks_for_unit(tree["A"], date(2028, 1, 1), document=tasks["city"].document)) == [tasks["city"]]
    tasks["office"].status = TaskStatus.DONE
    tasks["office"].save(update_fields=["status"])
    assert list(overdue_tasks_for_unit(tree["A"], TODAY)) == []


@pytest.mark.parametrize(("name", "content", "refusal"), [
    ("bien-ban.pdf", b"%PDF-1.4 garbage %%EOF", "bị hỏng"),  # a PDF header and trailer around nothing
    ("bien-ban.docx", evidence_files.docx(), "phải là PDF hoặc ảnh PNG/JPEG"),  # a sound file, not a task's kind
])
def test_a_task_refuses_evidence_a_target_would_refuse_or_of_another_kind(client, personas, tasks, media, name,
                                                                           content, refusal):
    """A task's evidence is judged through its whole content as a target's is (units.evidence)."""
    task = tasks["office"]
    client.force_login(personas["officer_a"])
    response = post_update(client, task, evidence=SimpleUploadedFile(name, content))
    assertContains(response, refusal, status_code=response.status_code)
    assert not task.updates.exists()
