"""A person's API keys end with the password they were issued under: someone whose account was compromised changes the
password (or has it reset, or an administrator sets one) and expects every door closed. Each path that changes a
password is tested; keys issued afterwards work, and a service account's keys hang on no person's password."""

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from api.actions import issue_token
from api.models import ApiToken
from tests.api.conftest import client_with
from units.accounts import create_account
from units.models import Role

NEW_PASSWORD = "Hoa-Phuong-Do-2026"
REVOKED = "Các khóa API cá nhân bạn đã tạo trước đó (nếu có) đã bị thu hồi"


def works(token):
    return client_with(token).get("/api/v1/units/").status_code == 200


def refused(token):
    response = client_with(token).get("/api/v1/units/")
    return response.status_code == 401 and response.json()["code"] == "authentication_failed"


@pytest.fixture
def keys(world, personas, token_for, service):
    """officer_a's personal key, another persona's, and a service account key officer_a issued."""
    _account, service_client = service("A", can_write=False, by="officer_a")
    return {"own": token_for("officer_a"), "other": token_for("leader_a"), "service": service_client}


def test_changing_ones_password_revokes_ones_keys_and_says_so(client, personas, keys, token_for):
    client.force_login(personas["officer_a"])
    response = client.post(reverse("password_change"), {"old_password": "Mat-khau-2026",
                                                        "new_password1": NEW_PASSWORD,
                                                        "new_password2": NEW_PASSWORD}, follow=True)
    assert response.status_code == 200 and REVOKED in response.content.decode()
    assert refused(keys["own"])
    assert works(keys["other"]) and keys["service"].get("/api/v1/units/").status_code == 200
    assert works(token_for("officer_a")), "a key issued after the change works"


def test_the_key_page_says_which_keys_the_change_of_password_revoked(client, personas, keys, token_for):
    client.force_login(personas["officer_a"])
    client.post(reverse("password_change"), {"old_password": "Mat-khau-2026", "new_password1": NEW_PASSWORD,
                                             "new_password2": NEW_PASSWORD})
    token_for("officer_a")
    page = client.get(reverse("api:token_list")).content.decode()
    assert page.count("Đã thu hồi khi đổi mật khẩu") == 1 and page.count(">Thu hồi</button>") == 1
    assert ApiToken.objects.filter(user=personas["officer_a"]).active().count() == 1


def test_a_password_reset_from_the_mailed_link_revokes_the_keys(client, personas, keys):
    officer = personas["officer_a"]
    uid, token = urlsafe_base64_encode(force_bytes(officer.pk)), default_token_generator.make_token(officer)
    opened = client.get(reverse("password_reset_confirm", args=[uid, token]), follow=True)
    form_url = opened.redirect_chain[-1][0]
    response = client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}, follow=True)
    assert "Đã đặt mật khẩu" in response.content.decode() and REVOKED in response.content.decode()
    assert refused(keys["own"]) and works(keys["other"])


def test_a_temporary_password_an_administrator_sets_revokes_the_accounts_keys(client, world, tree, personas, token_for):
    unit_admin = create_account(username="quantri.a", full_name="Quản Trị A", email="", unit=tree["A"],
                                role=Role.UNIT_ADMIN, by=None)
    teacher = create_account(username="giaovien.a1", full_name="Đỗ Thị Mai", email="", unit=tree["A-TH1"],
                             role=Role.SCHOOL_STAFF, password="Tam-thoi-2026", by=unit_admin)
    _, own = issue_token(user=teacher, name="Bảng tính", can_write=False, by=teacher)
    other = token_for("principal_a")
    client.force_login(unit_admin)
    page = client.post(reverse("units:account_set_password", args=[teacher.pk])).content.decode()
    assert 'id="api-keys-revoked"' in page and "Các khóa API cá nhân của tài khoản này" in page
    assert refused(own) and works(other)


def test_the_admin_sites_change_of_password_revokes_the_keys(client, personas, keys):
    client.force_login(personas["admin"])
    url = reverse("admin:auth_user_password_change", args=[personas["officer_a"].pk])
    response = client.post(url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert refused(keys["own"]) and works(keys["other"])


def test_the_admin_sites_change_of_ones_own_password_is_the_portals_page_and_revokes_the_keys(client, personas,
                                                                                            token_for):
    """A superuser changing their own password from the admin site (its "Đổi mật khẩu" link): until 28/11/2026 the
    admin's own form changed it and kept every key working; the link now leads to the portal's page, which records it."""
    admin = personas["admin"]
    admin.set_password("Mat-khau-2026")
    admin.save(update_fields=["password"])
    key = token_for("admin")
    client.force_login(admin)
    assert client.get(reverse("admin:password_change")).url == reverse("password_change")
    asked = client.post(reverse("admin:password_change"), {"old_password": "Mat-khau-2026",
                                                             "new_password1": NEW_PASSWORD,
                                                             "new_password2": NEW_PASSWORD})
    assert asked.status_code == 302 and asked.url == reverse("password_change")  # nothing changed there
    admin.refresh_from_db()
    assert admin.check_password("Mat-khau-2026")
    response = client.post(asked.url, {"old_password": "Mat-khau-2026", "new_password1": NEW_PASSWORD,
                                       "new_password2": NEW_PASSWORD}, follow=True)
    assert REVOKED in response.content.decode()
    assert refused(key)


def test_a_key_issued_by_a_person_without_a_profile_still_works(personas, world, token_for):
    # accounts made before profiles (a superuser from createsuperuser) have none: no change recorded, nothing revoked
    assert not hasattr(personas["reviewer"], "account_profile")
    assert works(token_for("reviewer"))
