"""Two administrators renaming the same unit: a rename from a page opened before the other's is refused, saying who
renamed it to what, with what was typed kept; it never puts back the name or place name the other had just set
(the place name heads the unit's official reports). The same form posted twice renames once."""

import lxml.html
import pytest
from django.test import Client
from django.urls import reverse
from pytest_django.asserts import assertContains

from tests.factories import make_user
from units.models import AdminEvent, Role, Unit


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def page_form(response):
    form = lxml.html.fromstring(response.content.decode()).find(".//main//form[@method='post']")
    return {name: value for name, value in form.form_values()}


@pytest.fixture
def two_admins(tree):
    first = make_user("quantri.hp1", tree["SGDDT"], Role.UNIT_ADMIN, first_name="Phan Văn", last_name="Tài")
    return signed_in(first), signed_in(make_user("quantri.hp2", tree["SGDDT"], Role.UNIT_ADMIN))


def test_a_rename_from_a_page_opened_before_anothers_is_refused(two_admins, tree):
    first, second = two_admins
    url = reverse("units:unit_rename", args=[tree["A"].pk])
    first_page, second_page = page_form(first.get(url)), page_form(second.get(url))
    assert first.post(url, {**first_page, "place_name": "Dương Kinh"}).status_code == 302

    # the second only shortens the short name, from a page without the place name
    response = second.post(url, {**second_page, "short_name": "P. A"})

    assertContains(response, "Đơn vị đã được đổi tên sau khi bạn mở trang này", status_code=409)
    assertContains(response, "Phan Văn Tài", status_code=409)
    assert page_form(response)["short_name"] == "P. A"
    unit = Unit.objects.get(pk=tree["A"].pk)
    assert (unit.short_name, unit.place_name) == (tree["A"].short_name, "Dương Kinh")

    again = {**page_form(response), "place_name": "Dương Kinh"}
    assert second.post(url, again).status_code == 302
    unit.refresh_from_db()
    assert (unit.short_name, unit.place_name) == ("P. A", "Dương Kinh")


def test_the_same_rename_posted_twice_renames_once(two_admins, tree):
    client, _ = two_admins
    url = reverse("units:unit_rename", args=[tree["A-TH1"].pk])
    form = {**page_form(client.get(url)), "name": "Trường Tiểu học Hải Thành"}
    assert [client.post(url, form).status_code for _ in range(2)] == [302, 302]
    assert AdminEvent.objects.filter(unit=tree["A-TH1"], action=AdminEvent.Action.UNIT_RENAMED).count() == 1
