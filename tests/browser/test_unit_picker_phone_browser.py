"""The dashboards' unit picker on a phone: the Sở's reviewer types a ward's name and taps it among the matches. Each
match was a bare link one line of text high (17 px), a hard target for a finger; it is now at least 44 px."""

import pytest

from tests.browser.layout import small_touch_targets
from tests.browser.test_completeness_browser import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_reviewer_taps_a_ward_among_the_matches_on_a_phone(live_server, browser, tree, personas):
    context = browser.new_context(viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True,
                                  locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh")
    page = context.new_page()
    log_in(page, live_server.url, "reviewer")
    page.goto(f"{live_server.url}/bao-cao/bang-dieu-khien/")
    page.fill("#unit-q", "phường")
    page.wait_for_selector("#unit-matches a")
    assert page.locator("#unit-matches a").all_inner_texts() == ["Phường A", "Phường B"]
    heights = page.eval_on_selector_all("#unit-matches a", "links => links.map(a => a.getBoundingClientRect().height)")
    assert min(heights) >= 44, heights
    assert small_touch_targets(page) == []
    page.tap("#unit-matches a >> text=Phường B")
    page.wait_for_url("**unit=*")
    assert "Phường B" in page.inner_text("h1")
    context.close()
