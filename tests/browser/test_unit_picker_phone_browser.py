"""Touch targets on a phone: the dashboards' unit picker, where the Sở's reviewer types a ward's name and taps it
among the matches (each was a bare link one line of text high, 17 px), and the check boxes with their words."""

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


def test_check_boxes_are_tapped_along_their_words_on_a_phone(live_server, browser, tree, personas):
    # the notices' e-mail choices and the tasks' "overdue only" were 22-28 px lines: a finger missed them
    context = browser.new_context(viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True,
                                  locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh")
    page = context.new_page()
    log_in(page, live_server.url, "officer_a")
    for path in ("/bao-cao/thong-bao/", "/ke-hoach/nhiem-vu/"):
        page.goto(f"{live_server.url}{path}")
        assert page.locator("label:has(> input[type=checkbox])").count() > 0, path
        assert small_touch_targets(page) == [], path
    page.goto(f"{live_server.url}/bao-cao/thong-bao/")
    box = page.locator("label:has(> input[name=school_returned])")
    was = page.is_checked("input[name=school_returned]")
    box.tap(position={"x": box.bounding_box()["width"] - 5, "y": 40})  # the far end of its line, near the bottom
    assert page.is_checked("input[name=school_returned]") is not was
    context.close()
