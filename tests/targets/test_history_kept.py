"""Nothing that holds entered figures or their history is deleted (issue 10): the database refuses (PROTECT),
the admin offers no delete but archive and restore, and an archived plan, target or value is kept but shown
nowhere: not in the lists, the dashboards, nor the roll-ups."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db.models import ProtectedError
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from plans.models import Document
from targets.actions import save_progress_value
from targets.models import ProgressValue, ProgressValueChange, Target, TargetHorizon, TargetRevision
from targets.queries import rollup
from tests.factories import make_document, make_indicator, make_period, make_target


@pytest.fixture
def period(db):
    today = timezone.localdate()
    first = today.year if today.month >= 8 else today.year - 1
    return make_period(code="hk-hien-tai", school_year=f"{first}-{first + 1}", start=today - timedelta(days=30),
                       end=today + timedelta(days=60), deadline=today + timedelta(days=70))


@pytest.fixture
def plan(tree):
    document = make_document(tree["A"], "12/KH-UBND", "Kế hoạch thực hiện Nghị quyết 71")
    rooms = make_target(document, make_indicator("phong-thong-minh", "Số phòng học thông minh", "count", "sum",
                                                 "phòng"), 1, Decimal(12))
    return {"document": document, "rooms": rooms}


@pytest.fixture
def entered(plan, period, personas):
    """Two saves of the ward's figure: 4 rooms, then 5."""
    value = save_progress_value(target=plan["rooms"], period=period, values={"value": Decimal(4), "status": "done"},
                                by=personas["officer_a"], expected_version=0)
    return save_progress_value(target=plan["rooms"], period=period, values={"value": Decimal(5), "status": "done"},
                               by=personas["officer_a"], expected_version=value.version)


def run_action(client, model, action, obj):
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    return client.post(url, {"action": action, "_selected_action": [obj.pk]}, follow=True)


# --- the database refuses ----------------------------------------------------------------------------


def test_a_value_with_history_cannot_be_deleted(entered):
    with pytest.raises(ProtectedError):
        entered.delete()
    assert ProgressValueChange.objects.filter(value=entered).count() == 2


def test_a_plan_with_targets_cannot_be_deleted_nor_its_targets(plan, entered):
    with pytest.raises(ProtectedError):
        plan["document"].delete()
    with pytest.raises(ProtectedError):
        plan["rooms"].delete()
    assert (Target.objects.count(), TargetHorizon.objects.count(), ProgressValue.objects.count(),
            ProgressValueChange.objects.count()) == (1, 1, 1, 2)


# --- the admin offers archive, never delete ------------------------------------------------------------


@pytest.mark.parametrize("name", ["progressvalue", "target", "document"])
def test_the_admin_offers_no_delete(client, personas, plan, entered, name):
    obj = {"progressvalue": entered, "target": plan["rooms"], "document": plan["document"]}[name]
    app = "plans" if name == "document" else "targets"
    client.force_login(personas["admin"])
    assert client.get(reverse(f"admin:{app}_{name}_delete", args=[obj.pk])).status_code == 403
    changelist = client.get(reverse(f"admin:{app}_{name}_changelist"))
    actions = changelist.context["action_form"].fields["action"].choices
    assert [value for value, _ in actions if value] == ["archive", "restore"]
    change_page = client.get(reverse(f"admin:{app}_{name}_change", args=[obj.pk])).content.decode()
    assert 'class="deletelink"' not in change_page


def test_the_admin_does_not_change_figures_past_their_history(client, personas, entered):
    client.force_login(personas["admin"])
    response = client.post(reverse("admin:targets_progressvalue_change", args=[entered.pk]),
                           {"value": "500", "status": "done"})
    assert response.status_code == 403
    assert ProgressValue.objects.get().value == 5


def test_archiving_a_value_hides_it_keeps_its_history_and_lets_a_new_one_be_entered(
        client, personas, tree, plan, period, entered):
    client.force_login(personas["admin"])
    response = run_action(client, ProgressValue, "archive", entered)
    assertContains(response, "Đã lưu trữ 1 số liệu tiến độ.")

    archived = ProgressValue.all_objects.get(pk=entered.pk)
    assert (archived.archived_by, archived.value) == (personas["admin"], 5)
    assert not ProgressValue.objects.exists()
    assert ProgressValueChange.objects.filter(value=archived).count() == 2
    assert rollup(plan["rooms"].indicator, tree["A"], period).value is None
    client.force_login(personas["officer_a"])
    page = client.get(reverse("targets:target_list"), {"period": period.pk})
    assertContains(page, '<span class="badge st-none">Chưa cập nhật</span>', count=1)
    # a new figure takes the archived one's place, from version 0
    fresh = save_progress_value(target=plan["rooms"], period=period, values={"value": Decimal(6), "status": "done"},
                                by=personas["officer_a"], expected_version=0)
    assert fresh.pk != archived.pk and ProgressValue.all_objects.count() == 2


def test_a_value_is_restored_unless_another_took_its_place(client, personas, plan, period, entered):
    client.force_login(personas["admin"])
    run_action(client, ProgressValue, "archive", entered)
    save_progress_value(target=plan["rooms"], period=period, values={"value": Decimal(6), "status": "done"},
                        by=personas["officer_a"], expected_version=0)

    refused = run_action(client, ProgressValue, "restore", entered)

    assertContains(refused, "Đã khôi phục 0 số liệu tiến độ.")
    assert list(ProgressValue.objects.values_list("value", flat=True)) == [6]


def test_archiving_a_plan_hides_it_and_its_targets_and_restoring_brings_them_back(
        client, personas, tree, plan, period, entered):
    client.force_login(personas["admin"])
    run_action(client, Document, "archive", plan["document"])

    assert not Document.objects.filter(pk=plan["document"].pk).exists()
    assert not Target.objects.exists() and Target.all_objects.get().archived_at is not None
    client.force_login(personas["officer_a"])
    assert client.get(reverse("targets:target_detail", args=[plan["rooms"].pk])).status_code == 404
    assertNotContains(client.get(reverse("targets:target_list")), "Số phòng học thông minh")

    client.force_login(personas["admin"])
    run_action(client, Document, "restore", plan["document"])

    client.force_login(personas["officer_a"])
    page = client.get(reverse("targets:target_detail", args=[plan["rooms"].pk]), {"period": period.pk})
    assertContains(page, "Số phòng học thông minh")
    assert ProgressValue.objects.get().value == 5


def test_archiving_a_target_archives_its_parts(client, personas, plan):
    part = make_target(plan["document"], make_indicator("phong-stem", "Số phòng STEM", "count", "sum"), 2,
                       Decimal(3), part_of=plan["rooms"])
    client.force_login(personas["admin"])
    run_action(client, Target, "archive", plan["rooms"])
    assert not Target.objects.filter(pk__in=[plan["rooms"].pk, part.pk]).exists()
    # the admin still lists them, to restore
    listed = client.get(reverse("admin:targets_target_changelist"), {"luu_tru": "yes"})
    assert listed.context["cl"].result_count == 2


# --- one writer of a target's revisions, on every path ----------------------------------------------


def test_adding_a_target_in_the_admin_records_its_creation(client, personas, plan):
    client.force_login(personas["admin"])
    response = client.post(reverse("admin:targets_target_add"), {
        "document": plan["document"].pk, "ref": "T2", "order": 2, "indicator": plan["rooms"].indicator_id,
        "text": "Xây thêm 3 phòng học thông minh", "category": "digital", "comparator": "gte",
        "value_kind": "absolute", "revision_reason": "",
        "horizons-TOTAL_FORMS": 1, "horizons-INITIAL_FORMS": 0, "horizons-0-label": "2030",
        "horizons-0-deadline": "2030-12-31", "horizons-0-value": "3",
        "responsibilities-TOTAL_FORMS": 0, "responsibilities-INITIAL_FORMS": 0,
        "revisions-TOTAL_FORMS": 0, "revisions-INITIAL_FORMS": 0, "_save": "Lưu lại"})
    assert response.status_code == 302, response.context["adminform"].form.errors
    revision = TargetRevision.objects.get(target__ref="T2")
    assert (revision.before, revision.reason, revision.changed_by) == (None, "Tạo chỉ tiêu trong trang quản trị.",
                                                                      personas["admin"])
    assert revision.after["horizons"]["2030"]["value"] == "3"


def test_the_plans_page_lists_its_targets_without_changing_their_values(client, personas, plan):
    client.force_login(personas["admin"])
    page = client.get(reverse("admin:plans_document_change", args=[plan["document"].pk]))
    assert 'name="targets-0-order"' in page.content.decode()
    assert 'name="targets-0-comparator"' not in page.content.decode()
    assert 'name="targets-0-DELETE"' not in page.content.decode()
