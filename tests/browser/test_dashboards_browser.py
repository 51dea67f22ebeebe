"""Issue 4 as a leader sees it: the province, commune and school dashboards with the demo data, in chromium."""

import contextlib

import pytest
from django.core.management import call_command
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from periods.models import Period
from plans.models import Document
from tests.browser.conftest import SCREENSHOTS, sign_in
from units.models import Unit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


COUNT_CHARTS = "Array.from(document.querySelectorAll('canvas')).filter(c => Chart.getChart(c)).length"


def charts_drawn(page, at_least):
    """How many canvases Chart.js (the vendored library, from our own static files) has drawn on,
    waiting a little for it: the charts are drawn after the page has loaded."""
    with contextlib.suppress(PlaywrightTimeout):  # the assertion below reports the count
        page.wait_for_function(f"({COUNT_CHARTS}) >= {at_least}", timeout=10_000)
    return page.evaluate(COUNT_CHARTS)


def test_the_province_commune_and_school_dashboards_show_the_demo_data(live_server, page, screenshot):
    call_command("seed_demo", verbosity=0)
    period = Period.objects.get(code="2025-2026-hk2")
    nq71 = Document.objects.get(number="71-NQ/TW")
    base = live_server.url
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    sign_in(page, base, "sogddt.haiphong")

    page.goto(f"{base}/bao-cao/bang-dieu-khien/?unit={Unit.objects.get(code='HP').pk}&plan={nq71.pk}&period={period.pk}")
    assert "Bảng điều khiển: Ủy ban nhân dân thành phố Hải Phòng" in page.inner_text("h1")
    assert page.inner_text("#count-met .stat") == "3"  # internet, nursery enrolment, upper-secondary completion
    assert "Tỷ lệ trường học có kết nối Internet" in page.inner_text("main")
    assert charts_drawn(page, 8) >= 8, errors
    screenshot("dashboard-province")

    ward = Unit.objects.get(code="DK")
    page.goto(f"{base}/bao-cao/bang-dieu-khien/?unit={ward.pk}&period={period.pk}")
    text = page.inner_text("main")
    assert "Kế hoạch phát triển và nâng cao chất lượng Giáo dục và Đào tạo phường Dương Kinh" in text
    assert page.inner_text("#reporting-rate") == "100%"
    for criterion in ["Cơ sở vật chất", "Chất lượng giáo dục", "Phổ cập - học tập suốt đời"]:
        assert criterion in text
    screenshot("dashboard-commune")

    page.click("text=Xem theo đơn vị cấp dưới")
    page.wait_for_selector("#drilldown")
    assert page.locator("#drilldown tbody tr").count() == 8
    screenshot("dashboard-commune-drilldown")

    school = Unit.objects.get(code="NDN-TH-HIENTHANH")
    page.goto(f"{base}/bao-cao/bang-dieu-khien/?unit={school.pk}&period={period.pk}")
    assert "Bảng điều khiển: Trường Tiểu học Hiến Thành" in page.inner_text("h1")
    assert "Tỷ lệ cán bộ quản lý, giáo viên được bồi dưỡng kỹ năng chuyển đổi số" in page.inner_text("main")
    assert charts_drawn(page, 10) >= 10
    screenshot("dashboard-school")


def test_a_citizen_reads_a_public_plan_on_a_phone(live_server, browser):
    call_command("seed_demo", "--no-progress", verbosity=0)
    plan = Document.objects.get(issuer__code="KM", is_public=True)
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="vi-VN")
    phone = context.new_page()
    phone.goto(f"{live_server.url}/cong-khai/")
    phone.click(f"text={plan.title}")
    phone.wait_for_selector("#public-targets")
    assert "Tỷ lệ trường học có kết nối Internet" in phone.inner_text("#public-targets")
    # the table scrolls inside its frame instead of widening the page
    assert phone.evaluate("document.documentElement.scrollWidth") <= 400
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    phone.screenshot(path=str(SCREENSHOTS / "public-plan-phone.png"), full_page=True)
    context.close()
