"""On a phone, the commune officer types a figure in a target's row, the session ends (idle too long), "Lưu": the
row keeps what was typed and says why nothing was saved; signed in again in another tab, "Lưu" saves it. Before,
htmx swapped the sign-in page into the row and what was typed was gone."""

import pytest
from django.core.management import call_command

from reports.models import SchoolReport
from targets.models import ProgressValue, Target
from tests.browser.conftest import sign_in
from tests.browser.test_completeness_browser import log_in
from tests.browser.test_phone_and_keyboard_browser import open_period, wait_until
from units.models import Unit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_figure_typed_when_the_session_ended_is_kept_and_saved_after_signing_in_again(live_server, browser):
    call_command("seed_demo", "--no-progress", verbosity=0)
    period = open_period()
    ward = Unit.objects.get(code="DK")
    target = Target.objects.filter(document__issuer=ward, indicator__kind="count").order_by("order").first()
    ProgressValue.objects.filter(target=target, period=period).delete()
    context = browser.new_context(viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True,
                                  locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh")
    page = context.new_page()
    sign_in(page, live_server.url, "canbo.duongkinh")
    page.goto(f"{live_server.url}/chi-tieu/?period={period.pk}")
    row = f"#target-{target.pk}"
    page.click(f"{row} [data-edit-button]")
    page.wait_for_selector(f"{row}.editing")
    page.fill(f"{row} [name=value]", "17")
    page.fill(f"{row} [name=note]", "Theo báo cáo của 8 trường")

    context.clear_cookies(name="sessionid")  # the session ended while the officer was typing
    page.click(f"{row} button[type=submit]")
    page.wait_for_selector(f"{row} [data-request-refused]")
    refused = page.inner_text(f"{row} [data-request-refused]")
    assert "Phiên đăng nhập đã hết hạn" in refused and "chưa được lưu" in refused
    assert page.get_attribute(f"{row} [data-request-refused]", "role") == "alert"
    assert page.get_attribute(f"{row} [data-request-refused] a", "href") == "/dang-nhap/"
    assert page.input_value(f"{row} [name=value]") == "17"  # the row is still the editor, with what was typed
    assert page.input_value(f"{row} [name=note]") == "Theo báo cáo của 8 trường"
    assert "Tên đăng nhập" not in page.inner_text("main")  # no sign-in page inside the table
    assert not ProgressValue.objects.filter(target=target, period=period).exists()

    other = context.new_page()  # signing in again in another tab gives the context a new session and CSRF token
    sign_in(other, live_server.url, "canbo.duongkinh")
    other.close()
    page.click(f"{row} button[type=submit]")
    page.wait_for_selector(f"{row}.saved")
    wait_until(page, "document.getElementById('live-status').textContent === 'Đã lưu số liệu.'")
    saved = ProgressValue.objects.get(target=target, unit=ward, period=period)
    assert saved.value == 17 and saved.note == "Theo báo cáo của 8 trường"
    context.close()


def test_a_school_report_typed_when_the_session_ended_is_put_back_after_signing_in(live_server, browser):
    call_command("seed_demo", "--no-progress", verbosity=0)
    period = open_period()
    school = Unit.objects.get(code="DK-TH-HAITHANH")
    SchoolReport.objects.filter(school=school, period=period).delete()
    context = browser.new_context(viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True,
                                  locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh")
    page = context.new_page()
    url = f"{live_server.url}/bao-cao/truong/{school.pk}/ky/{period.pk}/"
    sign_in(page, live_server.url, "hieutruong.thhaithanh")
    page.goto(url)
    page.fill("#id_item_so_gv", "1234")  # saved first: the page writes it back as "1.234", nothing to put back
    page.click("button[name=save]")
    page.wait_for_selector("text=Đã lưu nháp báo cáo.")
    assert page.input_value("#id_item_so_gv") == "1.234" and page.query_selector("#kept-restored") is None
    page.fill("#id_item_so_hs", "abc")  # refused: the page comes back with what was sent, nothing to put back
    page.click("button[name=save]")
    page.wait_for_selector("#id_item_so_hs_error")
    assert page.query_selector("#kept-restored") is None

    page.fill("#id_item_so_hs", "512")
    page.select_option("#id_item_ket_noi_internet", "1")
    page.fill("#id_highlights", "Ba lớp học thông minh mới")
    context.clear_cookies(name="sessionid")  # the session ended while the principal was typing
    page.click("button[name=save]")
    page.wait_for_url("**/dang-nhap/**")
    page.fill("#id_username", "hieutruong.thhaithanh")
    page.fill("#id_password", "Demo@2026")
    page.click("button[type=submit]")
    page.wait_for_url(url)
    restored = page.inner_text("#kept-restored")
    assert "chưa được lưu" in restored and "điền lại 3 ô" in restored
    assert page.input_value("#id_item_so_hs") == "512" and page.input_value("#id_item_ket_noi_internet") == "1"
    assert page.input_value("#id_highlights") == "Ba lớp học thông minh mới"
    report = SchoolReport.objects.get(school=school, period=period)
    assert report.highlights == ""  # nothing of it saved yet
    page.click("button[name=save]")
    page.wait_for_selector("text=Đã lưu nháp báo cáo.")
    report.refresh_from_db()
    assert report.highlights == "Ba lớp học thông minh mới" and report.entries_by_code()["so-hs"] == 512
    page.reload()
    assert page.query_selector("#kept-restored") is None  # put back once, not on every visit
    context.close()


def test_signing_out_forgets_the_figures_a_tab_kept(live_server, page, tree, personas):
    # kept for a save an ended session lost; the next person to sign in on this phone must not find them put back
    log_in(page, live_server.url, "principal_a")
    page.evaluate("""() => { sessionStorage.setItem("nq71-kept:/bao-cao/truong/1/ky/1/", '{"version": "1", "fields": {}}');
                            sessionStorage.setItem("khac", "giu nguyen"); }""")
    with page.expect_navigation():
        page.click("form[data-sign-out] button[type=submit]", force=True)  # the phone menu may be folded
    left = page.evaluate("Object.keys(sessionStorage)")
    assert "khac" in left and not [key for key in left if key.startswith("nq71-kept:")]


def test_figures_kept_for_one_account_are_not_put_back_for_another(live_server, browser):
    """The principal's save is lost to an ended session; a colleague of the school signs in on that tab and is sent
    to the report: it shows the report as saved, not the principal's figures put back as the colleague's."""
    from tests.factories import make_user
    from units.models import Role

    call_command("seed_demo", "--no-progress", verbosity=0)
    period = open_period()
    school = Unit.objects.get(code="DK-TH-HAITHANH")
    SchoolReport.objects.filter(school=school, period=period).delete()
    make_user("phohieutruong.thhaithanh", school, Role.SCHOOL_STAFF)
    context = browser.new_context(viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True,
                                  locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh")
    page = context.new_page()
    url = f"{live_server.url}/bao-cao/truong/{school.pk}/ky/{period.pk}/"
    sign_in(page, live_server.url, "hieutruong.thhaithanh")
    page.goto(url)
    page.fill("#id_item_so_hs", "512")
    context.clear_cookies(name="sessionid")  # the session ended while the principal was typing
    page.click("button[name=save]")
    page.wait_for_url("**/dang-nhap/**")
    page.fill("#id_username", "phohieutruong.thhaithanh")
    page.fill("#id_password", "Mat-khau-2026")
    page.click("button[type=submit]")
    page.wait_for_url(url)
    assert page.query_selector("#kept-restored") is None
    assert page.input_value("#id_item_so_hs") == ""
    context.close()
