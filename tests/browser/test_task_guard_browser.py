"""A task's page holds two forms: the report on the task and the handing on to a lower unit. A note typed in the
first and not sent was thrown away without a word when the officer sent the second; the page now asks first."""

from datetime import date

import pytest

from plans.models import Task, TaskUpdate
from tests.browser.test_completeness_browser import log_in
from tests.factories import make_document

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_handing_a_task_on_asks_before_it_throws_a_typed_report_away(live_server, page, tree, personas):
    task = Task.objects.create(document=make_document(tree["A"]), text="Xây dựng phòng học thông minh",
                               lead_unit=tree["A"], due_date=date(2027, 5, 31))
    log_in(page, live_server.url, "officer_a")
    page.goto(f"{live_server.url}/ke-hoach/nhiem-vu/{task.pk}/")
    page.fill("#id_note", "Đã khảo sát 8 trường, dự toán xong.")
    page.select_option("#id_assign_lead_unit", str(tree["A-VHXH"].pk))
    questions = []
    page.once("dialog", lambda dialog: (questions.append(dialog.message), dialog.dismiss()))
    page.click("#task-assign button[type=submit]")
    page.wait_for_timeout(300)
    assert questions and "cập nhật nhiệm vụ" in questions[0] and "chưa gửi" in questions[0]
    assert not TaskUpdate.objects.exists() and page.input_value("#id_note") == "Đã khảo sát 8 trường, dự toán xong."

    page.click("#task-update button[type=submit]")  # sent: no question, and nothing is put back afterwards
    page.wait_for_selector("text=Đã cập nhật nhiệm vụ.")
    assert len(questions) == 1 and page.query_selector("#kept-restored") is None
    assert TaskUpdate.objects.get().note == "Đã khảo sát 8 trường, dự toán xong."
