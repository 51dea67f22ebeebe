"""Issue 15, review that saves work: the officer merges, splits and reorders the target proposals, and edits a
task's text and coordinating units, before the plan is created."""

import json

import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains

from importer import forms
from plans.models import PlanImport, Task
from targets.models import Target

from .test_plan_import_tasks import accept_all, imported, task_data


def arrange(client, plan_import, index, operation, proposal=None):
    plan_import.refresh_from_db()
    return client.post(reverse("importer:plan_import_arrange", args=[plan_import.pk, index]),
                       {"operation": operation, "proposal": proposal or plan_import.items()[index]["id"]})


def ids(plan_import):
    plan_import.refresh_from_db()
    return [item["id"] for item in plan_import.items()]


def create(client, plan_import):
    plan_import.refresh_from_db()
    return client.post(reverse("importer:plan_import_create", args=[plan_import.pk]),
                       {**forms.metadata_initial(plan_import.proposals),
                        forms.PAGE_SEEN: forms.page_fingerprint(plan_import.proposals)})


def test_proposals_move_and_the_targets_are_created_in_that_order(client, personas, tree):
    plan_import = imported(client, personas, tree)
    before = ids(plan_import)
    assert len(before) == 5
    response = arrange(client, plan_import, 0, "down")
    assert response.status_code == 302 and response.url.endswith("#p-1")
    assert ids(plan_import) == [before[1], before[0], *before[2:]]
    response = arrange(client, plan_import, 4, "up")
    assert response.url.endswith("#p-3")
    assert ids(plan_import) == [before[1], before[0], before[2], before[4], before[3]]
    page = client.get(reverse("importer:plan_import_review", args=[plan_import.pk]))
    assertContains(page, f"Đã chuyển đề xuất {before[4]} lên.")
    # each mark of the text still leads to the proposal that quotes it
    items = plan_import.items()
    for index, item in enumerate(items):
        assert items[item["mark"]]["span"][0] <= item["span"][0] < items[item["mark"]]["span"][1] or \
            item["mark"] == index
    accept_all(client, plan_import)
    assert create(client, plan_import).status_code == 302
    plan_import.refresh_from_db()
    assert list(Target.objects.filter(document=plan_import.document).order_by("order").values_list("ref", flat=True)) \
        == ids(plan_import)


def test_two_proposals_merge_into_one_to_review_again(client, personas, tree):
    plan_import = imported(client, personas, tree)
    accept_all(client, plan_import)
    first, second, *rest = ids(plan_import)
    quotes = [item["quote"] for item in plan_import.items()[:2]]
    response = arrange(client, plan_import, 0, "merge")
    assert response.status_code == 302
    assert ids(plan_import) == [first, *rest]
    merged = plan_import.items()[0]
    assert merged["decision"] == "pending" and merged["merged_from"] == [first, second]
    assert all(quote in merged["quote"] for quote in quotes)
    page = client.get(reverse("importer:plan_import_review", args=[plan_import.pk]))
    assertContains(page, f"Đã gộp đề xuất {first} với đề xuất bên dưới; hãy xem lại rồi chấp nhận.")
    assertContains(page, f"Gộp từ {first}, {second}: hãy kiểm tra lại chỉ số, giá trị và thời hạn của chỉ tiêu đã gộp.")
    assertContains(page, "1 chờ xem xét")


def test_a_proposal_splits_in_two_and_each_part_becomes_a_target(client, personas, tree):
    plan_import = imported(client, personas, tree)
    first, *rest = ids(plan_import)
    assert arrange(client, plan_import, 0, "split").status_code == 302
    assert ids(plan_import) == [first, f"{first}-2", *rest]
    parts = plan_import.items()[:2]
    assert [part["decision"] for part in parts] == ["pending", "pending"] and parts[0]["quote"] == parts[1]["quote"]
    assertContains(client.get(reverse("importer:plan_import_review", args=[plan_import.pk])),
                   f"Tách từ {first}: sửa chỉ số và giá trị của phần này.")
    # the officer makes the copy another target, then accepts everything and creates the plan
    accept_all(client, plan_import)
    # the copy as it stands after accept_all (a form built from before would be refused as stale)
    plan_import.refresh_from_db()
    data = {key: "" if value is None else value for key, value in forms.proposal_initial(plan_import.items()[1]).items()}
    data.update(indicator="Tỷ lệ trẻ 5 tuổi hoàn thành chương trình mầm non", value="98", decision="accepted")
    client.post(reverse("importer:plan_import_decide", args=[plan_import.pk, 1]), data)
    assert create(client, plan_import).status_code == 302
    plan_import.refresh_from_db()
    targets = list(Target.objects.filter(document=plan_import.document).select_related("indicator").order_by("order"))
    assert len(targets) == 6 and targets[1].ref == f"{first}-2"
    assert targets[1].indicator.name == "Tỷ lệ trẻ 5 tuổi hoàn thành chương trình mầm non"
    assert targets[0].indicator != targets[1].indicator


@pytest.mark.parametrize(("index", "operation", "proposal", "message"), [
    (0, "up", None, "là chỉ tiêu đầu tiên: không thể chuyển lên nữa."),
    (4, "merge", None, "là chỉ tiêu cuối cùng: không có đề xuất cùng loại bên dưới."),
    (4, "down", None, "là chỉ tiêu cuối cùng: không có đề xuất cùng loại bên dưới."),
    (1, "down", "T99", "Danh sách đề xuất đã thay đổi từ khi trang được mở: hãy xem lại rồi làm lại."),
    (1, "rotate", None, "Thao tác không hợp lệ."),
])
def test_impossible_arrangements_are_refused_in_vietnamese(client, personas, tree, index, operation, proposal, message):
    plan_import = imported(client, personas, tree)
    before = json.dumps(plan_import.proposals, sort_keys=True)
    response = arrange(client, plan_import, index, operation, proposal)
    assert response.status_code == 302
    assertContains(client.get(response.url), message)
    plan_import.refresh_from_db()
    assert json.dumps(plan_import.proposals, sort_keys=True) == before
    assert client.post(reverse("importer:plan_import_arrange", args=[plan_import.pk, 5]),
                       {"operation": "up", "proposal": "T01"}).status_code == 404


def test_arranging_is_refused_to_other_units_and_leaders(client, personas, tree):
    plan_import = imported(client, personas, tree)
    before = ids(plan_import)
    url = reverse("importer:plan_import_arrange", args=[plan_import.pk, 0])
    for persona, status in (("officer_b", 404), ("principal_b", 404), ("leader_a", 403)):
        client.force_login(personas[persona])
        assert client.post(url, {"operation": "down", "proposal": before[0]}).status_code == status, persona
    assert ids(plan_import) == before


def test_an_arrangement_takes_fixed_queries(client, personas, tree, django_assert_max_num_queries):
    plan_import = imported(client, personas, tree)
    for _ in range(3):  # more proposals do not mean more queries
        arrange(client, plan_import, 0, "split")
    assert len(ids(plan_import)) == 8
    plan_import.refresh_from_db()
    # 8: session, user, memberships for access, the import; the transaction's savepoint, the import locked,
    # its update, the savepoint released; the 8 proposals are one JSON column
    with django_assert_max_num_queries(8):
        response = client.post(reverse("importer:plan_import_arrange", args=[plan_import.pk, 6]),
                               {"operation": "down", "proposal": plan_import.items()[6]["id"]})
    assert response.status_code == 302


# ---- a task's text and coordinating units --------------------------------------------------------------


def test_a_tasks_text_and_coordinating_units_are_edited_and_created(client, personas, tree):
    plan_import = imported(client, personas, tree)
    accept_all(client, plan_import)
    plan_import.refresh_from_db()
    read = plan_import.proposals["tasks"][0]["tasks"][0]["text"]
    edited = "Tổ chức quán triệt Nghị quyết 71-NQ/TW đến toàn thể cán bộ, giáo viên, nhân viên."
    data = {**task_data(plan_import, **{"text-g0-t0": edited,
                                        "coord-g0-t0": [str(tree["A-VHXH"].pk), str(tree["A-TH1"].pk)],
                                        "coord-g4-t0": None}), forms.TASKS_SHOWN: "1"}
    response = client.post(reverse("importer:plan_import_tasks", args=[plan_import.pk]), data)
    assert response.status_code == 302
    plan_import.refresh_from_db()
    task = plan_import.proposals["tasks"][0]["tasks"][0]
    assert task["text"] == edited and task["original"]["text"] == read
    assert task["coordinating_ids"] == [tree["A-VHXH"].pk, tree["A-TH1"].pk]
    assert plan_import.proposals["tasks"][4]["tasks"][0]["coordinating_ids"] == []
    page = client.get(reverse("importer:plan_import_review", args=[plan_import.pk]))
    assertContains(page, f"Văn bản ghi: {read}")
    assert create(client, plan_import).status_code == 302
    plan_import.refresh_from_db()
    created = Task.objects.get(document=plan_import.document, group__number="III.1", order=1)
    assert created.text == edited
    assert set(created.coordinating_units.all()) == {tree["A-VHXH"], tree["A-TH1"]}
    assert not Task.objects.get(document=plan_import.document, group__number="IV.3").coordinating_units.exists()


@pytest.mark.parametrize(("changes", "message"), [
    ({"text-g0-t0": "   "}, "Cần nêu nội dung nhiệm vụ (hoặc bỏ chọn “Tạo”)."),
    ({"coord-g0-t0": ["999999"]}, "lựa chọn hợp lệ"),
])
def test_a_bad_task_edit_is_refused_and_nothing_is_saved(client, personas, tree, changes, message):
    plan_import = imported(client, personas, tree)
    changes["coord-g0-t0"] = changes.get("coord-g0-t0", [])
    before = json.dumps(plan_import.proposals["tasks"], sort_keys=True)
    response = client.post(reverse("importer:plan_import_tasks", args=[plan_import.pk]),
                           {**task_data(plan_import, **changes), forms.TASKS_SHOWN: "1"})
    assert response.status_code == 200
    assertContains(response, message)
    plan_import.refresh_from_db()
    assert json.dumps(plan_import.proposals["tasks"], sort_keys=True) == before


def test_the_import_is_left_alone_when_reviewing_is_over(client, personas, tree):
    plan_import = imported(client, personas, tree)
    client.post(reverse("importer:plan_import_discard", args=[plan_import.pk]))
    response = arrange(client, plan_import, 0, "down")
    assertContains(client.get(reverse("importer:plan_import_upload")), "Lần nhập này đã bị hủy.")
    assert response.status_code == 302
    assert PlanImport.objects.get(pk=plan_import.pk).status == "discarded"
