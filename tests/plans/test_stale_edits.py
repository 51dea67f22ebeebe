"""A plan's amendment and a task's report from a page opened before someone else's change are refused, saying who
changed what and when, with what the user typed kept; NUL characters are refused in Vietnamese; a reader below the
unit that leads a task sees the task, not that unit's working history (notes, names, evidence)."""

from datetime import date

import lxml.html
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from pytest_django.asserts import assertContains, assertNotContains

from plans.models import DocumentRevision, Task, TaskStatus, TaskUpdate
from tests import evidence_files
from tests.factories import make_document, make_user


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def page_form(response, form_id):
    """What a browser would post from the page as it was rendered: every field of the form, the hidden ones too."""
    form = lxml.html.fromstring(response.content.decode()).get_element_by_id(form_id)
    return {name: value.removeprefix("\n") for name, value in form.form_values()}


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


# ---- amending a plan ----


@pytest.fixture
def plan(tree):
    return make_document(tree["A"], title="Kế hoạch phát triển giáo dục phường A", start_year=2026, end_year=2030)


@pytest.fixture
def two_leaders(tree, personas):
    """The two leaders of phường A (chairman and deputy), each with the amendment page open before either saves."""
    deputy = make_user("pct_a", tree["A"], "leader", first_name="Lê Văn", last_name="Bình")
    return signed_in(deputy), signed_in(personas["leader_a"])


def amend_url(plan):
    return f"/ke-hoach/{plan.pk}/sua-doi/"


def test_an_amendment_from_a_page_opened_before_anothers_is_refused(two_leaders, plan):
    first, second = two_leaders
    first_page = page_form(first.get(amend_url(plan)), "plan-amend")
    second_page = page_form(second.get(amend_url(plan)), "plan-amend")
    assert first.post(amend_url(plan), {**first_page, "title": "Kế hoạch phát triển giáo dục và đào tạo phường A",
                                        "reason": "Theo Kế hoạch 20/KH-UBND"}).status_code == 302

    # the second only extends the period, from a page that still shows the old title
    response = second.post(amend_url(plan), {**second_page, "end_year": "2035", "reason": "Theo Nghị quyết 37"})

    assertContains(response, "Kế hoạch đã được sửa đổi, bổ sung sau khi bạn mở trang này", status_code=409)
    text = lxml.html.fromstring(response.content.decode()).get_element_by_id("amend-conflict").text_content()
    assert "Lê Văn Bình" in text  # who, from the plan's history
    assert "“Kế hoạch phát triển giáo dục và đào tạo phường A”" in text and "2026–2030" in text  # what it is now
    assert page_form(response, "plan-amend")["reason"] == "Theo Nghị quyết 37"  # what the user typed is kept
    plan.refresh_from_db()
    assert (plan.title, plan.end_year) == ("Kế hoạch phát triển giáo dục và đào tạo phường A", 2030)
    assert plan.revisions.filter(kind=DocumentRevision.Kind.AMENDED).count() == 1


def test_after_seeing_the_conflict_the_leader_may_amend_again(two_leaders, plan):
    first, second = two_leaders
    first_page = page_form(first.get(amend_url(plan)), "plan-amend")
    second_page = page_form(second.get(amend_url(plan)), "plan-amend")
    first.post(amend_url(plan), {**first_page, "title": "Kế hoạch mới", "reason": "Theo Kế hoạch 20/KH-UBND"})
    refused = second.post(amend_url(plan), {**second_page, "end_year": "2035", "reason": "Theo Nghị quyết 37"})

    # the refused page's title field still holds the old title: the leader corrects it, then saves
    assert second.post(amend_url(plan), {**page_form(refused, "plan-amend"), "title": "Kế hoạch mới"}).status_code == 302

    plan.refresh_from_db()
    assert (plan.title, plan.end_year) == ("Kế hoạch mới", 2035)


def test_an_amendment_without_the_version_it_was_opened_at_is_refused(personas, plan):
    client = signed_in(personas["leader_a"])
    page = page_form(client.get(amend_url(plan)), "plan-amend")
    del page["seen"]
    response = client.post(amend_url(plan), {**page, "title": "Kế hoạch mới", "reason": "Lý do"})
    assertContains(response, "hãy tải lại trang", status_code=400)
    plan.refresh_from_db()
    assert plan.title == "Kế hoạch phát triển giáo dục phường A" and not plan.revisions.exists()


@pytest.mark.parametrize("field", ["title", "reason"])
def test_an_amendment_refuses_a_nul_character_in_vietnamese(personas, plan, field):
    client = signed_in(personas["leader_a"])
    page = page_form(client.get(amend_url(plan)), "plan-amend")
    response = client.post(amend_url(plan), {**page, "title": "Kế hoạch mới", "reason": "Lý do", field: "Kế\x00 hoạch"})
    assertContains(response, "ký tự NUL", status_code=400)
    assert not plan.revisions.exists()


def test_signing_a_plan_refuses_a_nul_character_in_vietnamese(personas, tree):
    draft = make_document(tree["A"], number="", status="draft")
    response = signed_in(personas["leader_a"]).post(f"/ke-hoach/{draft.pk}/ban-hanh/", {
        "number": "115/KH\x00UBND", "issued_on": "15/01/2026"})
    assertContains(response, "ký tự NUL", status_code=400)
    assert not draft.revisions.exists()


def test_replacing_a_plan_refuses_a_nul_character_in_vietnamese(personas, tree, plan):
    new = make_document(tree["A"], number="30/KH-UBND", title="Kế hoạch 2026")
    response = signed_in(personas["leader_a"]).post(f"/ke-hoach/{plan.pk}/thay-the/", {
        "replacement": new.pk, "reason": "Ban hành\x00 kế hoạch mới"})
    assertContains(response, "ký tự NUL", status_code=400)
    assert not plan.revisions.exists()


# ---- reporting on a task ----


@pytest.fixture
def task(tree):
    return Task.objects.create(document=make_document(tree["A"]), text="Rà soát đội ngũ giáo viên",
                               lead_unit=tree["A-VHXH"], status=TaskStatus.IN_PROGRESS)


@pytest.fixture
def two_officers(tree, personas):
    """Two officers of phường A, each with the task's page open before either saves."""
    other = make_user("canbo2_a", tree["A"], "officer", first_name="Trần Thị", last_name="Hà")
    return signed_in(other), signed_in(personas["officer_a"])


def task_url(task):
    return f"/ke-hoach/nhiem-vu/{task.pk}/"


def test_a_task_report_from_a_page_opened_before_anothers_is_refused(two_officers, task):
    first, second = two_officers
    first_page = page_form(first.get(task_url(task)), "task-update")
    second_page = page_form(second.get(task_url(task)), "task-update")
    assert first.post(f"{task_url(task)}cap-nhat/", {**first_page, "due_date": "30/06/2026",
                                                    "note": "Đặt thời hạn theo chỉ đạo"}).status_code == 302

    # the second reports progress from a page without the due date just set
    response = second.post(f"{task_url(task)}cap-nhat/", {**second_page, "status": "done", "note": "Đã rà soát xong"})

    assertContains(response, "Nhiệm vụ đã được cập nhật sau khi bạn mở trang này", status_code=409)
    text = lxml.html.fromstring(response.content.decode()).get_element_by_id("task-conflict").text_content()
    assert "Trần Thị Hà" in text and "Đang thực hiện" in text and "30/06/2026" in text
    typed = page_form(response, "task-update")
    assert (typed["status"], typed["note"]) == ("done", "Đã rà soát xong")
    task.refresh_from_db()
    assert (task.due_date, task.status) == (date(2026, 6, 30), TaskStatus.IN_PROGRESS)
    assert task.updates.count() == 1


def test_after_seeing_the_conflict_the_officer_may_report_again(two_officers, task):
    first, second = two_officers
    first_page = page_form(first.get(task_url(task)), "task-update")
    second_page = page_form(second.get(task_url(task)), "task-update")
    first.post(f"{task_url(task)}cap-nhat/", {**first_page, "due_date": "30/06/2026", "note": "Đặt thời hạn"})
    refused = second.post(f"{task_url(task)}cap-nhat/", {**second_page, "status": "done", "note": "Đã rà soát xong"})

    again = {**page_form(refused, "task-update"), "due_date": "30/06/2026"}
    assert second.post(f"{task_url(task)}cap-nhat/", again).status_code == 302

    task.refresh_from_db()
    assert (task.due_date, task.status) == (date(2026, 6, 30), TaskStatus.DONE)


def test_a_coordinating_school_is_refused_without_the_lead_units_names(personas, tree, task):
    task.coordinating_units.set([tree["A-TH1"]])
    school, office = signed_in(personas["principal_a"]), signed_in(personas["officer_a"])
    school_page = page_form(school.get(task_url(task)), "task-update")
    office.post(f"{task_url(task)}cap-nhat/", {**page_form(office.get(task_url(task)), "task-update"),
                                              "due_date": "30/06/2026", "note": "Ghi chú nội bộ của phường"})

    response = school.post(f"{task_url(task)}cap-nhat/", {**school_page, "note": "Trường A1 đã rà soát xong"})

    assertContains(response, "Nhiệm vụ đã được cập nhật sau khi bạn mở trang này", status_code=409)
    assertContains(response, "thời hạn 30/06/2026", status_code=409)  # the task's state, shown to every reader
    assertNotContains(response, "officer_a", status_code=409)
    assertNotContains(response, "Ghi chú nội bộ của phường", status_code=409)


def test_a_task_report_without_the_version_it_was_opened_at_is_refused(personas, task):
    client = signed_in(personas["officer_a"])
    page = page_form(client.get(task_url(task)), "task-update")
    del page["seen"]
    response = client.post(f"{task_url(task)}cap-nhat/", {**page, "status": "done", "note": "Xong"})
    assertContains(response, "hãy tải lại trang", status_code=400)
    assert not task.updates.exists()


def test_a_task_report_refuses_a_nul_character_in_vietnamese(personas, task):
    client = signed_in(personas["officer_a"])
    page = page_form(client.get(task_url(task)), "task-update")
    response = client.post(f"{task_url(task)}cap-nhat/", {**page, "note": "Đã\x00 xong"})
    assertContains(response, "ký tự NUL", status_code=400)
    assert not task.updates.exists()


def test_handing_a_task_on_refuses_a_nul_character_in_vietnamese(personas, tree):
    ward_task = Task.objects.create(document=make_document(tree["A"]), text="Xây dựng phòng học", lead_unit=tree["A"])
    response = signed_in(personas["officer_a"]).post(f"{task_url(ward_task)}giao/", {
        "lead_unit": tree["A-VHXH"].pk, "note": "Giao\x00 lại"})
    assertContains(response, "ký tự NUL", status_code=400)
    assert not ward_task.updates.exists()


# ---- a task's working history, read from below ----


@pytest.fixture
def reported(personas, tree, media, task):
    """The office's task, coordinated by the school A1: a report of the ward's officer with evidence, and one of
    the school's principal."""
    task.coordinating_units.set([tree["A-TH1"]])
    office = TaskUpdate.objects.create(
        task=task, created_by=personas["officer_a"], status_before="not_started", status="in_progress",
        note="Đã họp với các trường, chờ số liệu của Trường A2",
        evidence=SimpleUploadedFile("x.pdf", evidence_files.pdf()), evidence_name="bien-ban-hop-phuong.pdf",
        evidence_type="application/pdf")
    school = TaskUpdate.objects.create(task=task, created_by=personas["principal_a"], status_before="in_progress",
                                       status="in_progress", note="Trường A1 đã gửi danh sách giáo viên")
    return {"office": office, "school": school}


def test_a_school_below_the_lead_unit_does_not_read_its_working_history(personas, tree, task, reported):
    other_school = make_user("hieutruong_a2", tree["A-THCS"], "school_staff")  # reads the ward's plan, not its work
    page = signed_in(other_school).get(task_url(task))
    assertContains(page, "Rà soát đội ngũ giáo viên")  # the task itself, its state
    assertContains(page, "Đang thực hiện")
    for hidden in ("Đã họp với các trường", "bien-ban-hop-phuong.pdf", "officer_a", "Trường A1 đã gửi",
                   f"/ke-hoach/nhiem-vu/minh-chung/{reported['office'].pk}/"):
        assertNotContains(page, hidden)
    assertContains(page, "Lịch sử cập nhật của đơn vị chủ trì chỉ hiện với đơn vị chủ trì và cấp trên.")


def test_a_coordinating_school_reads_its_own_reports_only(personas, task, reported):
    client = signed_in(personas["principal_a"])
    page = client.get(task_url(task))
    assertContains(page, "Trường A1 đã gửi danh sách giáo viên")
    assertNotContains(page, "Đã họp với các trường")
    assertNotContains(page, "bien-ban-hop-phuong.pdf")
    assert client.get(f"/ke-hoach/nhiem-vu/minh-chung/{reported['office'].pk}/").status_code == 404


@pytest.mark.parametrize("persona", ["officer_a", "leader_a", "reviewer"])
def test_the_lead_unit_and_those_above_read_the_whole_history(personas, task, reported, persona):
    client = signed_in(personas[persona])
    page = client.get(task_url(task))
    for shown in ("Đã họp với các trường", "bien-ban-hop-phuong.pdf", "Trường A1 đã gửi danh sách giáo viên"):
        assertContains(page, shown)
    download = client.get(f"/ke-hoach/nhiem-vu/minh-chung/{reported['office'].pk}/")
    assert download.status_code == 200 and download["Content-Disposition"].startswith("attachment")
