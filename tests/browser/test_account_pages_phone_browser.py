"""The account and unit forms on a 390 px phone in chromium: their "Hủy" link was a 17 px line of text; it and
every other control of these pages (the new edit and temporary-password actions included) is a 44 px target
inside the viewport."""

import pytest

from tests.browser.layout import controls_outside_viewport, small_touch_targets
from tests.factories import make_user
from units.models import Role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_cancel_links_and_actions_of_the_admin_forms_are_44px_targets_on_a_phone(live_server, browser, tree):
    phone = browser.new_context(viewport={"width": 390, "height": 844}, locale="vi-VN",
                                timezone_id="Asia/Ho_Chi_Minh").new_page()
    make_user("quantri.sgd", tree["SGDDT"], Role.UNIT_ADMIN)  # keeps accounts and units: every form below
    teacher = make_user("giaovien.a1", tree["A-TH1"], Role.SCHOOL_STAFF)
    phone.goto(f"{live_server.url}/dang-nhap/")
    phone.fill("#id_username", "quantri.sgd")
    phone.fill("#id_password", "Mat-khau-2026")
    phone.click("main button[type=submit]")
    phone.wait_for_load_state()
    problems = []
    for path in ("/quan-tri/tai-khoan/tao/", f"/quan-tri/tai-khoan/{teacher.pk}/sua/",
                 f"/quan-tri/tai-khoan/{teacher.pk}/", "/quan-tri/don-vi/them/"):
        phone.goto(f"{live_server.url}{path}")
        if "/tai-khoan/" in path and not path.endswith(f"{teacher.pk}/"):
            cancel = phone.locator("main .actions a", has_text="Hủy")
            assert cancel.bounding_box()["height"] >= 44, path
        problems += [f"{path}: {p}" for p in small_touch_targets(phone) + controls_outside_viewport(phone)]
    assert phone.locator("main a.button", has_text="Hủy").count() == 1  # the unit form's too
    assert problems == []
