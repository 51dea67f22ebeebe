"""A merge hands the merged units' open tasks on: a city plan's task led by (or coordinated with) phường B names
phường A once B is merged into A, with the change in the task's history; a finished task keeps who did it; the
merge and the handing on are saved together or not at all."""

from datetime import date

import pytest
from django.urls import reverse

from plans.merges import merge_wards
from plans.models import Task, TaskStatus, TaskUpdate
from tests.factories import make_document, make_unit, make_user
from units.models import Role, Unit, UnitSuccession

MERGE = reverse("merges:unit_merge")
MERGE_SCHOOLS = reverse("merges:unit_merge_schools")


@pytest.fixture
def admin_hp(tree):
    # the administrator placed in the Sở GD&ĐT: maintains the units of the whole city
    return make_user("quantri.sgd", tree["SGDDT"], Role.UNIT_ADMIN)


@pytest.fixture
def tasks(tree):
    plan = make_document(tree["HP"], "282/KH-UBND", "Kế hoạch thực hiện Nghị quyết 71 của thành phố")

    def task(text, lead, *coordinating, status=TaskStatus.NOT_STARTED):
        made = Task.objects.create(document=plan, text=text, lead_unit=lead, status=status)
        made.coordinating_units.set(coordinating)
        return made

    return {
        "led": task("Rà soát mạng lưới trường lớp", tree["B"], status=TaskStatus.IN_PROGRESS),
        "coordinated": task("Bồi dưỡng giáo viên", tree["SGDDT"], tree["B"], tree["A-VHXH"]),
        "done": task("Kiểm tra phổ cập giáo dục", tree["B"], status=TaskStatus.DONE),
        "led_by_a": task("Xây dựng trường chuẩn", tree["A"], tree["B"]),
        "both": task("Chuyển đổi số", tree["SGDDT"], tree["A"], tree["B"]),
        "untouched": task("Tuyển dụng giáo viên", tree["SGDDT"], tree["A"]),
    }


def state(task):
    task = Task.objects.get(pk=task.pk)
    return task.lead_unit.code, sorted(task.coordinating_units.values_list("code", flat=True))


def merge_b_into_a(client, tree):
    return client.post(MERGE, {"predecessors": [tree["B"].pk], "successor": tree["A"].pk, "effective_on": "01/01/2026",
                               "legal_basis": "Nghị quyết 1669/NQ-UBTVQH15"}, follow=True)


def test_a_merge_hands_the_wards_open_tasks_to_its_successor(client, tree, admin_hp, tasks):
    client.force_login(admin_hp)
    page = merge_b_into_a(client, tree).content.decode()
    assert ("Đã sáp nhập Phường B vào Phường A từ ngày 01/01/2026: 1 trường chuyển về, 4 nhiệm vụ chưa hoàn thành "
            "chuyển cho Phường A") in page
    assert state(tasks["led"]) == ("A", [])
    assert state(tasks["coordinated"]) == ("HP-SGDDT", ["A", "A-VHXH"])
    assert state(tasks["led_by_a"]) == ("A", [])  # A leads it: not its own coordinating unit too
    assert state(tasks["both"]) == ("HP-SGDDT", ["A"])  # A coordinated it already: once
    assert state(tasks["untouched"]) == ("HP-SGDDT", ["A"])
    # the state and due date stay; the change is in each task's history, by the administrator
    update = TaskUpdate.objects.get(task=tasks["led"])
    assert (update.lead_before, update.lead_unit, update.created_by) == (tree["B"], tree["A"], admin_hp)
    assert (update.status_before, update.status) == (TaskStatus.IN_PROGRESS, TaskStatus.IN_PROGRESS)
    assert update.note == "Phường B sáp nhập vào Phường A từ ngày 01/01/2026: Phường A chủ trì thay."
    assert TaskUpdate.objects.get(task=tasks["coordinated"]).note == (
        "Phường B sáp nhập vào Phường A từ ngày 01/01/2026: Phường A phối hợp thay.")
    assert not TaskUpdate.objects.filter(task=tasks["untouched"]).exists()


def test_a_finished_task_keeps_the_ward_that_did_it(client, tree, admin_hp, tasks):
    client.force_login(admin_hp)
    merge_b_into_a(client, tree)
    assert state(tasks["done"]) == ("B", [])
    assert not TaskUpdate.objects.filter(task=tasks["done"]).exists()


def test_the_successors_officer_reads_the_handing_on_in_the_tasks_history(client, tree, admin_hp, tasks, personas):
    client.force_login(admin_hp)
    merge_b_into_a(client, tree)
    client.force_login(personas["officer_a"])
    page = client.get(reverse("plans:task_detail", args=[tasks["led"].pk])).content.decode()
    assert "Giao: Phường B → Phường A" in page
    assert "Phường A chủ trì thay." in page


def test_another_provinces_administrator_cannot_merge_nor_hand_on(client, tree, tasks):
    qn = make_unit("QN", "Tỉnh Quảng Ninh", "province", tree["VN"])
    make_unit("QN-HL", "Phường Hạ Long", "commune", qn)
    client.force_login(make_user("quantri.qn", qn, Role.UNIT_ADMIN))
    page = merge_b_into_a(client, tree).content.decode()
    assert "Xã/phường không thuộc phạm vi bạn quản trị hoặc đã ngừng hoạt động." in page
    assert state(tasks["led"]) == ("B", []) and not TaskUpdate.objects.exists()
    assert not UnitSuccession.objects.exists()


def test_the_merge_is_undone_when_the_tasks_cannot_be_handed_on(tree, admin_hp, tasks, monkeypatch):
    import plans.merges

    def failing(**kwargs):
        raise RuntimeError("the database refused the tasks")

    monkeypatch.setattr(plans.merges, "hand_on_tasks", failing)
    with pytest.raises(RuntimeError):
        merge_wards(predecessors=[tree["B"]], successor=tree["A"], effective_on=date(2026, 1, 1), legal_basis="NQ 1",
                    by=admin_hp)
    assert not UnitSuccession.objects.exists()
    assert Unit.objects.get(pk=tree["B"].pk).valid_to is None
    assert Unit.objects.get(pk=tree["B-MN"].pk).parent_id == tree["B"].pk
    assert state(tasks["led"]) == ("B", [])


def test_a_school_merge_hands_the_schools_tasks_to_the_receiving_school(client, tree, admin_hp):
    plan = make_document(tree["A"], "102/KH-UBND", "Kế hoạch của phường A")
    task = Task.objects.create(document=plan, text="Xây dựng phòng học thông minh", lead_unit=tree["A-THCS"])
    client.force_login(admin_hp)
    page = client.post(MERGE_SCHOOLS, {"predecessors": [tree["A-THCS"].pk], "successor": tree["A-TH1"].pk,
                                       "effective_on": "01/01/2026", "legal_basis": "QĐ 12/QĐ-UBND"},
                       follow=True).content.decode()
    assert "1 nhiệm vụ chưa hoàn thành chuyển cho Trường Tiểu học A1" in page
    assert state(task) == ("A-TH1", [])
    assert TaskUpdate.objects.get(task=task).lead_before == tree["A-THCS"]
