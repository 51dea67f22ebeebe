"""The dashboards' unit picker: a search within the user's scope, each match shown with its trail.

The page lists no unit of the scope (a national scope holds about 50,000), so its weight and its
queries do not depend on how many units lie below.
"""

import html
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import make_document, make_indicator, make_period, make_target, make_unit
from units.search import UNIT_MATCHES

SEARCH = reverse("reports:unit_search")
DASHBOARD = reverse("reports:dashboard_unit")
DRILLDOWN = reverse("reports:dashboard_drilldown")


@pytest.fixture
def period(db):
    return make_period()


@pytest.fixture
def plan_a(tree):
    document = make_document(tree["A"], "12/KH-UBND", "Kế hoạch của phường A")
    make_target(document, make_indicator("ti-le", "Tỷ lệ giáo viên đạt chuẩn"), 1)
    return document


def matches(response):
    """[(name, trail, href)] of the matches the fragment (or the page) shows."""
    found = re.search(r'<ul class="unit-results" id="unit-matches">(.*?)</ul>', response.content.decode(), re.S)
    if not found:
        return []
    items = re.findall(r'<li><a href="([^"]+)">([^<]+)</a>(?: <span class="muted">([^<]+)</span>)?</li>',
                       found.group(1))
    return [(html.unescape(name), html.unescape(trail), html.unescape(href)) for href, name, trail in items]


def add_schools(commune, n, first=0):
    return [make_unit(f"{commune.code}-T{i}", f"Trường Tiểu học Thử {i}", "school", commune, levels=["th"])
            for i in range(first, first + n)]


def test_it_finds_units_by_name_with_their_trail(client, personas, tree, period):
    client.force_login(personas["reviewer"])
    response = client.get(SEARCH, {"q": "tiểu học", "period": period.pk})
    assert matches(response) == [
        ("Trường Tiểu học A1", "Thành phố Hải Phòng › Phường A", f"?unit={tree['A-TH1'].pk}&period={period.pk}"),
        ("Trường Tiểu học và THCS A2", "Thành phố Hải Phòng › Phường A",
         f"?unit={tree['A-THCS'].pk}&period={period.pk}"),
    ]


def test_it_finds_units_by_code_in_any_case_the_higher_levels_first(client, personas, tree):
    client.force_login(personas["reviewer"])
    response = client.get(SEARCH, {"q": "a"})
    names = [name for name, _, _ in matches(response)]
    # the higher levels first (the city: "a" finds "à" and "ả" too), the commune before its schools;
    # neither the Sở (a department) nor A's office is a dashboard
    assert names[:2] == ["Thành phố Hải Phòng", "Phường A"]
    assert "Trường Tiểu học A1" in names and "Sở Giáo dục và Đào tạo Hải Phòng" not in names
    assert "Phòng Văn hóa - Xã hội phường A" not in names
    assert [name for name, _, _ in matches(client.get(SEARCH, {"q": "b-mn"}))] == ["Trường Mầm non B1"]


@pytest.mark.parametrize("text", ["duong kinh", "DUONG KINH", "Dương Kinh", "dưởng kính", "phuong duong"])
def test_it_finds_units_whatever_the_accents_typed(client, personas, tree, text):
    make_unit("DK", "Phường Dương Kinh", "commune", tree["HP"])
    client.force_login(personas["reviewer"])
    assert [name for name, _, _ in matches(client.get(SEARCH, {"q": text}))] == ["Phường Dương Kinh"]


def test_characters_of_regular_expressions_are_taken_literally(client, personas, tree):
    make_unit("HT", "Trường TH&THCS (Hải Thành)", "school", tree["A"], levels=["th", "thcs"])
    client.force_login(personas["reviewer"])
    assert [name for name, _, _ in matches(client.get(SEARCH, {"q": "&thcs (hai"}))] == ["Trường TH&THCS (Hải Thành)"]
    assert matches(client.get(SEARCH, {"q": ".*"})) == []


def test_it_says_when_nothing_matches(client, personas):
    response = client.force_login(personas["officer_a"]) or client.get(SEARCH, {"q": "Không có"})
    assert "Không tìm thấy đơn vị nào có tên hoặc mã chứa “Không có”." in response.content.decode()


def test_an_empty_search_offers_nothing(client, personas):
    client.force_login(personas["officer_a"])
    response = client.get(SEARCH, {"q": "  "})
    assert response.status_code == 200 and response.content.decode().strip() == ""


@pytest.mark.parametrize(("persona", "text"), [("officer_b", "A1"), ("officer_b", "Phường A"), ("leader_a", "B1"),
                                                ("principal_a", "A2"), ("principal_a", "Phường A")])
def test_it_finds_nothing_outside_the_users_scope(client, personas, tree, persona, text):
    client.force_login(personas[persona])
    response = client.get(SEARCH, {"q": text})
    assert matches(response) == []
    assert "Không tìm thấy đơn vị nào" in response.content.decode()


def test_a_ward_user_finds_the_units_of_their_own_ward(client, personas, tree):
    client.force_login(personas["officer_b"])
    assert [name for name, _, _ in matches(client.get(SEARCH, {"q": "B"}))] == ["Phường B", "Trường Mầm non B1"]


def test_it_requires_signing_in(client):
    response = client.get(SEARCH, {"q": "A"})
    assert response.status_code == 302 and "/dang-nhap/" in response["Location"]


def test_it_offers_at_most_the_limit_and_says_so(client, personas, tree):
    add_schools(tree["A"], UNIT_MATCHES + 5)
    client.force_login(personas["officer_a"])
    response = client.get(SEARCH, {"q": "Thử"})
    assert len(matches(response)) == UNIT_MATCHES
    assert f"Chỉ hiện {UNIT_MATCHES} đơn vị đầu tiên" in response.content.decode()


def test_the_search_takes_the_same_queries_for_3_and_30_matches(client, personas, tree):
    client.force_login(personas["reviewer"])
    counts = []
    for first, n in ((0, 3), (3, 27)):
        add_schools(tree["B"], n, first)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(SEARCH, {"q": "Thử"})
        assert len(matches(response)) == min(first + n, UNIT_MATCHES)
        counts.append(len(captured))
    # session, the user with its memberships, the matches with their parents (3)
    assert counts == [3, 3]


def test_the_dashboard_lists_no_unit_of_the_scope_and_weighs_the_same_for_3_and_30_schools(
    client, personas, tree, plan_a, period
):
    client.force_login(personas["officer_a"])
    sizes, counts = [], []
    for first, n in ((0, 1), (1, 27)):  # A's two schools and one more, then 27 more
        add_schools(tree["A"], n, first)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(DASHBOARD, {"unit": tree["A"].pk, "plan": plan_a.pk, "period": period.pk})
        html = response.content.decode()
        assert "Trường Tiểu học Thử" not in html and "Trường Tiểu học A1" not in html
        # the number of schools is written once ("(3 trường)" then "(30 trường)"): one more digit
        sizes.append(len(html))
        counts.append(len(captured))
    assert sizes[1] - sizes[0] <= 2
    assert counts[0] == counts[1]


def test_the_picker_shows_the_chosen_unit_with_its_trail_in_a_hidden_field(client, personas, tree, period):
    client.force_login(personas["reviewer"])
    response = client.get(DASHBOARD, {"unit": tree["A-TH1"].pk, "period": period.pk})
    html = response.content.decode()
    assert f'<input type="hidden" name="unit" value="{tree["A-TH1"].pk}">' in html
    current = re.search(r'<p class="unit-current" id="unit-current">(.*?)</p>', html, re.S).group(1)
    assert re.sub(r"<[^>]+>", "", current) == "Trường Tiểu học A1 Thành phố Hải Phòng › Phường A"
    assert f'hx-get="{SEARCH}"' in html


@pytest.mark.parametrize("page", [DASHBOARD, DRILLDOWN])
def test_without_javascript_submitting_the_search_lists_the_matches_on_the_page(client, personas, tree, period, page):
    client.force_login(personas["reviewer"])
    response = client.get(page, {"unit": tree["HP"].pk, "period": period.pk, "q": "Phường B"})
    found = matches(response)
    assert found == [("Phường B", "Thành phố Hải Phòng", f"?unit={tree['B'].pk}&period={period.pk}")]
    # the page is still that of the unit chosen before; following the match opens B's
    assert response.context["unit"] == tree["HP"]
    assert client.get(page + found[0][2]).context["unit"] == tree["B"]


def test_a_match_followed_outside_the_scope_falls_back_to_the_users_unit(client, personas, tree, period):
    client.force_login(personas["officer_b"])
    response = client.get(DASHBOARD, {"unit": tree["A-TH1"].pk, "period": period.pk})
    assert response.context["unit"] == tree["B"]
    assert "Trường Tiểu học A1" not in response.content.decode()


def test_a_user_without_a_unit_is_refused(client, personas):
    client.force_login(personas["nobody"])
    assert client.get(DASHBOARD).status_code == 403
    response = client.get(SEARCH, {"q": "A"})
    assert matches(response) == []


def test_the_administrator_searches_every_unit(client, personas, tree):
    client.force_login(personas["admin"])
    names = [name for name, _, _ in matches(client.get(SEARCH, {"q": "Trung"}))]
    assert names == ["Trung ương"]
