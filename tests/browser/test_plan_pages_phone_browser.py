"""Issue 11 on the pages added since the first sweep: the plans and a plan, the tasks and a task, a target's
revision, the API keys and a finalised report, at a phone's 390×844 and a laptop's 1366×768, for the ward's
officer and its leader: every control inside the viewport, 44px touch targets on the phone, no critical or
serious axe-core finding (the Audit of test_phone_and_keyboard_browser)."""

import pytest
from django.core.management import call_command

from plans.models import Document, Task
from reports import outgoing
from targets.models import Target
from tests.browser.layout import tables_scrolling_sideways
from tests.browser.test_phone_and_keyboard_browser import LAPTOP, PHONE, Audit, open_period, sign_in_as
from units.models import Membership, Unit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("viewport", [PHONE, LAPTOP], ids=["390x844", "1366x768"])
def test_the_plan_task_revision_token_and_sent_report_pages_fit_and_pass_axe(live_server, browser, viewport,
                                                                              monkeypatch):
    monkeypatch.setattr("reports.pdf.write_report_pdf", lambda content: b"%PDF-1.4 stub")  # the page, not the file
    call_command("seed_demo", "--no-progress", verbosity=0)
    period = open_period()
    ward = Unit.objects.get(code="DK")
    plan = Document.objects.filter(issuer=ward, targets__isnull=False).distinct().first()
    target = Target.objects.filter(document=plan).order_by("order").first()
    task = Task.objects.filter(document=plan, lead_unit__isnull=False).order_by("pk").first()
    officer = Membership.objects.get(user__username="canbo.duongkinh").user
    report = outgoing.finalise_report(unit=ward, document=plan, period=period, number="45/BC-UBND", narratives=[],
                                      by=officer)
    base = live_server.url
    context = browser.new_context(viewport=viewport, locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh")
    page = context.new_page()
    refused = []
    page.on("console", lambda m: refused.append(m.text[:120]) if "Content Security Policy" in m.text else None)
    audit = Audit(page, viewport)
    # on the phone the plans', targets', tasks' and history tables are cards, read without scrolling sideways (the
    # projection table keeps the plan's school years as columns and scrolls in its focusable frame)
    sideways, cards = [], {"plan-table", "plan-targets", "task-table", "task-history"}

    def visit(path, name):
        audit.visit(base, path, name)
        if viewport is PHONE:
            sideways.extend(f"{name}: {t}" for t in tables_scrolling_sideways(page) if t in cards)

    sign_in_as(page, base, "canbo.duongkinh")
    visit("/ke-hoach/", "officer-plans")
    visit(f"/ke-hoach/{plan.pk}/", "officer-plan")
    visit("/ke-hoach/nhiem-vu/", "officer-tasks")
    visit("/ke-hoach/nhiem-vu/?overdue=1", "officer-tasks-overdue")
    visit(f"/ke-hoach/nhiem-vu/{task.pk}/", "officer-task")
    # a report on the task from the phone: the page comes back with its history as a card
    page.select_option("#id_status", "in_progress")
    page.fill("#id_note", "Đã tổ chức hội nghị quán triệt tại 8 trường.")
    page.click("#task-update button[type=submit]")
    page.wait_for_selector("text=Đã cập nhật nhiệm vụ.")
    assert "Đã tổ chức hội nghị quán triệt tại 8 trường." in page.inner_text("#task-history")
    audit.check("officer-task-updated")
    if viewport is PHONE:
        sideways.extend(f"officer-task-updated: {t}" for t in tables_scrolling_sideways(page) if t in cards)
    visit(f"/chi-tieu/{target.pk}/dieu-chinh/", "officer-target-revision")
    visit("/api/khoa-truy-cap/", "officer-api-tokens")
    visit(f"/bao-cao/gui-len/{report.pk}/", "officer-sent-report")

    sign_in_as(page, base, "lanhdao.duongkinh")
    visit(f"/ke-hoach/{plan.pk}/", "leader-plan")
    visit(f"/bao-cao/gui-len/{report.pk}/", "leader-sent-report")  # with the approval form
    visit("/ke-hoach/nhiem-vu/", "leader-tasks")

    context.close()
    assert audit.problems == [], "\n".join(audit.problems)
    assert sideways == []
    assert refused == [], refused[:3]
