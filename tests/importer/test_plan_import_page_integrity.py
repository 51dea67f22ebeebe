"""Two officers reviewing the same import's particulars, cited documents and tasks (saved whole from the page by
"Lưu nhiệm vụ", the cited documents' buttons and "Tạo kế hoạch"): a save from a page opened before the other's is
refused, with what was typed kept, instead of putting back what the other had just saved."""

import lxml.html
from django.test import Client
from django.urls import reverse
from pytest_django.asserts import assertContains

from plans.models import PlanImport
from tests.factories import make_user

from .test_plan_import_tasks import imported, task_data

STALE = "đã được một cán bộ khác lưu sau khi bạn mở trang này"


def page_seen(response):
    """The version of the page's whole-saved parts its create form carries ("" on a page that carries none)."""
    return next(iter(lxml.html.fromstring(response.content.decode()).xpath("//input[@name='page-seen']/@value")), "")


def test_a_task_review_from_a_page_opened_before_anothers_is_refused(client, personas, tree):
    plan_import = imported(client, personas, tree)
    other = Client()
    other.force_login(make_user("canbo2_a", tree["A"], "officer", first_name="Trần Thị", last_name="Hà"))
    review, tasks = (reverse(f"importer:{name}", args=[plan_import.pk]) for name in ("plan_import_review",
                                                                                   "plan_import_tasks"))
    first_seen, second_seen = page_seen(other.get(review)), page_seen(client.get(review))
    data = task_data(plan_import)
    assert other.post(tasks, {**data, "due-g0-t0": "30/06/2026", "page-seen": first_seen}).status_code == 302
    saved = PlanImport.objects.get(pk=plan_import.pk).proposals["tasks"]

    # the second page showed no deadline: saved whole, it would drop the colleague's
    refused = {**data, "page-seen": second_seen}
    refused.pop("keep-g0-t1")
    response = client.post(tasks, refused)

    assertContains(response, STALE, status_code=409)
    assert PlanImport.objects.get(pk=plan_import.pk).proposals["tasks"] == saved
    assert 'name="keep-g0-t1"' in response.content.decode()

    # from the refused page (the state it now carries), the officer saves knowingly
    again = {**refused, "due-g0-t0": "30/06/2026", "page-seen": page_seen(response)}
    assert client.post(tasks, again).status_code == 302
    tasks_now = PlanImport.objects.get(pk=plan_import.pk).proposals["tasks"]
    assert tasks_now[0]["tasks"][1]["decision"] == "rejected"
