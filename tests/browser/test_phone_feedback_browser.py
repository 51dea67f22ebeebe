"""The phone audit's defects in chromium at 390×844: the notifications' button is readable (it was white on
white) and 44px tall; a form refused at the bottom of a long page comes back scrolled to it, focused (the page
used to reload at its top, the error 3000px below); the answer to a report sent up is chosen, then confirmed,
never acknowledged by one tap."""

from datetime import timedelta

import pytest
from django.utils import timezone

from reports import actions, outgoing
from reports.catalogue import ensure_report_items
from reports.models import OutgoingReport, OutgoingStatus, ReportStatus, SchoolReport
from tests.browser.conftest import SCREENSHOTS
from tests.factories import make_document, make_period
from tests.reports.test_school_report_views import fill_and_submit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}
BLUE = "rgb(46, 109, 164)"  # --blue-2, the links' colour
WHITE = "rgb(255, 255, 255)"

# Where the focused element is: its id or name, and whether its box lies inside the viewport.
FOCUSED = """() => {
  const el = document.activeElement, box = el.getBoundingClientRect();
  return {id: el.id, name: el.name || "", top: Math.round(box.top), bottom: Math.round(box.bottom),
          inView: box.top >= 0 && box.bottom <= window.innerHeight, scrollY: Math.round(window.scrollY)};
}"""


@pytest.fixture
def period(db):
    today = timezone.localdate()
    return make_period(code="hk-nay", school_year=f"{today.year}-{today.year + 1}", start=today - timedelta(60),
                       end=today + timedelta(30), deadline=today + timedelta(40))


def open_page(browser, viewport=PHONE):
    context = browser.new_context(viewport=viewport, locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh",
                                  is_mobile=viewport["width"] < 700, has_touch=viewport["width"] < 700)
    page = context.new_page()
    refused = []  # what the Content-Security-Policy blocked
    page.on("console", lambda m: refused.append(m.text[:120]) if "Content Security Policy" in m.text else None)
    return context, page, refused


def log_in(page, base, username):
    page.goto(f"{base}/dang-nhap/")
    page.fill("#id_username", username)
    page.fill("#id_password", "Mat-khau-2026")
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")


def shot(page, name):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"))


def returned_and_submitted_again(tree, personas, period):
    """The school's report returned once (the principal has a notification of it), then submitted again."""
    ensure_report_items()
    report = fill_and_submit(tree["A-TH1"], period, personas["principal_a"])
    report = actions.return_school_report(report=report, by=personas["officer_a"], expected_version=report.version,
                                          comment="Số học sinh hoàn thành chương trình không khớp.")
    return fill_and_submit(tree["A-TH1"], period, personas["principal_a"])


def test_the_notifications_button_is_readable_and_tall_enough(live_server, browser, tree, personas, period):
    returned_and_submitted_again(tree, personas, period)
    for viewport in (DESKTOP, PHONE):  # on the phone last: following the notification marks it read
        context, page, refused = open_page(browser, viewport)
        log_in(page, live_server.url, "principal_a")
        page.goto(f"{live_server.url}/bao-cao/thong-bao/")
        button = page.locator("#notifications button", has_text="Xem và đánh dấu đã đọc")
        assert button.evaluate("b => getComputedStyle(b).color") == BLUE
        box = button.bounding_box()
        if viewport is PHONE:
            assert box["height"] >= 44 and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
            shot(page, "phone_notifications")
        # the top bar's "Đăng xuất" stays white on blue
        page.evaluate("document.querySelector('[data-menu-toggle]') && document.querySelector('[data-menu-toggle]').click()")
        assert page.locator(".topbar .linklike").evaluate("b => getComputedStyle(b).color") == WHITE
        if viewport is PHONE:
            button.click()
            page.wait_for_url(f"{live_server.url}/bao-cao/truong/*/ky/*/")
        assert refused == []
        context.close()


def test_a_return_refused_at_the_bottom_of_the_report_comes_back_focused(live_server, browser, tree, personas, period):
    report = returned_and_submitted_again(tree, personas, period)
    context, page, refused = open_page(browser)
    log_in(page, live_server.url, "officer_a")
    page.goto(f"{live_server.url}/bao-cao/truong/{tree['A-TH1'].pk}/ky/{period.pk}/")
    page.fill("#id_comment", "   ")  # passes the browser's `required`, refused by the portal
    page.click("#return-form button[type=submit]")
    page.wait_for_selector("#return-refused")
    focused = page.evaluate(FOCUSED)
    assert focused["id"] == "id_comment" and focused["inView"] and focused["scrollY"] > 1000, focused
    assert "Hãy ghi ý kiến" in page.inner_text("#return-refused")
    shot(page, "phone_return_refused")
    # from the top of the page, the summary leads to the refusal
    page.evaluate("window.scrollTo(0, 0)")
    assert page.locator("#return-refused-summary").is_visible()
    page.click("#return-refused-summary a")
    assert page.locator("#return-refused").evaluate("e => e.getBoundingClientRect().top < window.innerHeight")
    assert SchoolReport.objects.get(pk=report.pk).status == ReportStatus.SUBMITTED
    assert refused == []
    context.close()


def test_the_answer_to_a_report_is_chosen_then_confirmed(live_server, browser, tree, personas, period, monkeypatch):
    monkeypatch.setattr("reports.pdf.write_report_pdf", lambda content: b"%PDF-1.4 stub")
    plan = make_document(tree["A"], "12/KH-UBND", "Kế hoạch của Phường A")
    report = outgoing.finalise_report(unit=tree["A"], document=plan, period=period, number="45/BC-UBND",
                                      narratives=[], by=personas["officer_a"])
    report = outgoing.approve_report(report=report, by=personas["leader_a"], expected_version=report.version)
    report = outgoing.send_report(report=report, by=personas["officer_a"], expected_version=report.version)
    context, page, refused = open_page(browser)
    log_in(page, live_server.url, "reviewer")
    url = f"{live_server.url}/bao-cao/gui-len/{report.pk}/"
    page.goto(url)
    assert not page.is_checked("#answer input[value=acknowledge]")
    assert not page.is_checked("#answer input[value=return]")
    asked, accept = [], [False]
    page.on("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept() if accept[0] else dialog.dismiss()))
    # nothing chosen: the browser asks for a choice, nothing is sent
    page.click("#answer button[type=submit]")
    page.wait_for_timeout(300)
    assert asked == [] and page.url == url
    # acknowledging asks first; declined, nothing happens
    page.check("#answer input[value=acknowledge]")
    shot(page, "phone_answer_chosen")
    page.click("#answer button[type=submit]")
    page.wait_for_timeout(300)
    assert len(asked) == 1 and asked[0].startswith("Xác nhận đã nhận báo cáo")
    assert OutgoingReport.objects.get(pk=report.pk).status == OutgoingStatus.SENT
    # returning asks its own question; accepted without a reason, the page comes back on the reason
    accept[0] = True
    page.check("#answer input[value=return]")
    page.click("#answer button[type=submit]")
    page.wait_for_selector("#reason-error")
    assert asked[-1].startswith("Trả lại báo cáo")
    focused = page.evaluate(FOCUSED)
    assert focused["id"] == "reason" and focused["inView"] and focused["scrollY"] > 0, focused
    assert page.is_checked("#answer input[value=return]")
    shot(page, "phone_answer_refused")
    page.fill("#reason", "Thiếu số liệu của trường Mầm non.")
    page.click("#answer button[type=submit]")
    page.wait_for_selector("#return-reason")
    assert OutgoingReport.objects.get(pk=report.pk).status == OutgoingStatus.RETURNED
    assert refused == []
    context.close()


def test_attaching_a_file_asks_first_when_the_report_holds_what_was_typed_and_not_saved(
        live_server, browser, tree, personas, period, tmp_path, settings):
    """Attaching evidence sends its own form: the page that comes back shows the report as saved, so figures typed
    and not saved would go. With something typed, the portal asks; declined, nothing is sent and the figure stays."""
    from reports.models import SchoolReportAttachment
    from tests import evidence_files

    settings.MEDIA_ROOT = tmp_path / "media"
    ensure_report_items()
    evidence = tmp_path / "quyet-dinh.pdf"
    evidence.write_bytes(evidence_files.pdf())
    context, page, refused = open_page(browser)
    log_in(page, live_server.url, "principal_a")
    page.goto(f"{live_server.url}/bao-cao/truong/{tree['A-TH1'].pk}/ky/{period.pk}/")
    field = page.locator("#report-form input[type=text], #report-form input[inputmode]").first
    field.fill("36")
    questions = []

    def answer(dialog, accept):
        questions.append(dialog.message)
        dialog.accept() if accept else dialog.dismiss()

    page.once("dialog", lambda dialog: answer(dialog, False))
    page.set_input_files("#id_evidence_file", str(evidence))
    page.click("#attach-form button[type=submit]")
    page.wait_for_timeout(300)
    assert questions and "chưa lưu" in questions[0]
    assert not SchoolReportAttachment.objects.exists() and field.input_value() == "36"  # stayed, kept
    page.once("dialog", lambda dialog: answer(dialog, True))
    with page.expect_navigation():
        page.click("#attach-form button[type=submit]")
    assert SchoolReportAttachment.objects.count() == 1
    assert refused == []
    context.close()
