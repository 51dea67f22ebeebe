"""A unit field searching a large scope (units/widgets.py) on a 390 px phone in chromium: the administrator types,
chooses a school among the matches, searches again without losing it (Enter searches, it does not send the form),
and creates the account at the school chosen."""

import pytest

from tests.browser.conftest import sign_in
from tests.browser.layout import controls_outside_viewport, small_touch_targets
from tests.factories import make_unit, make_user
from units import widgets
from units.models import Membership, Role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def phone_signed_in(browser, base, username):
    """A 390 × 844 page signed in as `username` (the factories' password)."""
    page = browser.new_context(viewport={"width": 390, "height": 844}, locale="vi-VN",
                               timezone_id="Asia/Ho_Chi_Minh").new_page()
    sign_in(page, base, username, password="Mat-khau-2026")
    return page


def tab_to_first_match(page):
    """Tab from the search box (past the list's scrolling frame, when it has one): the name of what has focus."""
    page.focus("#id_unit")
    for _ in range(2):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.tagName") == "INPUT":
            break
    return page.evaluate("document.activeElement.name")


def test_an_administrator_finds_a_school_by_search_and_keeps_it_while_searching_again(
        live_server, browser, tree, monkeypatch):
    monkeypatch.setattr(widgets, "LIST_LIMIT", 3)  # the city's eight units and more are searched
    for i in range(4):
        make_unit(f"B-MN{i}", f"Trường Mầm non Hoa Sen {i}", "school", tree["B"], levels=["mn"])
    make_user("quantri.sgd", tree["SGDDT"], Role.UNIT_ADMIN)
    phone = phone_signed_in(browser, live_server.url, "quantri.sgd")
    phone.goto(f"{live_server.url}/quan-tri/tai-khoan/tao/")
    assert phone.locator("select#id_unit").count() == 0 and "Chưa chọn đơn vị" in phone.inner_text(".unit-field")

    phone.fill("#id_username", "hieutruong.hoasen2")
    phone.fill("#id_full_name", "Nguyễn Thị Lan")
    phone.fill("#id_unit", "hoa sen 2")  # without accents
    phone.wait_for_selector(".unit-field-matches li")
    assert phone.locator(".unit-field-matches li").count() == 1
    # by keyboard: Tab reaches the match, Space chooses it, and the focus stays on the unit chosen
    assert tab_to_first_match(phone) == "unit__match"
    phone.keyboard.press("Space")
    assert phone.evaluate("[document.activeElement.name, document.activeElement.checked]") == ["unit", True]
    assert "Trường Mầm non Hoa Sen 2" in phone.inner_text(".unit-field-chosen")

    phone.fill("#id_unit", "tiểu học")
    phone.press("#id_unit", "Enter")  # searches; the form is not sent
    phone.wait_for_selector(".unit-field-matches li >> text=Trường Tiểu học A1")
    assert phone.url.endswith("/quan-tri/tai-khoan/tao/") and phone.input_value("#id_username") == "hieutruong.hoasen2"
    assert phone.is_checked(".unit-field-chosen input[type=radio]")  # the school chosen is still the choice
    assert tab_to_first_match(phone) == "unit__match"  # though a unit is chosen, the matches are reached
    assert small_touch_targets(phone) == [] and controls_outside_viewport(phone) == []

    phone.select_option("#id_role", Role.SCHOOL_STAFF)
    phone.fill("#id_password", "Hoa-Sen-2026!tam")
    phone.click("main .actions button[type=submit]")
    phone.wait_for_selector("text=Đã tạo tài khoản hieutruong.hoasen2")
    assert Membership.objects.get(user__username="hieutruong.hoasen2").unit.code == "B-MN2"


def test_a_ward_checked_twice_in_the_merge_search_is_chosen_once(live_server, browser, tree, monkeypatch):
    monkeypatch.setattr(widgets, "LIST_LIMIT", 3)
    for i in range(4):
        make_unit(f"X{i}", f"Xã Thử {i}", "commune", tree["HP"])
    make_user("quantri.tinh", tree["HP"], Role.UNIT_ADMIN)
    page = phone_signed_in(browser, live_server.url, "quantri.tinh")
    page.goto(f"{live_server.url}/quan-tri/don-vi/sap-nhap/")
    page.fill("#id_predecessors", "xa thu")
    page.wait_for_selector("#id_predecessors-matches li")
    page.check("#id_predecessors-matches li:nth-child(1) input")
    page.check("#id_predecessors-matches li:nth-child(1) input")  # the next ward, now first
    page.fill("#id_predecessors", "xã thử")  # searched again: the wards chosen are not offered again
    page.wait_for_function("document.querySelectorAll('#id_predecessors-matches li').length === 2")
    chosen = page.locator("#id_predecessors-chosen input[type=checkbox]")
    assert chosen.count() == 2 and all(chosen.nth(i).is_checked() for i in range(2))
