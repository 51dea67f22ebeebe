"""What the audit of the account pages found: an administrator giving itself a role, an account without an
e-mail address left without a way back in, a set-password e-mail offered for a deactivated account, and text
fields refusing a NUL character in English."""

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.urls import reverse

from units import forms as unit_forms
from units.accounts import account_fingerprint, create_account, grant_role
from units.forms import AccountCreateForm, AccountEditForm, RoleGrantForm
from units.models import AccountProfile, AdminEvent, Membership, Role
from units.passwords import MUST_CHANGE

User = get_user_model()
CREATE = reverse("units:account_create")


@pytest.fixture
def without_email(tree, admins):
    # a teacher of A1 with no e-mail address, created with a temporary password she has since changed
    account = create_account(username="giaovien.a1", full_name="Đỗ Thị Mai", email="", unit=tree["A-TH1"],
                             role=Role.SCHOOL_STAFF, password="Tam-thoi-2026", by=admins["admin_a"])
    AccountProfile.objects.filter(user=account).update(must_change_password=False)
    return account


def detail(user):
    return reverse("units:account_detail", args=[user.pk])


def url(name, user):
    return reverse(f"units:{name}", args=[user.pk])


def seen(account):
    """The version of the account its edit page carries (the form posts it back hidden)."""
    return account_fingerprint(User.objects.get(pk=account.pk))


def page_of(response):
    return response.content.decode()


# ---- 1. no role given to one's own account ----


def test_an_administrator_cannot_give_a_role_to_its_own_account(client, admins, tree):
    admin = admins["admin_a"]
    client.force_login(admin)
    response = client.post(url("role_grant", admin), {"unit": tree["A"].pk, "role": Role.LEADER})
    assert response.status_code == 403
    assert "Bạn không thể tự giao vai trò cho tài khoản của mình" in page_of(response)
    assert not admin.memberships.filter(role=Role.LEADER).exists()
    assert not AdminEvent.objects.filter(action=AdminEvent.Action.ROLE_GRANTED).exists()


def test_a_city_administrator_cannot_give_a_role_to_its_own_account_either(client, admins, tree):
    admin = admins["admin_hp"]
    client.force_login(admin)
    response = client.post(url("role_grant", admin), {"unit": tree["HP"].pk, "role": Role.REVIEWER})
    assert response.status_code == 403
    assert set(admin.memberships.values_list("role", flat=True)) == {Role.UNIT_ADMIN}


def test_the_own_account_page_offers_no_role_form_but_says_who_can(client, admins):
    client.force_login(admins["admin_a"])
    page = page_of(client.get(detail(admins["admin_a"])))
    assert 'action="{}"'.format(url("role_grant", admins["admin_a"])) not in page
    assert "Đây là tài khoản của bạn" in page


def test_the_grant_form_and_the_action_refuse_one_s_own_account(admins, tree):
    admin = admins["admin_a"]
    form = RoleGrantForm({"unit": tree["A"].pk, "role": Role.LEADER}, admin=admin, account=admin)
    assert not form.is_valid()
    assert form.non_field_errors() == [
        "Bạn không thể tự giao vai trò cho tài khoản của mình: hãy nhờ quản trị viên cấp trên."]
    with pytest.raises(ValidationError, match="tự giao vai trò"):
        grant_role(account=admin, unit=tree["A"], role=Role.LEADER, by=admin)
    assert not admin.memberships.filter(role=Role.LEADER).exists()


def test_a_system_administrator_still_gives_roles_to_other_accounts(client, personas, tree):
    client.force_login(personas["admin"])
    officer = personas["officer_a"]
    client.post(url("role_grant", officer), {"unit": tree["A"].pk, "role": Role.LEADER})
    assert officer.memberships.filter(unit=tree["A"], role=Role.LEADER, is_active=True).exists()
    # its own account is not on these pages at all (managed in the Django admin)
    assert client.post(url("role_grant", personas["admin"]), {"unit": tree["A"].pk,
                                                              "role": Role.LEADER}).status_code == 404


# ---- 2a. a new temporary password ----


def test_an_administrator_sets_a_temporary_password_shown_once_that_must_be_changed(
        client, admins, without_email):
    client.force_login(admins["admin_a"])
    assert url("account_set_password", without_email) in page_of(client.get(detail(without_email)))
    response = client.post(url("account_set_password", without_email))
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    page = page_of(response)
    password = page.split('<code id="temporary-password">')[1].split("</code>")[0]
    assert len(password) >= 12 and "Hãy báo mật khẩu tạm này cho người dùng" in page
    account = User.objects.get(pk=without_email.pk)
    assert account.check_password(password) and not account.check_password("Tam-thoi-2026")
    assert AccountProfile.objects.get(user=account).must_change_password
    event = AdminEvent.objects.filter(account=account).latest("pk")
    assert (event.action, event.by, event.detail) == (
        AdminEvent.Action.PASSWORD_SET, admins["admin_a"], "Mật khẩu tạm do quản trị viên đặt")
    # the password is not written anywhere else: the account page shows only that one was set
    assert password not in page_of(client.get(detail(account)))

    # the user signs in with it and is sent to change it first
    user = client.__class__()
    assert user.post("/dang-nhap/", {"username": "giaovien.a1", "password": password}).status_code == 302
    assert user.session[MUST_CHANGE] is True
    assert user.get("/").url == reverse("password_change")


def test_setting_a_temporary_password_is_post_only(client, admins, without_email):
    client.force_login(admins["admin_a"])
    assert client.get(url("account_set_password", without_email)).status_code == 405
    assert User.objects.get(pk=without_email.pk).check_password("Tam-thoi-2026")


def test_another_ward_s_administrator_cannot_set_a_password_or_edit_an_account(client, admins, without_email):
    client.force_login(admins["admin_b"])
    assert client.post(url("account_set_password", without_email)).status_code == 404
    assert client.get(url("account_edit", without_email)).status_code == 404
    assert client.post(url("account_edit", without_email), {"full_name": "X Y", "email": "x@b.vn"}).status_code == 404
    account = User.objects.get(pk=without_email.pk)
    assert account.check_password("Tam-thoi-2026") and account.email == ""


@pytest.mark.parametrize("persona", ["officer_a", "leader_a", "principal_a"])
def test_an_account_without_the_administrator_role_cannot_set_a_password(client, personas, without_email, persona):
    client.force_login(personas[persona])
    assert client.post(url("account_set_password", without_email)).status_code == 403
    assert User.objects.get(pk=without_email.pk).check_password("Tam-thoi-2026")


def test_no_temporary_password_for_one_s_own_account_nor_one_serving_another_ward(
        client, admins, personas, tree, without_email):
    client.force_login(admins["admin_a"])
    response = client.post(url("account_set_password", admins["admin_a"]))
    assert response.status_code == 403 and "tài khoản của bạn" in page_of(response)
    Membership.objects.create(user=without_email, unit=tree["B-MN"], role=Role.SCHOOL_STAFF)
    assert client.post(url("account_set_password", without_email)).status_code == 403
    assert url("account_set_password", without_email) not in page_of(client.get(detail(without_email)))
    assert User.objects.get(pk=without_email.pk).check_password("Tam-thoi-2026")


def test_no_temporary_password_for_a_deactivated_account(client, admins, without_email):
    User.objects.filter(pk=without_email.pk).update(is_active=False)
    client.force_login(admins["admin_a"])
    page = page_of(client.post(url("account_set_password", without_email), follow=True))
    assert "Tài khoản đã ngừng: hãy mở lại tài khoản trước." in page
    assert User.objects.get(pk=without_email.pk).check_password("Tam-thoi-2026")


# ---- 2b. e-mail address and full name ----


def test_an_administrator_gives_an_account_an_e_mail_address_and_the_change_is_logged(
        client, admins, without_email, mailoutbox):
    client.force_login(admins["admin_a"])
    page = page_of(client.get(detail(without_email)))
    assert url("account_edit", without_email) in page and "Gửi lại thư đặt mật khẩu" not in page
    form_page = page_of(client.get(url("account_edit", without_email)))
    assert 'value="Đỗ Thị Mai"' in form_page and 'class="button"' in form_page
    response = client.post(url("account_edit", without_email),
                           {"full_name": "Đỗ Thị Thanh Mai", "email": " Mai.Do@TruongA1.edu.vn ",
                            "seen": seen(without_email)}, follow=True)
    account = User.objects.get(pk=without_email.pk)
    assert (account.get_full_name(), account.email) == ("Đỗ Thị Thanh Mai", "mai.do@truonga1.edu.vn")
    page = page_of(response)
    assert "Đã cập nhật tài khoản giaovien.a1." in page and "Gửi lại thư đặt mật khẩu" in page
    assert "Sửa thông tin tài khoản" in page
    assert "Thư điện tử: (chưa có) → mai.do@truonga1.edu.vn" in page
    event = AdminEvent.objects.filter(account=account).latest("pk")
    assert event.by == admins["admin_a"]
    assert event.detail == ("Họ và tên: Đỗ Thị Mai → Đỗ Thị Thanh Mai; "
                            "Thư điện tử: (chưa có) → mai.do@truonga1.edu.vn")
    assert mailoutbox == []  # nothing sent until the administrator asks


def test_editing_refuses_an_address_of_another_account_and_a_bad_one(client, admins, personas, without_email):
    User.objects.filter(pk=personas["officer_a"].pk).update(email="canbo@phuonga.gov.vn")
    client.force_login(admins["admin_a"])
    events = AdminEvent.objects.count()
    page = page_of(client.post(url("account_edit", without_email), {"full_name": "Đỗ Thị Mai", "seen": seen(without_email),
                                                                     "email": "CanBo@phuonga.gov.vn"}))
    assert "Địa chỉ canbo@phuonga.gov.vn đã thuộc một tài khoản khác." in page
    page = page_of(client.post(url("account_edit", without_email), {"full_name": "", "email": "khong-hop-le",
                                                                     "seen": seen(without_email)}))
    assert "Địa chỉ thư điện tử không hợp lệ." in page and "Hãy nhập họ và tên." in page
    assert User.objects.get(pk=without_email.pk).email == "" and AdminEvent.objects.count() == events


def test_an_account_keeps_its_own_address_and_an_unchanged_form_logs_nothing(client, admins, personas):
    officer = personas["officer_a"]
    User.objects.filter(pk=officer.pk).update(email="canbo@phuonga.gov.vn", first_name="Lê", last_name="Hùng")
    client.force_login(admins["admin_a"])
    page = page_of(client.post(url("account_edit", officer), {"full_name": "Lê Hùng", "seen": seen(officer),
                                                              "email": "canbo@phuonga.gov.vn"}, follow=True))
    assert "Không có thay đổi nào." in page and not AdminEvent.objects.exists()


def test_no_edit_of_one_s_own_account_here(client, admins):
    client.force_login(admins["admin_a"])
    assert client.get(url("account_edit", admins["admin_a"])).status_code == 403
    assert client.post(url("account_edit", admins["admin_a"]), {"full_name": "Quản Trị",
                                                               "email": "qt@a.vn"}).status_code == 403
    assert User.objects.get(pk=admins["admin_a"].pk).email == ""


def test_the_edit_form_refuses_a_nul_character_in_vietnamese(admins, without_email):
    form = AccountEditForm({"full_name": "Đỗ\x00Mai", "email": ""}, account=without_email)
    assert not form.is_valid()
    assert form.errors["full_name"] == ["Nội dung có ký tự không hợp lệ (ký tự NUL); hãy gõ lại."]


# ---- 3. no set-password e-mail for a deactivated account ----


def test_a_deactivated_account_is_offered_no_set_password_e_mail(client, admins, personas, mailoutbox):
    principal = personas["principal_a"]
    User.objects.filter(pk=principal.pk).update(email="hieutruong@a1.edu.vn", is_active=False)
    client.force_login(admins["admin_a"])
    assert "Gửi lại thư đặt mật khẩu" not in page_of(client.get(detail(principal)))
    page = page_of(client.post(url("account_send_link", principal), follow=True))
    assert "Tài khoản đã ngừng: hãy mở lại tài khoản trước khi gửi thư đặt mật khẩu." in page
    assert mailoutbox == [] and not AdminEvent.objects.filter(action=AdminEvent.Action.PASSWORD_LINK_SENT).exists()
    User.objects.filter(pk=principal.pk).update(is_active=True)
    assert "Gửi lại thư đặt mật khẩu" in page_of(client.get(detail(principal)))


# ---- 4. cancel links a finger can hit ----


def test_the_cancel_links_of_the_account_forms_are_buttons(client, admins, personas):
    client.force_login(admins["admin_a"])
    cancel = f'<a class="button" href="{reverse("units:account_list")}">Hủy</a>'
    assert cancel in page_of(client.get(CREATE))
    officer = personas["officer_a"]
    assert f'<a class="button" href="{detail(officer)}">Hủy</a>' in page_of(client.get(url("account_edit", officer)))


# ---- NUL characters refused in Vietnamese ----


NUL_MESSAGE = "Nội dung có ký tự không hợp lệ (ký tự NUL); hãy gõ lại."


def test_every_text_field_of_the_admin_forms_refuses_nul_in_vietnamese(admins, tree):
    form = AccountCreateForm({"username": "a\x00b", "full_name": "Lê\x00Văn", "email": "", "unit": tree["A"].pk,
                              "role": Role.OFFICER, "title": "x\x00", "password": "Mat\x00khau-2026-x"},
                             admin=admins["admin_a"])
    assert not form.is_valid()
    for field in ("username", "full_name", "title", "password"):
        assert NUL_MESSAGE in form.errors[field], field
        assert "Null characters are not allowed." not in form.errors[field], field


def test_no_plain_char_field_is_left_in_the_units_forms():
    import django.forms

    checked = 0
    for name in dir(unit_forms):
        form = getattr(unit_forms, name)
        if isinstance(form, type) and issubclass(form, django.forms.BaseForm) and form.__module__ == "units.forms":
            checked += 1
            for field_name, field in form.base_fields.items():
                if isinstance(field, django.forms.CharField):
                    messages = [getattr(v, "message", "") for v in field.validators]
                    assert NUL_MESSAGE in messages, f"{name}.{field_name}"
    assert checked >= 9  # the account, role, unit and password reset forms


def test_a_name_corrected_keeps_an_address_stored_in_capitals_and_the_link_already_sent(client, admins, personas):
    from django.contrib.auth.tokens import default_token_generator

    officer = personas["officer_a"]
    User.objects.filter(pk=officer.pk).update(email="Lan.Nguyen@PhuongA.gov.vn", first_name="Lê", last_name="Hùng")
    officer.refresh_from_db()
    token = default_token_generator.make_token(officer)
    client.force_login(admins["admin_a"])
    client.post(url("account_edit", officer), {"full_name": "Lê Văn Hùng", "email": "lan.nguyen@phuonga.gov.vn",
                                               "seen": seen(officer)})
    officer.refresh_from_db()
    assert officer.email == "Lan.Nguyen@PhuongA.gov.vn" and officer.get_full_name() == "Lê Văn Hùng"
    assert default_token_generator.check_token(officer, token)  # the set-password link sent still works
    assert list(AdminEvent.objects.values_list("detail", flat=True)) == ["Họ và tên: Lê Hùng → Lê Văn Hùng"]


def test_an_address_longer_than_the_column_is_refused_not_a_server_error(admins, without_email):
    address = "a" * 64 + "@" + ".".join(["b" * 60] * 4) + ".vn"  # valid, 311 characters; auth_user.email holds 254
    form = AccountEditForm({"full_name": "Đỗ Mai", "email": address}, account=without_email)
    assert not form.is_valid() and form.errors["email"] == ["Địa chỉ thư điện tử dài quá 254 ký tự."]
    create = AccountCreateForm({"username": "dm", "full_name": "Đỗ Mai", "email": address}, admin=admins["admin_a"])
    assert "Địa chỉ thư điện tử dài quá 254 ký tự." in create.errors["email"]


# ---- a peer administrator's account is changed from above ----


@pytest.fixture
def peer(tree, admins):
    """A second administrator of phường A, created by the city's administrator, with a password of her own."""
    account = create_account(username="quantri.a2", full_name="Lê Thị Hoa", email="hoa@a.vn", unit=tree["A"],
                             role=Role.UNIT_ADMIN, password="Rieng-cua-Hoa-2026", by=admins["admin_hp"])
    AccountProfile.objects.filter(user=account).update(must_change_password=False)
    return account


def test_a_peer_administrator_cannot_take_over_or_lock_out_the_other(client, admins, peer):
    client.force_login(admins["admin_a"])
    assert client.post(url("account_set_password", peer)).status_code == 403
    assert client.get(url("account_edit", peer)).status_code == 403
    assert client.post(url("account_edit", peer), {"full_name": "Lê Thị Hoa", "email": "quantri.a@a.vn"}).status_code == 403
    assert client.post(reverse("units:account_deactivate", args=[peer.pk])).status_code == 403
    role = peer.memberships.get(role=Role.UNIT_ADMIN)
    response = client.post(reverse("units:role_revoke", args=[peer.pk, role.pk]))
    assert response.status_code == 403
    assert "do quản trị viên cấp trên thu hồi" in page_of(response)
    account = User.objects.get(pk=peer.pk)
    assert account.check_password("Rieng-cua-Hoa-2026") and account.email == "hoa@a.vn" and account.is_active
    assert Membership.objects.get(pk=role.pk).is_active
    assert not AdminEvent.objects.filter(account=peer, by=admins["admin_a"]).exists()
    # her page says nothing can be done from here, and offers no button that would be refused
    page = page_of(client.get(detail(peer)))
    assert "Đặt mật khẩu tạm mới" not in page and "Sửa họ tên" not in page
    assert f'action="{reverse("units:role_revoke", args=[peer.pk, role.pk])}"' not in page


def test_the_administrator_above_still_changes_a_ward_administrator(client, admins, peer):
    client.force_login(admins["admin_hp"])
    response = client.post(url("account_set_password", peer))
    assert response.status_code == 200
    assert not User.objects.get(pk=peer.pk).check_password("Rieng-cua-Hoa-2026")
    role = peer.memberships.get(role=Role.UNIT_ADMIN)
    assert client.post(reverse("units:role_revoke", args=[peer.pk, role.pk])).status_code == 302
    assert not Membership.objects.get(pk=role.pk).is_active


def test_a_ward_administrator_still_changes_the_officers_of_its_ward(client, admins, personas, tree):
    officer = create_account(username="canbo.a2", full_name="Trần Văn Bình", email="", unit=tree["A"],
                             role=Role.OFFICER, password="Tam-thoi-2026", by=admins["admin_a"])
    client.force_login(admins["admin_a"])
    assert client.post(url("account_set_password", officer)).status_code == 200
    role = officer.memberships.get()
    assert client.post(reverse("units:role_revoke", args=[officer.pk, role.pk])).status_code == 302
