"""Issue 11: on a phone the top menu is folded by the stylesheet from the first paint (not only once the deferred
portal.js has run), and without scripts it stays unfolded and reachable."""

import pytest
from django.core.management import call_command

from tests.browser.conftest import sign_in
from tests.browser.layout import controls_outside_viewport

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def test_the_phone_menu_is_folded_before_any_script_runs(live_server, browser):
    call_command("seed_demo", "--no-progress", verbosity=0)
    context = browser.new_context(viewport=PHONE, locale="vi-VN")
    page = context.new_page()
    sign_in(page, live_server.url, "canbo.duongkinh")
    # portal.js never arrives: what shows is what the stylesheet alone does before the deferred script
    page.route("**/js/portal.js", lambda route: route.abort())
    page.goto(f"{live_server.url}/ke-hoach/")
    assert not page.evaluate("document.documentElement.classList.contains('js')")
    assert page.is_visible(".menu-toggle") and not page.is_visible(".mainnav")
    assert page.locator(".topbar").bounding_box()["height"] < PHONE["height"] / 8
    context.close()


def test_without_scripts_the_phone_menu_stays_unfolded_and_reachable(live_server, browser):
    call_command("seed_demo", "--no-progress", verbosity=0)
    context = browser.new_context(viewport=PHONE, locale="vi-VN", java_script_enabled=False)
    page = context.new_page()
    sign_in(page, live_server.url, "canbo.duongkinh")
    assert page.evaluate("matchMedia('(scripting: none)').matches")
    assert not page.is_visible(".menu-toggle")  # a button that could do nothing is not offered
    assert page.is_visible(".mainnav a:has-text('Chỉ tiêu')") and page.is_visible("text=Đăng xuất")
    assert controls_outside_viewport(page) == []
    page.click(".mainnav a:has-text('Kế hoạch')")
    assert page.url.endswith("/ke-hoach/")
    context.close()
