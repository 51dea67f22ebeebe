"""A unit field searching a large scope (units/widgets.py) on a 390 px phone in chromium: the administrator types,
chooses a school among the matches, searches again without losing it (Enter searches, it does not send the form),
and creates the account at the school chosen."""

import pytest

from tests.browser.layout import controls_outside_viewport, small_touch_targets
from tests.factories import make_unit, make_user
from units import widgets
from units.models import Membership, Role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_administrator_finds_a_school_by_search_and_keeps_it_while_searching_again(
        live_server, browser, tree, monkeypatch):
    monkeypatch.setattr(widgets, "LIST_LIMIT", 3)  # the city's eight units and more are searched
    for i in range(4):
        make_unit(f"B-MN{i}", f"Trường Mầm non Hoa Sen {i}", "school", tree["B"], levels=["mn"])
    make_user("quantri.sgd", tree["SGDDT"], Role.UNIT_ADMIN)
    phone = browser.new_context(viewport={"width": 390, "height": 844}, locale="vi-VN",
                                timezone_id="Asia/Ho_Chi_Minh").new_page()
    phone.goto(f"{live_server.url}/dang-nhap/")
    phone.fill("#id_username", "quantri.sgd")
    phone.fill("#id_password", "Mat-khau-2026")
    phone.click("main button[type=submit]")
    phone.wait_for_load_state()
    phone.goto(f"{live_server.url}/quan-tri/tai-khoan/tao/")
    assert phone.locator("select#id_unit").count() == 0 and "Chưa chọn đơn vị" in phone.inner_text(".unit-field")

    phone.fill("#id_username", "hieutruong.hoasen2")
    phone.fill("#id_full_name", "Nguyễn Thị Lan")
    phone.fill("#id_unit", "hoa sen 2")  # without accents
    phone.wait_for_selector(".unit-field-matches li")
    assert phone.locator(".unit-field-matches li").count() == 1
    phone.check(".unit-field-matches input[type=radio]")
    assert "Trường Mầm non Hoa Sen 2" in phone.inner_text(".unit-field-chosen")

    phone.fill("#id_unit", "tiểu học")
    phone.press("#id_unit", "Enter")  # searches; the form is not sent
    phone.wait_for_selector(".unit-field-matches li >> text=Trường Tiểu học A1")
    assert phone.url.endswith("/quan-tri/tai-khoan/tao/") and phone.input_value("#id_username") == "hieutruong.hoasen2"
    assert phone.is_checked(".unit-field-chosen input[type=radio]")  # the school chosen is still the choice
    assert small_touch_targets(phone) == [] and controls_outside_viewport(phone) == []

    phone.select_option("#id_role", Role.SCHOOL_STAFF)
    phone.fill("#id_password", "Hoa-Sen-2026!tam")
    phone.click("main .actions button[type=submit]")
    phone.wait_for_selector("text=Đã tạo tài khoản hieutruong.hoasen2")
    assert Membership.objects.get(user__username="hieutruong.hoasen2").unit.code == "B-MN2"
