"""A draft plan is not a directive yet: it is read by its issuing unit's people and those above them (who read the
issuer's subtree), not by the units below (audit: the principals of a ward's schools read its draft at /ke-hoach/,
its targets at /chi-tieu/, and listed it through the API with ?status=draft). The one rule
(plans.models.readable_condition) holds on every page, list, the API, the dashboards' plan pickers and the task
lists; once signed, the plan is the schools' to read again."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from api.actions import issue_token
from plans.models import Document, DocumentStatus, Task, TaskUpdate
from plans.queries import overdue_tasks_for_unit
from targets.models import Target
from targets.selection import plans_for
from tests.factories import make_document, make_indicator, make_target

READERS = ["officer_a", "leader_a", "reviewer", "admin"]  # the issuer's people, those above, the system admin
BELOW_OR_BESIDE = ["principal_a", "officer_b", "principal_b"]


@pytest.fixture
def draft(tree):
    """Ward A's plan as the plan import leaves it: a draft with a target and a task its school A1 leads."""
    plan = make_document(tree["A"], "", "Dự thảo kế hoạch của phường A", status=DocumentStatus.DRAFT, is_public=True)
    target = make_target(plan, make_indicator("gv-dat-chuan", "Tỷ lệ giáo viên đạt chuẩn", "rate", unit_label="%"),
                         1, Decimal(95))
    task = Task.objects.create(document=plan, text="Nhiệm vụ dự thảo cho trường A1", lead_unit=tree["A-TH1"],
                               due_date=timezone.localdate() - timedelta(days=3))
    task.coordinating_units.add(tree["A-THCS"])
    TaskUpdate.objects.create(task=task, status_before="not_started", status="in_progress", note="Ghi chú dự thảo")
    return {"plan": plan, "target": target, "task": task}


def pages(draft):
    return [reverse("plans:plan_detail", args=[draft["plan"].pk]),
            reverse("targets:target_detail", args=[draft["target"].pk]),
            reverse("plans:task_detail", args=[draft["task"].pk]),
            reverse("reports:plan_coverage", args=[draft["plan"].pk])]


def api_as(user):
    client = APIClient()
    _, token = issue_token(user=user, name="khóa", can_write=False, by=user)
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client


@pytest.mark.parametrize("persona", BELOW_OR_BESIDE)
def test_a_draft_is_not_found_below_its_issuer(client, personas, draft, persona):
    user = personas[persona]
    client.force_login(user)
    for url in pages(draft):
        assert client.get(url).status_code == 404, url
    assert "Nhiệm vụ dự thảo" not in client.get(reverse("plans:task_list")).content.decode()
    assert not Document.objects.visible_to(user).filter(pk=draft["plan"].pk).exists()
    assert not Target.objects.visible_to(user).filter(pk=draft["target"].pk).exists()
    assert not Task.objects.visible_to(user).filter(pk=draft["task"].pk).exists()
    assert not Task.objects.responsible_in_scope(user).filter(pk=draft["task"].pk).exists()
    assert not Task.objects.led_in_scope(user).exists() and not Task.objects.coordinated_in_scope(user).exists()
    assert not TaskUpdate.objects.visible_to(user).exists()
    api = api_as(user)
    assert api.get("/api/v1/documents/", {"status": "draft"}).json()["count"] == 0
    assert api.get(f"/api/v1/documents/{draft['plan'].pk}/").status_code == 404
    assert draft["target"].pk not in {row["id"] for row in api.get("/api/v1/targets/").json()["results"]}
    assert api.get("/api/v1/tasks/").json()["count"] == 0


@pytest.mark.parametrize("persona", READERS)
def test_the_issuer_s_people_and_those_above_read_the_draft(client, personas, draft, persona):
    user = personas[persona]
    client.force_login(user)
    for url in pages(draft):
        assert client.get(url).status_code == 200, url
    assert api_as(user).get("/api/v1/documents/", {"status": "draft"}).json()["count"] == 1


def test_a_school_s_dashboards_do_not_offer_its_ward_s_draft(client, tree, personas, draft):
    assert draft["plan"] not in plans_for(tree["A-TH1"])
    assert draft["plan"] in plans_for(tree["A"])  # the ward's own dashboards do
    client.force_login(personas["principal_a"])
    page = client.get(reverse("reports:dashboard_unit"), {"unit": tree["A-TH1"].pk, "plan": draft["plan"].pk})
    assert page.status_code == 200 and "Dự thảo kế hoạch của phường A" not in page.content.decode()
    api = api_as(personas["principal_a"])
    assert api.get("/api/v1/documents/", {"applies_to": tree["A-TH1"].pk}).json()["count"] == 0


def test_a_draft_s_overdue_task_counts_at_its_issuer_only_and_notifies_no_one(tree, draft):
    from reports.notifications import send_task_overdue_notifications

    today = timezone.localdate()
    assert list(overdue_tasks_for_unit(tree["A"], today)) == [draft["task"]]
    assert list(overdue_tasks_for_unit(tree["A-TH1"], today)) == []
    assert send_task_overdue_notifications(today) == 0


def test_a_draft_marked_public_is_not_published(client, draft):
    assert not Document.objects.public().exists()
    assert "Dự thảo kế hoạch" not in client.get(reverse("public:plan_public_list")).content.decode()
    assert client.get(reverse("public:plan_public", args=[draft["plan"].pk])).status_code == 404


def test_once_signed_the_plan_is_the_schools_to_read(client, tree, personas, draft):
    Document.objects.filter(pk=draft["plan"].pk).update(status=DocumentStatus.IN_FORCE, number="9/KH-UBND",
                                                        issued_on=date(2025, 10, 1))
    client.force_login(personas["principal_a"])
    for url in pages(draft)[:3]:
        assert client.get(url).status_code == 200, url
    assert draft["plan"] in plans_for(tree["A-TH1"])
    assert api_as(personas["principal_a"]).get("/api/v1/documents/", {"status": "in_force"}).json()["count"] == 1
