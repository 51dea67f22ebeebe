"""Issue 13 in chromium: the completeness page on a phone (one card per row, every action inside a 390 px
viewport) and the unit picker's search (htmx) taking a reviewer from the city down to a commune."""

from datetime import date

import pytest

from periods.models import Period
from reports.models import ReportStatus, SchoolReport
from tests.browser.conftest import SCREENSHOTS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}

# The visible controls whose box sticks out of the viewport sideways, and the page's own overflow.
OUTSIDE = """() => {
  const width = window.innerWidth, found = [];
  for (const el of document.querySelectorAll("main a[href], main button, main input:not([type=hidden]), main select, main summary")) {
    if (el.getClientRects().length === 0) { continue; }
    const box = el.getBoundingClientRect();
    if (box.left < -0.5 || box.right > width + 0.5) { found.push(`${el.tagName} ${(el.innerText || el.name).trim().slice(0, 30)}`); }
  }
  if (document.documentElement.scrollWidth > width) { found.push(`page ${document.documentElement.scrollWidth}px wide`); }
  return found;
}"""


@pytest.fixture
def locked_period(db):
    """A past semester: entry is locked, so the officer is offered to reopen it school by school."""
    return Period.objects.create(code="2024-2025-hk2", kind="semester_2", school_year="2024-2025",
                                 start=date(2025, 1, 20), end=date(2025, 5, 31), deadline=date(2025, 6, 10))


def log_in(page, base, username):
    page.goto(f"{base}/dang-nhap/")
    page.fill("#id_username", username)
    page.fill("#id_password", "Mat-khau-2026")
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")


def phone_page(browser):
    context = browser.new_context(viewport=PHONE, locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh")
    page = context.new_page()
    refused = []
    page.on("console", lambda m: refused.append(m.text[:120]) if "Content Security Policy" in m.text else None)
    return context, page, refused


def test_on_a_phone_each_school_is_a_card_and_its_actions_stay_in_view(live_server, browser, tree, personas,
                                                                         locked_period):
    SchoolReport.objects.create(school=tree["A-TH1"], period=locked_period, status=ReportStatus.SUBMITTED)
    context, page, refused = phone_page(browser)
    log_in(page, live_server.url, "officer_a")
    page.goto(f"{live_server.url}/bao-cao/tinh-hinh-nop/?period={locked_period.pk}")
    assert page.locator("#completeness thead").is_hidden()
    cards = page.locator("#completeness tbody tr")
    assert cards.count() == 2
    # each cell is a line of the card, under its column's label
    cell = cards.first.locator("td[data-label='Nộp lúc']")
    assert cell.evaluate("el => getComputedStyle(el).display") == "block"
    assert "Nộp lúc" in cell.evaluate("el => getComputedStyle(el, '::before').content")
    page.locator("#completeness summary").first.click()  # open "reopen entry" for the first school
    assert page.locator("#completeness .exception-form button").first.is_visible()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "completeness-commune-390.png"), full_page=True)
    assert page.evaluate(OUTSIDE) == []
    context.close()
    assert refused == []


def test_the_reviewer_finds_a_commune_by_typing_and_goes_down_to_it(live_server, browser, tree, personas,
                                                                     locked_period):
    context, page, refused = phone_page(browser)
    log_in(page, live_server.url, "reviewer")
    page.goto(f"{live_server.url}/bao-cao/tinh-hinh-nop/?period={locked_period.pk}")
    assert page.locator("#completeness-summary tbody tr").count() == 2  # the city's two wards
    assert page.evaluate(OUTSIDE) == []
    page.fill("#unit-q", "phường b")
    page.wait_for_selector("#unit-matches a")
    assert page.locator("#unit-matches a").all_inner_texts() == ["Phường B"]
    page.click("#unit-matches a")
    page.wait_for_selector("#completeness")
    assert "Tình hình nộp báo cáo — Phường B" in page.inner_text("h1")
    assert page.locator("#completeness tbody tr").all_inner_texts()[0].startswith("Trường Mầm non B1")
    context.close()
    assert refused == []
