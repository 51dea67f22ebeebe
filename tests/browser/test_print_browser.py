"""Issue 11: the dashboards print on A4 as a clean page: no menu, picker, forms or buttons, the unit, plan and
period as the heading, the charts inside the page width. Printed by chromium itself (page.pdf), read back with
pdftotext and rendered with pdftoppm so that the pages can be looked at (var/screenshots/print-*.png)."""

import subprocess

import pytest
from django.core.management import call_command

from periods.models import Period
from tests.browser.conftest import SCREENSHOTS, sign_in
from tests.browser.test_phone_and_keyboard_browser import wait_until
from units.models import Unit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# what only the screen shows: the top bar, the picker, the build form, the buttons, the footer
# the printed width of an A4 page with the stylesheet's 10mm margins: 190mm at 96 CSS px per inch
A4_WIDTH = {"width": 718, "height": 1000}
SCREEN_ONLY = [".topbar", "form", ".build-form", "div.actions", ".button:not(.primary)", ".footer", "button"]


def hidden_in_print(page):
    """The selectors of SCREEN_ONLY that still show something under print media (empty when none)."""
    return [s for s in SCREEN_ONLY if any(el.is_visible() for el in page.query_selector_all(s))]


def print_to_images(page, name):
    """Print the page to PDF as chromium does for a user, return its text and the paths of its page images."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for stale in SCREENSHOTS.glob(f"print-{name}-*.png"):
        stale.unlink()
    pdf = SCREENSHOTS / f"print-{name}.pdf"
    page.pdf(path=str(pdf), format="A4", prefer_css_page_size=True)
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    subprocess.run(["pdftoppm", "-png", "-r", "50", str(pdf), str(SCREENSHOTS / f"print-{name}")], check=True)
    return text, sorted(SCREENSHOTS.glob(f"print-{name}-*.png"))


def test_the_dashboards_print_without_menu_or_forms_with_unit_plan_and_period_as_heading(live_server, page):
    call_command("seed_demo", verbosity=0)
    period = Period.objects.get(code="2025-2026-hk2")
    ward = Unit.objects.get(code="DK")
    sign_in(page, live_server.url, "lanhdao.duongkinh")
    page.goto(f"{live_server.url}/bao-cao/bang-dieu-khien/?unit={ward.pk}&period={period.pk}")
    wait_until(page, "document.querySelectorAll('canvas').length > 0 && "
                     "Array.from(document.querySelectorAll('canvas')).every(c => Chart.getChart(c))")
    assert page.is_visible(".topbar") and page.is_visible("form.filters")  # the screen shows them

    # printed from the laptop's screen, as a user would: the charts were drawn for 1366px
    text, images = print_to_images(page, "dashboard-commune")
    assert "Bảng điều khiển: Ủy ban nhân dân phường Dương Kinh" in text
    assert period.name in text
    for screen_only in ["Danh mục", "Đăng xuất", "Tạo báo cáo", "Xem theo đơn vị cấp dưới", "Kỳ báo cáo"]:
        assert screen_only not in text, screen_only
    assert len(images) >= 2
    # portal.js redrew the breakdown chart at the A4 width for printing (beforeprint), then for the screen again
    assert page.locator("#status-breakdown").bounding_box()["width"] > 1000

    # the same under print media at the printed width, element by element
    page.set_viewport_size(A4_WIDTH)
    page.emulate_media(media="print")
    assert hidden_in_print(page) == []
    assert page.inner_text("h1") == "Bảng điều khiển: Ủy ban nhân dân phường Dương Kinh"
    lead = page.locator(".page > p.muted").first
    assert lead.is_visible() and "phường Dương Kinh" in lead.inner_text() and period.name in lead.inner_text()
    assert lead.evaluate("el => getComputedStyle(el).fontWeight") == "600"
    # links print as text, rows are kept whole, the breakdown chart fits the width of an A4 page
    assert page.evaluate("getComputedStyle(document.querySelector('.page a')).textDecorationLine") == "none"
    assert page.evaluate("getComputedStyle(document.querySelector('table.data tr')).breakInside") == "avoid"
    chart = page.locator("#status-breakdown").bounding_box()
    assert chart["width"] <= 720 and chart["height"] <= 62 / 25.4 * 96 + 1
    # in print the tables stay tables (the phone's cards start below 700px)
    assert page.evaluate("getComputedStyle(document.querySelector('table.stack thead')).display") == "table-header-group"

    page.emulate_media(media="screen")
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(f"{live_server.url}/bao-cao/bang-dieu-khien/cap-duoi/?unit={ward.pk}&period={period.pk}")
    page.wait_for_selector("#drilldown")
    page.set_viewport_size(A4_WIDTH)
    page.emulate_media(media="print")
    assert hidden_in_print(page) == []
    assert not page.is_visible("text=← Bảng điều khiển")
    text, images = print_to_images(page, "dashboard-drilldown")
    assert "phường Dương Kinh: các đơn vị cấp dưới" in text and period.name in text
    assert "Trường Tiểu học Hải Thành" in text or "TH Hải Thành" in text
    assert "Đăng xuất" not in text and "Kỳ báo cáo" not in text
    # of the criterion buttons only the chosen one prints, as part of the heading
    assert page.locator("nav.actions .button.primary").is_visible()
    assert page.locator("nav.actions .button:not(.primary)").first.is_hidden()
    # the drill-down table is not cut at the right edge: it is no wider than the printed page
    assert page.evaluate("document.getElementById('drilldown').getBoundingClientRect().right") <= 720
