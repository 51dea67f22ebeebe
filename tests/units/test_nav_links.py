"""The top bar's links (units/context_processors.py): reversed once, the same URLs as the URL names give."""

import re

from django.urls import reverse, set_script_prefix

from units.context_processors import NAV_LINKS, nav_links


def test_every_link_is_the_url_its_name_reverses_to(db):
    assert nav_links() == {key: reverse(name) for key, name in NAV_LINKS}


def test_a_script_prefix_gets_its_own_links(db):
    plain = nav_links()["targets"]
    set_script_prefix("/cong/")
    try:
        assert nav_links()["targets"] == "/cong" + plain == reverse("targets:target_list")
    finally:
        set_script_prefix("/")
    assert nav_links()["targets"] == plain


def test_the_top_bar_shows_the_links_the_users_roles_allow(client, personas):
    client.force_login(personas["officer_a"])
    page = client.get(reverse("targets:target_list")).content.decode()
    nav = page[page.index('<nav class="mainnav"'):page.index("</nav>")]
    hrefs = re.findall(r'href="([^"]+)"', nav)
    assert hrefs[:7] == [reverse(name) for _, name in NAV_LINKS[:7]]
    assert reverse("reports:period_completeness") in hrefs  # an officer reviews his commune's schools
    assert reverse("admin:index") not in hrefs and reverse("periods:period_list") not in hrefs
    for name in ("reports:notification_list", "api:token_list", "password_change", "logout"):
        assert reverse(name) in page
