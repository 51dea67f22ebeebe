"""Administrators of the same level never administer each other, at the Sở as at a ward (audit: an administrator
of the Sở GD&ĐT, whose scope is the province, took over the account of another of the Sở's administrators, since
the Sở itself lay "strictly below" the province). An administrator's role, and the accounts holding one, are
administered only from a scope strictly larger; nor does an administrator give an administrator's role at its own
level, by the form, the Excel list or the action."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from tests.factories import make_user
from units import access
from units.account_import import SHEET, read_accounts
from units.accounts import create_account, grant_role
from units.forms import AccountCreateForm, RoleGrantForm
from units.models import AccountProfile, AdminEvent, Membership, Role

User = get_user_model()


def url(name, user, *extra):
    return reverse(f"units:{name}", args=[user.pk, *extra])


def own_password(account, password="Rieng-cua-toi-2026"):
    account.set_password(password)
    account.save()
    AccountProfile.objects.update_or_create(user=account, defaults={"must_change_password": False})
    return account


@pytest.fixture
def sgd_peer(tree, admins, personas):
    """A second administrator of the Sở, created by the system administrator, with an address and a password."""
    account = create_account(username="quantri.sgd2", full_name="Phạm Thu Hà", email="ha@sgd.vn", unit=tree["SGDDT"],
                             role=Role.UNIT_ADMIN, by=personas["admin"])
    return own_password(account)


@pytest.fixture
def city_admin(tree, personas):
    """An administrator placed in the city itself: the same scope as the Sở's (the province)."""
    return own_password(make_user("quantri.thanhpho", tree["HP"], Role.UNIT_ADMIN))


def refused_everything(client, actor, target):
    """Every action on `target`'s account is refused to `actor`, and nothing of it changed."""
    client.force_login(actor)
    role = target.memberships.get(role=Role.UNIT_ADMIN)
    before = User.objects.get(pk=target.pk)
    assert client.post(url("account_set_password", target)).status_code == 403
    assert client.get(url("account_edit", target)).status_code == 403
    assert client.post(url("account_edit", target), {"full_name": "Kẻ Chiếm", "email": "x@evil.vn"}).status_code == 403
    assert client.post(url("account_deactivate", target)).status_code == 403
    assert client.post(url("account_reactivate", target)).status_code == 403
    assert client.post(url("account_send_link", target)).status_code == 403
    assert client.post(url("role_revoke", target, role.pk)).status_code == 403
    response = client.post(url("role_grant", target), {"unit": target.memberships.first().unit_id,
                                                       "role": Role.LEADER})
    assert response.status_code == 403
    after = User.objects.get(pk=target.pk)
    assert (after.password, after.email, after.is_active) == (before.password, before.email, True)
    assert Membership.objects.filter(user=target, is_active=True).count() == 1
    assert not AdminEvent.objects.filter(account=target, by=actor).exists()
    # the account's page offers none of it, and says why
    page = client.get(reverse("units:account_detail", args=[target.pk])).content.decode()
    for offered in ("Đặt mật khẩu tạm mới", "Sửa họ tên", "Ngừng tài khoản", "Gửi lại thư đặt mật khẩu",
                    'id="role-grant"', url("role_revoke", target, role.pk)):
        assert offered not in page, offered
    assert 'id="peer-account"' in page


def test_two_administrators_of_the_so_cannot_take_over_each_other(client, admins, sgd_peer):
    refused_everything(client, admins["admin_hp"], sgd_peer)
    refused_everything(client, sgd_peer, own_password(admins["admin_hp"]))


def test_the_city_s_administrator_and_the_so_s_reach_the_same_units_and_are_peers(client, admins, city_admin):
    refused_everything(client, city_admin, own_password(admins["admin_hp"]))
    refused_everything(client, admins["admin_hp"], city_admin)


def test_the_rule_reads_the_reach_of_the_role_not_its_unit(tree, admins, sgd_peer, city_admin):
    sgd_role = sgd_peer.memberships.get()
    assert access.scope_root(sgd_role) == tree["HP"]
    assert not access.can_administer_role(admins["admin_hp"], sgd_role)
    assert not access.can_administer_role(city_admin, sgd_role)
    assert not access.can_change_account(admins["admin_hp"], sgd_peer, [sgd_role])
    assert not access.can_give_roles(admins["admin_hp"], sgd_peer)
    # a ward's administrator is strictly below both
    ward_admin = admins["admin_a"].memberships.get()
    assert access.can_administer_role(admins["admin_hp"], ward_admin)
    assert access.can_administer_role(city_admin, ward_admin)


def test_the_system_administrator_still_changes_the_so_s_administrators(client, personas, sgd_peer):
    client.force_login(personas["admin"])
    assert client.post(url("account_set_password", sgd_peer)).status_code == 200
    role = sgd_peer.memberships.get()
    assert client.post(url("role_revoke", sgd_peer, role.pk)).status_code == 302
    assert not Membership.objects.get(pk=role.pk).is_active


def test_the_so_s_administrator_still_changes_the_so_s_reviewer_and_the_wards(client, admins, personas):
    client.force_login(admins["admin_hp"])
    reviewer = own_password(personas["reviewer"])
    assert client.post(url("account_set_password", reviewer)).status_code == 200
    ward_admin = own_password(admins["admin_a"])
    assert client.post(url("account_set_password", ward_admin)).status_code == 200
    role = ward_admin.memberships.get()
    assert client.post(url("role_revoke", ward_admin, role.pk)).status_code == 302


def test_no_administrator_s_role_is_given_at_one_s_own_level(client, tree, admins, personas):
    sgd, ward = admins["admin_hp"], admins["admin_a"]
    for admin, unit in ((sgd, tree["SGDDT"]), (sgd, tree["HP"]), (ward, tree["A"])):
        form = AccountCreateForm({"username": "moi", "full_name": "Người Mới", "email": "moi@vd.vn", "unit": unit.pk,
                                  "role": Role.UNIT_ADMIN}, admin=admin)
        assert not form.is_valid()
        assert form.errors["role"] == [access.PEER_ADMIN_GRANT_REFUSAL]
        grant = RoleGrantForm({"unit": unit.pk, "role": Role.UNIT_ADMIN}, admin=admin, account=personas["officer_a"])
        assert not grant.is_valid() and grant.errors["role"] == [access.PEER_ADMIN_GRANT_REFUSAL]
        with pytest.raises(ValidationError):
            grant_role(account=personas["officer_a"], unit=unit, role=Role.UNIT_ADMIN, by=admin)
        with pytest.raises(ValidationError):
            create_account(username="moi2", full_name="Người Mới", email="", unit=unit, role=Role.UNIT_ADMIN,
                           password="Tam-thoi-2026", by=admin)
    assert not Membership.objects.filter(user=personas["officer_a"], role=Role.UNIT_ADMIN).exists()
    assert not User.objects.filter(username__in=["moi", "moi2"]).exists()
    # through the page too
    client.force_login(sgd)
    response = client.post(url("role_grant", personas["officer_a"]), {"unit": tree["SGDDT"].pk,
                                                                     "role": Role.UNIT_ADMIN})
    assert response.status_code == 400 and access.PEER_ADMIN_GRANT_REFUSAL in response.content.decode()
    # below its own level it does: the Sở gives a ward its administrator, the ward a school
    assert AccountCreateForm({"username": "moi", "full_name": "Người Mới", "email": "moi@vd.vn", "unit": tree["A"].pk,
                              "role": Role.UNIT_ADMIN}, admin=sgd).is_valid()
    assert RoleGrantForm({"unit": tree["A-TH1"].pk, "role": Role.UNIT_ADMIN}, admin=ward,
                         account=personas["principal_a"]).is_valid()


def _account_list(*rows):
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = SHEET
    sheet.append(["Tên đăng nhập", "Họ và tên", "Thư điện tử", "Mã đơn vị", "Vai trò", "Chức vụ"])
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile("ds.xlsx", buffer.getvalue())


def test_the_excel_list_gives_no_administrator_s_role_at_one_s_own_level(admins):
    labels = {value: label for value, label in Role.choices}
    upload = _account_list(("quantri.sgd3", "Ngô Văn Ba", "ba@sgd.vn", "HP-SGDDT", labels[Role.UNIT_ADMIN], ""),
                           ("quantri.a9", "Lý Thị Chín", "chin@a.vn", "A", labels[Role.UNIT_ADMIN], ""))
    rows, errors = read_accounts(upload, admins["admin_hp"])
    assert rows == []
    assert [str(e) for e in errors] == [f"{SHEET}!E2: {access.PEER_ADMIN_GRANT_REFUSAL}"]


def test_a_peer_administrators_other_roles_are_not_revoked_either(client, tree, admins, sgd_peer, personas):
    # the review of 28/11/2026: the peer's officer role (not an administrator's) could be revoked by the other
    officer = Membership.objects.create(user=sgd_peer, unit=tree["SGDDT"], role=Role.OFFICER)
    client.force_login(admins["admin_hp"])
    page = client.get(reverse("units:account_detail", args=[sgd_peer.pk])).content.decode()
    assert url("role_revoke", sgd_peer, officer.pk) not in page
    assert client.post(url("role_revoke", sgd_peer, officer.pk)).status_code == 403
    assert Membership.objects.get(pk=officer.pk).is_active
