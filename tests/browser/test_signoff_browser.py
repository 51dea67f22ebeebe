"""Issue 12's sign-off in a real browser (and under the Content-Security-Policy): the leader is told a report
waits (the count in the top bar, loaded by htmx), approves it, the officer sends it, the Sở's reviewer finds it
on the home page and acknowledges it, and the officer sees the acknowledgement and every step."""

from datetime import timedelta

import pytest
from django.utils import timezone

from reports import outgoing
from tests.browser.conftest import sign_in
from tests.factories import make_document, make_period

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "Mat-khau-2026"  # tests/factories.make_user


def sign_out(page):
    page.click("text=Đăng xuất")
    page.wait_for_selector("#id_username")


def test_a_report_is_approved_sent_and_acknowledged_through_the_pages(live_server, page, personas, tree, monkeypatch):
    monkeypatch.setattr("reports.pdf.write_report_pdf", lambda content: b"%PDF-1.4 stub")
    today = timezone.localdate()
    period = make_period(code="hk-nay", school_year=f"{today.year}-{today.year + 1}", start=today - timedelta(60),
                         end=today + timedelta(30), deadline=today + timedelta(40))
    personas["leader_a"].first_name, personas["leader_a"].last_name = "Trần Văn", "Hùng"
    personas["leader_a"].save(update_fields=["first_name", "last_name"])
    plan = make_document(tree["A"], "12/KH-UBND", "Kế hoạch của Phường A")
    outgoing.finalise_report(unit=tree["A"], document=plan, period=period, number="45/BC-UBND", narratives=[],
                             by=personas["officer_a"])
    base = live_server.url

    # the leader: one unread notification in the top bar, the report on the home page, approved
    sign_in(page, base, "leader_a", PASSWORD)
    page.wait_for_selector("#notification-count")
    assert page.text_content("#notification-count") == "1 thông báo chưa đọc"
    assert "Báo cáo chờ lãnh đạo phê duyệt" in page.inner_text(".overview-block")
    page.click("a.notifications")
    page.click("text=Xem và đánh dấu đã đọc")
    page.wait_for_selector("#approve")
    assert "Trần Văn Hùng" in page.inner_text("#approve")
    page.once("dialog", lambda dialog: dialog.accept())  # "Phê duyệt báo cáo này? …"
    page.click("#approve button[type=submit]")
    page.wait_for_selector("text=Đã phê duyệt báo cáo")
    assert page.inner_text("#outgoing-status") == "Lãnh đạo đã phê duyệt, chưa gửi"
    sign_out(page)

    # the officer sends it
    sign_in(page, base, "officer_a", PASSWORD)
    page.goto(f"{base}/bao-cao/nhan-tu-cap-duoi/")
    page.click("text=Kế hoạch 12/KH-UBND")
    page.once("dialog", lambda dialog: dialog.accept())  # "Gửi báo cáo lên …?"
    page.click(f"button:has-text('Gửi lên {tree['HP'].name}')")
    page.wait_for_selector(f"text=Đã gửi báo cáo lên {tree['HP'].name}.")
    sign_out(page)

    # the Sở's reviewer finds it on the home page and acknowledges it
    sign_in(page, base, "reviewer", PASSWORD)
    assert "Phường A — Kế hoạch 12/KH-UBND" in page.inner_text(".overview-block")
    page.click("text=Phường A — Kế hoạch 12/KH-UBND")
    page.check("#answer input[value=acknowledge]")  # nothing is chosen beforehand
    page.once("dialog", lambda dialog: dialog.accept())  # "Xác nhận đã nhận báo cáo …? …"
    page.click("#answer button[type=submit]")
    page.wait_for_selector("text=Đã xác nhận đã nhận báo cáo.")
    sign_out(page)

    # the officer sees the acknowledgement, told in the top bar too, and every step with who took it
    sign_in(page, base, "officer_a", PASSWORD)
    page.wait_for_selector("#notification-count")
    assert page.text_content("#notification-count") == "1 thông báo chưa đọc"
    page.click("a.notifications")
    page.click("text=Xem và đánh dấu đã đọc")
    page.wait_for_selector("#outgoing-steps")
    assert page.inner_text("#outgoing-status") == "Cấp trên đã xác nhận đã nhận"
    steps = page.inner_text("#outgoing-steps")
    for step in ("Chốt báo cáo", "Lãnh đạo phê duyệt", "Gửi lên cấp trên", "Cấp trên xác nhận đã nhận", "Trần Văn Hùng"):
        assert step in steps
    page.goto(f"{base}/bao-cao/lich/")
    assert period.name in page.inner_text("#calendar")
