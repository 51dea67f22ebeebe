"""A task's reports and its handing on, attacked with two clients: a report posted twice (a double tap on a phone)
is kept once, with its evidence file once; a report or a handing on from a page opened before someone else's
report is refused, naming it, with what the user typed kept; nothing is overwritten unseen."""

import lxml.html
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from pytest_django.asserts import assertContains

from plans.models import Task, TaskStatus, TaskUpdate
from tests import evidence_files
from tests.factories import make_document, make_unit, make_user
from tests.failed_writes import media_files


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


@pytest.fixture
def task(tree):
    return Task.objects.create(document=make_document(tree["A"]), text="Xây dựng phòng học thông minh",
                               lead_unit=tree["A"], status=TaskStatus.IN_PROGRESS)


@pytest.fixture
def two_officers(tree, personas):
    """Two officers of phường A, each with the task's page open before either saves."""
    other = make_user("canbo2_a", tree["A"], "officer", first_name="Trần Thị", last_name="Hà")
    return signed_in(other), signed_in(personas["officer_a"])


def url(task, step=""):
    return f"/ke-hoach/nhiem-vu/{task.pk}/{step}"


def test_a_report_posted_twice_from_the_same_page_is_kept_once_with_its_file(personas, task, media):
    client = signed_in(personas["officer_a"])
    form = {**page_form(client.get(url(task)), "task-update"), "note": "Đã lắp xong 2 phòng học thông minh"}

    responses = [client.post(url(task, "cap-nhat/"), {**form, "evidence": SimpleUploadedFile(
        "bien-ban.pdf", evidence_files.pdf(), content_type="application/pdf")}) for _ in range(2)]

    # the second answers as the first did: the user's report is there, once
    assert [r.status_code for r in responses] == [302, 302]
    update = task.updates.get()
    assert (update.note, update.evidence_name) == ("Đã lắp xong 2 phòng học thông minh", "bien-ban.pdf")
    assert len(media_files()) == 1


def test_a_corrected_file_sent_again_under_the_same_name_is_not_taken_for_the_first(personas, task, media):
    # the officer sends the report, goes Back, and sends it again with a corrected file of the same name and note
    client = signed_in(personas["officer_a"])
    form = {**page_form(client.get(url(task)), "task-update"), "note": "Đã lắp xong 2 phòng học thông minh"}
    assert client.post(url(task, "cap-nhat/"), {**form, "evidence": SimpleUploadedFile(
        "bien-ban.pdf", evidence_files.pdf(), content_type="application/pdf")}).status_code == 302

    corrected = evidence_files.pdf(pages=2)
    response = client.post(url(task, "cap-nhat/"), {**form, "evidence": SimpleUploadedFile(
        "bien-ban.pdf", corrected, content_type="application/pdf")})

    # not "Đã cập nhật nhiệm vụ." with the corrected file dropped: the page says the task changed since it was opened
    assertContains(response, "Nhiệm vụ đã được cập nhật sau khi bạn mở trang này", status_code=409)
    assert task.updates.count() == 1
    assert client.post(url(task, "cap-nhat/"), {**page_form(response, "task-update"), "evidence": SimpleUploadedFile(
        "bien-ban.pdf", corrected, content_type="application/pdf")}).status_code == 302
    assert task.updates.first().evidence.read() == corrected


def test_a_note_from_a_page_opened_before_anothers_note_is_refused(two_officers, task):
    first, second = two_officers
    first_page = page_form(first.get(url(task)), "task-update")
    second_page = page_form(second.get(url(task)), "task-update")
    assert first.post(url(task, "cap-nhat/"), {**first_page, "note": "Nhà cung cấp giao thiết bị chậm 2 tuần"}
                      ).status_code == 302

    # the state and due date are unchanged: only the note is new, and the second page did not show it
    response = second.post(url(task, "cap-nhat/"), {**second_page, "note": "Tiến độ đúng kế hoạch"})

    assertContains(response, "Nhiệm vụ đã được cập nhật sau khi bạn mở trang này", status_code=409)
    conflict = lxml.html.fromstring(response.content.decode()).get_element_by_id("task-conflict").text_content()
    assert "Trần Thị Hà" in conflict
    assertContains(response, "Nhà cung cấp giao thiết bị chậm 2 tuần", status_code=409)  # in the history shown
    assert page_form(response, "task-update")["note"] == "Tiến độ đúng kế hoạch"  # what the user typed is kept
    assert list(task.updates.values_list("note", flat=True)) == ["Nhà cung cấp giao thiết bị chậm 2 tuần"]

    # having seen it, the officer saves the note again from the refused page
    assert second.post(url(task, "cap-nhat/"), page_form(response, "task-update")).status_code == 302
    assert task.updates.count() == 2


STALE_ASSIGN = "Nhiệm vụ đã được cập nhật sau khi bạn mở trang này (xem lịch sử cập nhật bên dưới), nên chưa giao"


@pytest.fixture
def office_team(tree):
    """A team under the ward's office: a unit below both the ward and the office."""
    return make_unit("A-VHXH-GD", "Tổ Giáo dục phường A", "commune_office", tree["A-VHXH"])


def test_handing_on_from_a_page_opened_before_another_handing_on_is_refused(two_officers, tree, task, office_team):
    first, second = two_officers
    first_page = page_form(first.get(url(task)), "task-assign")
    second_page = page_form(second.get(url(task)), "task-assign")
    assert first.post(url(task, "giao/"), {**first_page, "lead_unit": tree["A-VHXH"].pk}).status_code == 302

    # the second page still shows the ward leading it: handing it on from there would silently undo the first
    response = second.post(url(task, "giao/"), {**second_page, "lead_unit": office_team.pk, "note": "Giao tổ"})

    assertContains(response, STALE_ASSIGN, status_code=409)
    assertContains(response, "Giao: Phường A → Phòng Văn hóa - Xã hội phường A", status_code=409)
    again = page_form(response, "task-assign")
    assert again["note"] == "Giao tổ"
    task.refresh_from_db()
    assert task.lead_unit == tree["A-VHXH"] and task.updates.count() == 1

    # having seen it, the officer hands it on again from the refused page
    assert second.post(url(task, "giao/"), {**again, "lead_unit": office_team.pk}).status_code == 302
    task.refresh_from_db()
    assert task.lead_unit == office_team and task.updates.count() == 2


@pytest.mark.parametrize("choice", ["A-VHXH", "team"])
def test_a_report_then_a_handing_on_from_the_same_page_is_refused(personas, tree, task, office_team, choice):
    client = signed_in(personas["officer_a"])
    page = client.get(url(task))
    assert client.post(url(task, "cap-nhat/"), {**page_form(page, "task-update"), "note": "Đã khảo sát"}
                       ).status_code == 302
    unit = tree["A-VHXH"] if choice == "A-VHXH" else office_team
    response = client.post(url(task, "giao/"), {**page_form(page, "task-assign"), "lead_unit": unit.pk})
    assertContains(response, STALE_ASSIGN, status_code=409)
    task.refresh_from_db()
    assert task.lead_unit == tree["A"] and task.updates.count() == 1


def test_handing_on_posted_twice_is_applied_once(personas, tree, task):
    client = signed_in(personas["officer_a"])
    form = {**page_form(client.get(url(task)), "task-assign"), "lead_unit": tree["A-VHXH"].pk}

    first, second = (client.post(url(task, "giao/"), form) for _ in range(2))

    assert first.status_code == 302
    # the second is the same handing on, done by the first: said done (until 28/11/2026 it was told the task had
    # moved on, "… nên chưa giao", though it had been handed on), nothing added
    assert second.status_code == 302
    task.refresh_from_db()
    assert task.lead_unit == tree["A-VHXH"] and task.updates.count() == 1


def test_a_handing_on_without_the_version_it_was_opened_at_is_refused(personas, tree, task):
    client = signed_in(personas["officer_a"])
    form = page_form(client.get(url(task)), "task-assign")
    del form["seen"]
    response = client.post(url(task, "giao/"), {**form, "lead_unit": tree["A-VHXH"].pk})
    assertContains(response, "hãy tải lại trang", status_code=400)
    assert not TaskUpdate.objects.exists()
