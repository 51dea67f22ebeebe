"""Two administrators editing the same account: a save from a page opened before the other's change is refused,
saying who changed what, with what was typed kept; it never puts back the name or address the other replaced.
The same form posted twice changes the account once."""

import lxml.html
import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from pytest_django.asserts import assertContains

from tests.factories import make_user
from units.accounts import create_account
from units.models import AccountProfile, AdminEvent, Role

User = get_user_model()


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def page_form(response):
    """What a browser posts from the edit page as rendered, its hidden fields included."""
    form = lxml.html.fromstring(response.content.decode()).find(".//main//form[@method='post']")
    return {name: value for name, value in form.form_values()}


@pytest.fixture
def teacher(tree, admins):
    account = create_account(username="giaovien.a1", full_name="Đỗ Thị Mai", email="", unit=tree["A-TH1"],
                             role=Role.SCHOOL_STAFF, password="Tam-thoi-2026", by=admins["admin_a"])
    AccountProfile.objects.filter(user=account).update(must_change_password=False)
    return account


@pytest.fixture
def two_admins(tree, admins):
    """The two administrators of phường A, each with the account's edit page open before either saves."""
    deputy = make_user("quantri2.a", tree["A"], Role.UNIT_ADMIN, first_name="Phan Văn", last_name="Tài")
    return signed_in(deputy), signed_in(admins["admin_a"])


def edit_url(account):
    return reverse("units:account_edit", args=[account.pk])


def test_a_save_from_a_page_opened_before_anothers_is_refused(two_admins, teacher):
    first, second = two_admins
    first_page, second_page = page_form(first.get(edit_url(teacher))), page_form(second.get(edit_url(teacher)))
    assert first.post(edit_url(teacher), {**first_page, "email": "mai.do@truonga1.edu.vn"}).status_code == 302

    # the second only corrects the name, from a page without the address: saved, it would erase the address
    response = second.post(edit_url(teacher), {**second_page, "full_name": "Đỗ Thị Thanh Mai"})

    assertContains(response, "Tài khoản đã được sửa sau khi bạn mở trang này", status_code=409)
    assertContains(response, "Phan Văn Tài", status_code=409)
    assertContains(response, "mai.do@truonga1.edu.vn", status_code=409)  # what it is now
    assert page_form(response)["full_name"] == "Đỗ Thị Thanh Mai"  # what was typed is kept
    account = User.objects.get(pk=teacher.pk)
    assert (account.get_full_name(), account.email) == ("Đỗ Thị Mai", "mai.do@truonga1.edu.vn")
    assert AdminEvent.objects.filter(account=account, action=AdminEvent.Action.ACCOUNT_UPDATED).count() == 1

    # having seen it, the administrator puts the address in and saves
    again = {**page_form(response), "email": "mai.do@truonga1.edu.vn"}
    assert second.post(edit_url(teacher), again).status_code == 302
    account.refresh_from_db()
    assert (account.get_full_name(), account.email) == ("Đỗ Thị Thanh Mai", "mai.do@truonga1.edu.vn")


def test_the_same_form_posted_twice_changes_the_account_once(admins, teacher):
    client = signed_in(admins["admin_a"])
    form = {**page_form(client.get(edit_url(teacher))), "email": "mai.do@truonga1.edu.vn"}

    assert [client.post(edit_url(teacher), form).status_code for _ in range(2)] == [302, 302]

    assert AdminEvent.objects.filter(account=teacher, action=AdminEvent.Action.ACCOUNT_UPDATED).count() == 1


def test_a_save_without_the_version_it_was_opened_at_is_refused(admins, teacher):
    client = signed_in(admins["admin_a"])
    form = page_form(client.get(edit_url(teacher)))
    del form["seen"]
    assertContains(client.post(edit_url(teacher), {**form, "email": "x@truonga1.edu.vn"}), "hãy tải lại trang",
                   status_code=400)
    assert User.objects.get(pk=teacher.pk).email == ""


@pytest.mark.parametrize("step", ["account_deactivate", "account_reactivate"])
def test_stopping_or_reopening_pressed_twice_is_logged_once(two_admins, teacher, step):
    first, second = two_admins
    if step == "account_reactivate":
        User.objects.filter(pk=teacher.pk).update(is_active=False)
    url = reverse(f"units:{step}", args=[teacher.pk])

    assert [first.post(url).status_code, second.post(url).status_code] == [302, 302]

    page = second.get(reverse("units:account_detail", args=[teacher.pk])).content.decode()
    assert "không có gì thay đổi" in page
    action = AdminEvent.Action.ACCOUNT_DEACTIVATED if step == "account_deactivate" else \
        AdminEvent.Action.ACCOUNT_REACTIVATED
    assert AdminEvent.objects.filter(account=teacher, action=action).count() == 1
    assert User.objects.get(pk=teacher.pk).is_active == (step == "account_reactivate")
