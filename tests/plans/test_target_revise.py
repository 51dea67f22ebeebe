"""Revising a target and entering its baseline from the plan's page, with reason and source, through the one
revision writer (targets.actions.record_target_revisions)."""

from decimal import Decimal

import pytest
from pytest_django.asserts import assertContains

from plans.actions import state_fingerprint
from plans.models import DocumentStatus
from targets.models import TargetRevision
from tests.factories import make_document, make_indicator, make_target


@pytest.fixture
def target(tree):
    plan = make_document(tree["A"])
    return make_target(plan, make_indicator("GV", "Tỷ lệ giáo viên đạt chuẩn"), value=80,
                       text="Tỷ lệ giáo viên đạt chuẩn 80%")


def form_data(target, **extra):
    """The revision as the page posts it: with the version of the target it was opened at."""
    horizon = target.horizons.get()
    return {"baseline_value": "62,5", "baseline_year": "2025", f"h{horizon.pk}_value": "85",
            "reason": "Điều chỉnh theo Nghị quyết HĐND", "source": "Nghị quyết 37/NQ-HĐND",
            "seen": state_fingerprint(target.values_snapshot()), **extra}


def test_the_officer_revises_a_target_and_enters_its_baseline(client, personas, target):
    client.force_login(personas["officer_a"])
    assertContains(client.get(f"/ke-hoach/{target.document_id}/"), f"/chi-tieu/{target.pk}/dieu-chinh/")
    response = client.post(f"/chi-tieu/{target.pk}/dieu-chinh/", form_data(target))
    assert response.status_code == 302 and response["Location"] == f"/ke-hoach/{target.document_id}/"
    target.refresh_from_db()
    assert (target.baseline_value, target.baseline_year) == (Decimal("62.5"), 2025)
    assert target.horizons.get().value == Decimal("85")
    revision = TargetRevision.objects.get(target=target)
    assert revision.reason == "Điều chỉnh theo Nghị quyết HĐND (Nguồn: Nghị quyết 37/NQ-HĐND)"
    assert revision.changed_by == personas["officer_a"]
    assert revision.before["horizons"]["2030"]["value"] == "80" and revision.after["horizons"]["2030"]["value"] == "85"
    assertContains(client.get(f"/ke-hoach/{target.document_id}/"), "62,5")


@pytest.mark.parametrize("persona, status", [("leader_a", 403), ("principal_a", 403), ("reviewer", 403),
                                             ("officer_b", 404)])
def test_others_may_not_revise(client, personas, target, persona, status):
    client.force_login(personas[persona])
    assert client.post(f"/chi-tieu/{target.pk}/dieu-chinh/", form_data(target)).status_code == status
    assert not TargetRevision.objects.filter(target=target).exists()


@pytest.mark.parametrize("changes, message", [
    ({"reason": ""}, "Hãy ghi lý do điều chỉnh."),
    ({"source": ""}, "Hãy ghi nguồn của số liệu hoặc văn bản căn cứ."),
    ({"baseline_value": "abc"}, "không phải là một số"),
    ({"baseline_year": ""}, "Hãy ghi năm của giá trị nền."),
])
def test_a_wrong_revision_says_why_and_saves_nothing(client, personas, target, changes, message):
    client.force_login(personas["officer_a"])
    response = client.post(f"/chi-tieu/{target.pk}/dieu-chinh/", form_data(target, **changes))
    assertContains(response, message, status_code=400)
    target.refresh_from_db()
    assert target.baseline_value is None and target.horizons.get().value == Decimal("80")
    assert not TargetRevision.objects.filter(target=target).exists()


def test_a_replaced_plans_targets_are_not_revised(client, personas, target):
    target.document.status = DocumentStatus.SUPERSEDED
    target.document.save(update_fields=["status"])
    client.force_login(personas["officer_a"])
    response = client.post(f"/chi-tieu/{target.pk}/dieu-chinh/", form_data(target))
    assertContains(response, "Kế hoạch đã được thay thế", status_code=400)
    assert not TargetRevision.objects.filter(target=target).exists()


def test_the_revision_page_reads_a_fixed_number_of_queries(client, personas, target, django_assert_max_num_queries):
    client.force_login(personas["officer_a"])
    # session + user, memberships, the target (with the right to change it), its horizons
    with django_assert_max_num_queries(8):
        assertContains(client.get(f"/chi-tieu/{target.pk}/dieu-chinh/"), "Mốc 2030")
