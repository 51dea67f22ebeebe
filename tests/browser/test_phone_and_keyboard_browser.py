"""Issue 11 in chromium: every role's pages at a phone's 390×844 and a laptop's 1366×768 keep each control
inside the viewport and pass axe-core without a critical or serious finding; the top menu folds on a phone;
the target editor works by keyboard alone; the school report counts what is left and asks before it is sent."""

import os
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone

from demo.loader import SEED_DIR
from periods.models import current_period
from plans.models import Document
from reports.models import SchoolReport
from targets.models import ProgressValue, Target
from tests.browser.axe import describe, serious_violations
from tests.browser.conftest import SCREENSHOTS, sign_in
from tests.browser.layout import controls_outside_viewport, small_touch_targets
from tests.browser.test_report_workflow_browser import FIGURES, YES_NO
from units.models import Unit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE, LAPTOP = {"width": 390, "height": 844}, {"width": 1366, "height": 768}
SHOTS = Path(os.environ.get("SCREENSHOT_DIR", SCREENSHOTS))


def open_period():
    """The current semester with entry open whatever day the suite runs."""
    period = current_period()
    period.deadline = timezone.localdate() + timedelta(days=10)
    period.save(update_fields=["deadline"])
    return period


class Audit:
    """Checks a page as it is now and keeps every problem, so that one run lists them all."""

    def __init__(self, page, viewport):
        self.page, self.width, self.problems = page, viewport["width"], []

    def check(self, name):
        self.page.wait_for_load_state()
        SHOTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(SHOTS / f"{name}-{self.width}.png"), full_page=True)
        self.problems += [f"{name}: {p}" for p in controls_outside_viewport(self.page)]
        if self.width < 700:
            self.problems += [f"{name}: under 44px: {p}" for p in small_touch_targets(self.page)]
        violations = serious_violations(self.page)
        if violations:
            self.problems.append(f"{name}: axe-core\n{describe(violations)}")

    def visit(self, base, path, name):
        response = self.page.goto(base + path)
        assert response.ok, f"{name}: {path} answered {response.status}"
        self.check(name)


def wait_until(page, expression, timeout=10):
    """Poll a JavaScript expression until it is true. Playwright's wait_for_function polls with eval() inside
    the page, which the Content-Security-Policy refuses; page.evaluate goes through the DevTools protocol."""
    deadline = time.monotonic() + timeout
    while not page.evaluate(expression):
        assert time.monotonic() < deadline, f"still false after {timeout}s: {expression}"
        page.wait_for_timeout(100)


def sign_in_as(page, base, username):
    page.context.clear_cookies()
    sign_in(page, base, username)


@pytest.mark.parametrize("viewport", [PHONE, LAPTOP], ids=["390x844", "1366x768"])
def test_every_role_s_pages_keep_their_controls_in_view_and_pass_axe(live_server, browser, viewport):
    call_command("seed_demo", verbosity=0)  # with the schools' reports of past semesters
    period = open_period()
    ward = Unit.objects.get(code="DK")
    school = Unit.objects.get(code="DK-TH-HAITHANH")
    plan = Document.objects.filter(issuer=ward).first()
    target = Target.objects.filter(document=plan).order_by("order").first()
    base = live_server.url
    context = browser.new_context(viewport=viewport, locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh")
    page = context.new_page()
    refused = []
    page.on("console", lambda m: refused.append(m.text[:120]) if "Content Security Policy" in m.text else None)
    audit = Audit(page, viewport)

    # the principal: home, the list of periods, the report page, and the report with an error in a figure
    sign_in_as(page, base, "hieutruong.thhaithanh")
    audit.check("principal-home")
    if viewport is PHONE:
        # the menu is folded behind one button; the header stays well under a quarter of the screen
        assert page.is_visible(".menu-toggle") and not page.is_visible(".mainnav")
        assert page.locator(".topbar").bounding_box()["height"] < viewport["height"] / 8
        page.click(".menu-toggle")
        assert page.get_attribute(".menu-toggle", "aria-expanded") == "true"
        assert page.is_visible(".mainnav a:has-text('Báo cáo của trường')")
        audit.check("principal-menu-open")
        page.keyboard.press("Escape")
        assert page.get_attribute(".menu-toggle", "aria-expanded") == "false" and not page.is_visible(".mainnav")
    else:
        assert not page.is_visible(".menu-toggle") and page.is_visible(".mainnav")
    audit.visit(base, "/bao-cao/", "principal-report-list")
    audit.visit(base, f"/bao-cao/truong/{school.pk}/ky/{period.pk}/", "principal-report")
    page.fill("#id_item_so_gv", "abc")
    page.click("button[name=save]")
    page.wait_for_selector("#id_item_so_gv_error")
    error = page.locator("#id_item_so_gv_error")
    assert "số" in error.inner_text().lower()
    assert "id_item_so_gv_error" in page.get_attribute("#id_item_so_gv", "aria-describedby")
    error.scroll_into_view_if_needed()
    box = error.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= viewport["width"]
    audit.check("principal-report-error")

    # the ward officer: home, targets with the editor open, a target, a school's report, builds, inbox, import
    sign_in_as(page, base, "canbo.duongkinh")
    audit.check("officer-home")
    audit.visit(base, f"/chi-tieu/?period={period.pk}", "officer-targets")
    page.click(f"#target-{target.pk} [data-edit-button]")
    page.wait_for_selector(f"#target-{target.pk}.editing")
    audit.check("officer-targets-editor")
    audit.visit(base, f"/chi-tieu/{target.pk}/?period={period.pk}", "officer-target")
    submitted = SchoolReport.objects.filter(school__parent=ward).exclude(period=period).order_by("-period__start").first()
    audit.visit(base, f"/bao-cao/truong/{submitted.school_id}/ky/{submitted.period_id}/", "officer-school-report")
    audit.visit(base, "/bao-cao/tao-bao-cao/da-tao/", "officer-builds")
    audit.visit(base, "/bao-cao/nhan-tu-cap-duoi/", "officer-inbox")
    audit.visit(base, f"/bao-cao/gui-len/chot/?unit={ward.pk}&plan={plan.pk}&period={period.pk}", "officer-finalise")
    audit.visit(base, "/ke-hoach/nhap/", "officer-import-upload")
    assert page.goto(f"{base}/chi-tieu/999999/").status == 404  # the portal's own error page, in its layout
    audit.check("officer-not-found")

    # an officer reviewing an imported plan: the text pane scrolls and takes focus
    sign_in_as(page, base, "canbo.nguyendainang")
    page.goto(f"{base}/ke-hoach/nhap/")
    page.select_option("#id_unit", label="Trường Tiểu học Hiến Thành")
    page.set_input_files("#id_file", str(SEED_DIR / "ke-hoach-truong-th-hien-thanh.txt"))
    page.click("#plan-upload button[type=submit]")
    page.wait_for_selector("#proposals")
    assert page.get_attribute("#plan-text", "tabindex") == "0"
    audit.check("officer-import-review")

    # the ward's leader and the city's reviewer
    sign_in_as(page, base, "lanhdao.duongkinh")
    audit.check("leader-home")
    audit.visit(base, f"/chi-tieu/?period={period.pk}", "leader-targets")
    audit.visit(base, f"/chi-tieu/{target.pk}/?period={period.pk}", "leader-target")
    q = f"unit={ward.pk}&plan={plan.pk}&period={period.pk}"
    audit.visit(base, f"/bao-cao/bang-dieu-khien/?{q}", "leader-dashboard")
    audit.visit(base, f"/bao-cao/bang-dieu-khien/cap-duoi/?{q}", "leader-drilldown")
    audit.visit(base, f"/bao-cao/tinh-hinh-nop/?unit={ward.pk}&period={period.pk}", "leader-completeness")
    audit.visit(base, f"/ke-hoach/{plan.pk}/bao-quat/?period={period.pk}", "leader-coverage")
    audit.visit(base, "/bao-cao/lich/", "leader-calendar")
    audit.visit(base, "/bao-cao/thong-bao/", "leader-notifications")
    # the account administrators of the ward and of the city
    sign_in_as(page, base, "quantri.duongkinh")
    audit.visit(base, "/quan-tri/tai-khoan/", "admin-accounts")
    audit.visit(base, "/quan-tri/tai-khoan/tao/", "admin-account-create")
    audit.visit(base, "/quan-tri/tai-khoan/nhap-excel/", "admin-account-import")
    sign_in_as(page, base, "quantri.haiphong")
    audit.visit(base, "/quan-tri/don-vi/", "admin-units")
    audit.visit(base, "/quan-tri/don-vi/them/", "admin-unit-create")
    audit.visit(base, "/quan-tri/don-vi/sap-nhap/", "admin-unit-merge")
    audit.visit(base, "/quan-tri/don-vi/sap-nhap-truong/", "admin-school-merge")
    sign_in_as(page, base, "sogddt.haiphong")
    audit.check("reviewer-home")
    city = Unit.objects.get(code="HP")
    audit.visit(base, f"/bao-cao/bang-dieu-khien/?unit={city.pk}&period={period.pk}", "reviewer-dashboard")
    audit.visit(base, f"/bao-cao/tinh-hinh-nop/?unit={city.pk}&period={period.pk}", "reviewer-completeness")
    audit.visit(base, f"/chi-tieu/?unit={ward.pk}&period={period.pk}", "reviewer-targets")
    audit.visit(base, "/bao-cao/nhan-tu-cap-duoi/", "reviewer-inbox")
    audit.visit(base, "/bao-cao/tao-bao-cao/da-tao/", "reviewer-builds")

    context.close()
    assert audit.problems == [], "\n".join(audit.problems)
    assert refused == [], refused[:3]


def test_the_target_editor_works_by_keyboard_alone(live_server, page):
    call_command("seed_demo", "--no-progress", verbosity=0)
    period = open_period()
    ward = Unit.objects.get(code="DK")
    target = Target.objects.filter(document__issuer=ward, indicator__kind="count").order_by("order").first()
    ProgressValue.objects.filter(target=target, period=period).delete()
    sign_in(page, live_server.url, "canbo.duongkinh")
    page.goto(f"{live_server.url}/chi-tieu/?period={period.pk}")
    row, button = f"#target-{target.pk}", f"#target-{target.pk} [data-edit-button]"
    focused_in_row = f"document.activeElement.closest('{row}') !== null"
    field = f"id_t{target.pk}_value"  # the row's own ids: several editors may be open at once

    # Enter on "Cập nhật" opens the editor with the focus in its first field
    page.focus(button)
    page.keyboard.press("Enter")
    page.wait_for_selector(f"{row}.editing")
    wait_until(page, f"document.activeElement.id === '{field}' && {focused_in_row}")
    page.keyboard.type("3")
    page.keyboard.press("Enter")  # saves (the form is sent by htmx) and the row comes back
    page.wait_for_selector(f"{row}.saved")
    wait_until(page, f"document.activeElement.matches('[data-edit-button]') && {focused_in_row}")
    wait_until(page, "document.getElementById('live-status').textContent === 'Đã lưu số liệu.'")
    saved = ProgressValue.objects.get(target=target, unit=ward, period=period)
    assert saved.value == 3

    # open it again, type, Escape: nothing saved and the focus is back on the row's button
    page.keyboard.press("Enter")
    page.wait_for_selector(f"{row}.editing")
    wait_until(page, f"document.activeElement.id === '{field}' && {focused_in_row}")
    page.keyboard.press("Control+A")
    page.keyboard.type("7")
    page.keyboard.press("Escape")
    page.wait_for_selector(f"{row}:not(.editing)")
    wait_until(page, f"document.activeElement.matches('[data-edit-button]') && {focused_in_row}")
    saved.refresh_from_db()
    assert saved.value == 3 and saved.version == 1
    assert "3" in page.inner_text(row)

    # an error is announced and the field says which message describes it
    page.keyboard.press("Enter")
    wait_until(page, f"document.activeElement.id === '{field}' && {focused_in_row}")
    page.keyboard.press("Control+A")
    page.keyboard.type("abc")
    page.keyboard.press("Enter")
    page.wait_for_selector(f"#{field}_error")
    assert page.get_attribute(f"#{field}", "aria-invalid") == "true"
    assert page.get_attribute(f"#{field}", "aria-describedby") == f"{field}_error"
    wait_until(page, "document.getElementById('live-status').textContent.startsWith('Chưa lưu.')")
    assert page.evaluate("document.activeElement.id") == field


def test_the_school_report_counts_what_is_left_and_asks_before_it_is_submitted(live_server, page):
    call_command("seed_demo", "--no-progress", verbosity=0)
    period = open_period()
    school = Unit.objects.get(code="DK-TH-HAITHANH")
    SchoolReport.objects.filter(school=school, period=period).delete()
    sign_in(page, live_server.url, "hieutruong.thhaithanh")
    page.goto(f"{live_server.url}/bao-cao/truong/{school.pk}/ky/{period.pk}/")
    total = len(FIGURES) + len(YES_NO)
    assert page.inner_text("#missing-count") == f"Còn {total} mục chưa nhập; phải nhập đủ mới nộp được."

    names = list(FIGURES)
    for name in names[:-1]:
        page.fill(f"#id_item_{name}", FIGURES[name])
    for name in YES_NO:
        page.select_option(f"#id_item_{name}", "1")
    assert page.inner_text("#missing-count") == "Còn 1 mục chưa nhập; phải nhập đủ mới nộp được."
    page.fill(f"#id_item_{names[-1]}", FIGURES[names[-1]])
    assert page.inner_text("#missing-count") == "Đã nhập đủ các mục; bấm “Nộp báo cáo” để nộp."

    # saved as a draft, the page counts the same from what was stored
    page.click("button[name=save]")
    page.wait_for_selector("text=Đã lưu nháp báo cáo.")
    assert page.inner_text("#missing-count") == "Đã nhập đủ các mục; bấm “Nộp báo cáo” để nộp."

    # "Nộp báo cáo" asks first: declined, nothing is sent
    questions = []
    page.once("dialog", lambda dialog: (questions.append(dialog.message), dialog.dismiss()))
    page.click("button[name=submit]")
    assert questions and "Trường Tiểu học Hải Thành" in questions[0]
    assert SchoolReport.objects.get(school=school, period=period).status == "draft"
    assert page.is_enabled("button[name=submit]")
    # accepted, it is submitted
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("button[name=submit]")
    page.wait_for_selector("text=Đã nộp báo cáo")
    assert SchoolReport.objects.get(school=school, period=period).status == "submitted"


def test_asking_for_a_report_build_disables_the_button_and_shows_the_step(live_server, page):
    call_command("seed_demo", "--no-progress", verbosity=0)
    period = open_period()
    ward = Unit.objects.get(code="DK")
    sign_in(page, live_server.url, "canbo.duongkinh")
    page.goto(f"{live_server.url}/bao-cao/bang-dieu-khien/?unit={ward.pk}&period={period.pk}")
    # the state while the request runs: it is held until the state is read (with a Celery worker the answer
    # comes in milliseconds, in-process the build takes seconds)
    held = []
    page.route("**/bao-cao/tao-bao-cao/", lambda route: held.append(route))
    page.evaluate("document.querySelector('.build-form button[type=submit]').click()")
    deadline = time.monotonic() + 10
    while not held:
        assert time.monotonic() < deadline, "the build request was never sent"
        page.wait_for_timeout(50)
    disabled, step = page.evaluate("""() => {
      const button = document.querySelector(".build-form button[type=submit]");
      const step = document.querySelector(".build-form .busy-step");
      return [button.disabled, getComputedStyle(step).display !== "none" ? step.textContent : ""];
    }""")
    held[0].continue_()
    page.unroute("**/bao-cao/tao-bao-cao/")
    assert disabled and step == "Đang gửi yêu cầu tạo báo cáo…"
    page.wait_for_selector("#build-result .build-status")
    wait_until(page, "!document.querySelector('.build-form button[type=submit]').disabled")
    assert not page.is_visible(".build-form .busy-step")
