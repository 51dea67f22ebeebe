"""The account administration pages: a unit's administrator manages the accounts of its subtree only."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from tests.factories import make_user
from units import access
from units.models import AccountProfile, AdminEvent, Membership, Role

User = get_user_model()
LIST = reverse("units:account_list")
CREATE = reverse("units:account_create")


def detail(user):
    return reverse("units:account_detail", args=[user.pk])


def page_of(response):
    return response.content.decode()


def test_a_ward_administrator_lists_the_accounts_of_its_ward_and_schools(client, personas, admins):
    client.force_login(admins["admin_a"])
    page = page_of(client.get(LIST))
    for username in ("officer_a", "principal_a", "leader_a", "quantri.a"):
        assert f">{username}</a>" in page
    for username in ("officer_b", "principal_b", "reviewer", "quantri.b", "quantri.sgd", ">admin<"):
        assert username not in page
    assert "Cán bộ trường · Trường Tiểu học A1" in page


def test_a_province_administrator_lists_the_whole_city_but_not_system_administrators(client, personas, admins, tree):
    make_user("sysadmin", tree["HP"], Role.ADMIN)
    client.force_login(admins["admin_hp"])
    page = page_of(client.get(LIST))
    for username in ("officer_a", "principal_a", "officer_b", "principal_b", "reviewer", "quantri.b"):
        assert f">{username}</a>" in page
    assert ">admin</a>" not in page and ">sysadmin</a>" not in page


@pytest.mark.parametrize("persona", ["officer_a", "leader_a", "principal_a", "reviewer", "nobody"])
def test_an_account_without_the_administrator_role_is_refused_every_admin_page(client, personas, admins, persona):
    client.force_login(personas[persona])
    for url in (LIST, CREATE, reverse("units:account_import"), reverse("units:account_import_template")):
        response = client.get(url)
        assert response.status_code == 403, url
        assert "quản trị viên tài khoản" in page_of(response)
    # an account the persona reads is refused (403); one outside what it reads is not revealed (404)
    expected = 404 if persona == "nobody" else 403
    assert client.get(detail(personas["principal_a"])).status_code == expected
    response = client.post(reverse("units:account_deactivate", args=[personas["principal_a"].pk]))
    assert response.status_code == expected
    assert client.get(detail(personas["principal_b"])).status_code == (403 if persona == "reviewer" else 404)
    assert User.objects.get(pk=personas["principal_a"].pk).is_active


def test_the_administrator_of_b_cannot_see_or_change_an_account_of_a(client, personas, admins, tree):
    client.force_login(admins["admin_b"])
    principal = personas["principal_a"]
    assert client.get(detail(principal)).status_code == 404
    assert client.post(reverse("units:account_deactivate", args=[principal.pk])).status_code == 404
    assert client.post(reverse("units:role_grant", args=[principal.pk]),
                       {"unit": tree["B-MN"].pk, "role": Role.SCHOOL_STAFF}).status_code == 404
    membership = principal.memberships.get()
    assert client.post(reverse("units:role_revoke", args=[principal.pk, membership.pk])).status_code == 404
    assert Membership.objects.get(pk=membership.pk).is_active
    assert not AdminEvent.objects.exists()


def test_the_administrator_of_b_cannot_give_a_role_in_a_to_its_own_account(client, personas, admins, tree):
    client.force_login(admins["admin_b"])
    principal_b = personas["principal_b"]
    response = client.post(reverse("units:role_grant", args=[principal_b.pk]),
                           {"unit": tree["A-TH1"].pk, "role": Role.SCHOOL_STAFF}, follow=True)
    assert "Đơn vị không thuộc phạm vi bạn quản trị." in page_of(response)
    assert not principal_b.memberships.filter(unit=tree["A-TH1"]).exists()


def test_a_role_outside_the_administrators_scope_is_neither_revoked_nor_is_the_account_deactivated(
        client, personas, admins, tree):
    # a principal of A who also serves in B's preschool: A's administrator shares the account with B's
    principal = personas["principal_a"]
    in_b = Membership.objects.create(user=principal, unit=tree["B-MN"], role=Role.SCHOOL_STAFF)
    client.force_login(admins["admin_a"])
    page = page_of(client.get(detail(principal)))
    assert "Ngừng tài khoản" not in page
    response = client.post(reverse("units:role_revoke", args=[principal.pk, in_b.pk]))
    assert response.status_code == 403 and "ngoài phạm vi bạn quản trị" in page_of(response)
    response = client.post(reverse("units:account_deactivate", args=[principal.pk]))
    assert response.status_code == 403
    assert User.objects.get(pk=principal.pk).is_active and Membership.objects.get(pk=in_b.pk).is_active


def test_the_list_runs_a_fixed_number_of_queries_whatever_the_number_of_accounts(
        client, personas, admins, tree, django_assert_max_num_queries):
    client.force_login(admins["admin_hp"])
    client.get(LIST)
    # session, the user with its memberships (nav), count, page of accounts with profiles and home units, their roles
    with django_assert_max_num_queries(6):
        few = client.get(LIST)
    for n in range(12):
        user = make_user(f"giaovien.{n}", tree["A-TH1"] if n % 2 else tree["B-MN"], Role.SCHOOL_STAFF)
        Membership.objects.create(user=user, unit=tree["A"], role=Role.LEADER)
    with django_assert_max_num_queries(6):
        many = client.get(LIST)
    assert page_of(few).count('<tr id="account-') < page_of(many).count('<tr id="account-') == 21


def test_the_list_searches_and_pages(client, personas, admins, tree, monkeypatch):
    monkeypatch.setattr("units.views_accounts.ACCOUNTS_PER_PAGE", 3)
    personas["principal_a"].first_name, personas["principal_a"].last_name = "Nguyễn Thị", "Hoa"
    personas["principal_a"].save(update_fields=["first_name", "last_name"])
    client.force_login(admins["admin_a"])
    page = page_of(client.get(LIST, {"q": "hoa"}))
    assert ">principal_a</a>" in page and ">officer_a</a>" not in page
    first = page_of(client.get(LIST))
    assert first.count('<tr id="account-') == 3 and "Trang 1/2 (4 tài khoản)" in first
    assert page_of(client.get(LIST, {"page": 2})).count('<tr id="account-') == 1


def test_an_administrator_creates_an_account_that_receives_an_absolute_set_password_link(
        client, personas, admins, tree, mailoutbox, settings):
    settings.PORTAL_URL = "https://nq71.haiphong.gov.vn"
    client.force_login(admins["admin_a"])
    response = client.post(CREATE, {"username": "hieutruong.a2", "full_name": "Trần Văn Bình",
                                    "email": "Binh@TruongA2.edu.vn", "unit": tree["A-THCS"].pk,
                                    "role": Role.SCHOOL_STAFF, "title": "Hiệu trưởng"}, follow=True)
    account = User.objects.get(username="hieutruong.a2")
    assert (account.get_full_name(), account.email, account.has_usable_password()) == (
        "Trần Văn Bình", "binh@truonga2.edu.vn", False)
    assert account.memberships.get().unit == tree["A-THCS"]
    assert account.account_profile.home_unit == tree["A-THCS"]
    page = page_of(response)
    assert "Đã tạo tài khoản hieutruong.a2 và gửi thư đặt mật khẩu tới binh@truonga2.edu.vn." in page
    assert "Tạo tài khoản" in page and "Gửi thư đặt mật khẩu" in page and "quantri.a" in page
    (mail,) = mailoutbox
    assert mail.to == ["binh@truonga2.edu.vn"] and "Tên đăng nhập: hieutruong.a2" in mail.body
    link = next(line for line in mail.body.splitlines() if "/dat-mat-khau/" in line)
    assert link.startswith("https://nq71.haiphong.gov.vn/dat-mat-khau/")
    assert "https://nq71.haiphong.gov.vn/dang-nhap/" in mail.body


def test_creating_an_account_refuses_a_unit_outside_the_scope_and_a_school_role_outside_a_school(
        client, personas, admins, tree, mailoutbox):
    client.force_login(admins["admin_b"])
    base = {"username": "moi", "full_name": "Lê Văn Cường", "email": "cuong@example.vn"}
    page = page_of(client.post(CREATE, {**base, "unit": tree["A-TH1"].pk, "role": Role.SCHOOL_STAFF}))
    assert "Đơn vị không thuộc phạm vi bạn quản trị." in page
    page = page_of(client.post(CREATE, {**base, "unit": tree["B"].pk, "role": Role.SCHOOL_STAFF}))
    assert "Vai trò cán bộ trường chỉ gán cho một trường học." in page
    page = page_of(client.post(CREATE, {**base, "unit": tree["B"].pk, "role": Role.ADMIN}))
    assert "Vai trò không hợp lệ." in page
    page = page_of(client.post(CREATE, {**base, "email": "", "unit": tree["B"].pk, "role": Role.OFFICER}))
    assert "Hãy nhập thư điện tử (để gửi thư đặt mật khẩu) hoặc một mật khẩu tạm." in page
    page = page_of(client.post(CREATE, {**base, "username": "officer_b", "unit": tree["B"].pk, "role": "officer"}))
    assert "Tên đăng nhập “officer_b” đã có người dùng." in page
    assert not User.objects.filter(username="moi").exists() and mailoutbox == []


def test_giving_and_taking_a_role_is_recorded_and_shown(client, personas, admins, tree):
    client.force_login(admins["admin_a"])
    officer = personas["officer_a"]
    client.post(reverse("units:role_grant", args=[officer.pk]),
                {"unit": tree["A-VHXH"].pk, "role": Role.OFFICER, "title": "Chuyên viên"})
    granted = officer.memberships.get(unit=tree["A-VHXH"])
    page = page_of(client.post(reverse("units:role_grant", args=[officer.pk]),
                               {"unit": tree["A-VHXH"].pk, "role": Role.OFFICER}, follow=True))
    assert "Tài khoản đã có vai trò này tại đơn vị này." in page
    response = client.post(reverse("units:role_revoke", args=[officer.pk, granted.pk]), follow=True)
    granted.refresh_from_db()
    assert not granted.is_active  # kept, inactive: what the person did keeps its author
    page = page_of(response)
    assert "Đã thu hồi vai trò Cán bộ phụ trách tại Phòng Văn hóa - Xã hội phường A." in page
    assert page.count("quantri.a") >= 2 and "Giao vai trò" in page and "Thu hồi vai trò" in page
    assert list(AdminEvent.objects.order_by("pk").values_list("action", "by__username")) == [
        ("role_granted", "quantri.a"), ("role_revoked", "quantri.a")]
    assert access.roles_of(User.objects.get(pk=officer.pk)) == {Role.OFFICER}


def test_deactivating_stops_sign_in_and_reactivating_restores_it_nothing_deleted(client, personas, admins):
    client.force_login(admins["admin_a"])
    principal = personas["principal_a"]
    page = page_of(client.post(reverse("units:account_deactivate", args=[principal.pk]), follow=True))
    assert "Đã ngừng tài khoản principal_a." in page and "Ngừng tài khoản" in page and "Mở lại tài khoản" in page
    assert not User.objects.get(pk=principal.pk).is_active
    other = client.__class__()
    assert other.post("/dang-nhap/", {"username": "principal_a", "password": "Mat-khau-2026"}).status_code == 200
    client.post(reverse("units:account_reactivate", args=[principal.pk]))
    assert User.objects.get(pk=principal.pk).is_active
    assert other.post("/dang-nhap/", {"username": "principal_a", "password": "Mat-khau-2026"}).status_code == 302
    assert list(AdminEvent.objects.order_by("pk").values_list("action", flat=True)) == [
        "account_deactivated", "account_reactivated"]


def test_an_administrator_cannot_deactivate_its_own_account(client, admins):
    client.force_login(admins["admin_a"])
    assert client.post(reverse("units:account_deactivate", args=[admins["admin_a"].pk])).status_code == 403
    assert User.objects.get(pk=admins["admin_a"].pk).is_active


def test_an_account_without_roles_stays_with_the_unit_that_created_it(client, personas, admins, tree):
    client.force_login(admins["admin_a"])
    client.post(CREATE, {"username": "tam", "full_name": "Phạm Tâm", "email": "tam@example.vn",
                         "unit": tree["A-TH1"].pk, "role": Role.SCHOOL_STAFF})
    account = User.objects.get(username="tam")
    client.post(reverse("units:role_revoke", args=[account.pk, account.memberships.get().pk]))
    assert ">tam</a>" in page_of(client.get(LIST))
    client.force_login(admins["admin_b"])
    assert ">tam</a>" not in page_of(client.get(LIST))
    assert AccountProfile.objects.get(user=account).home_unit == tree["A-TH1"]


def test_the_detail_page_runs_a_fixed_number_of_queries(client, personas, admins, tree, django_assert_max_num_queries):
    principal = personas["principal_a"]
    client.force_login(admins["admin_a"])
    client.post(reverse("units:role_grant", args=[principal.pk]), {"unit": tree["A-THCS"].pk, "role": "school_staff"})
    # session, the user with its memberships, the account, its roles, its events, the unit choices of the grant form,
    # the "Quên mật khẩu" mails of the day (counted apart from the events)
    with django_assert_max_num_queries(8):
        few = client.get(detail(principal))
    for unit in ("A", "A-VHXH"):
        client.post(reverse("units:role_grant", args=[principal.pk]), {"unit": tree[unit].pk, "role": "leader"})
    with django_assert_max_num_queries(8):
        many = client.get(detail(principal))
    assert page_of(few).count('<tr id="role-') == 2 and page_of(many).count('<tr id="role-') == 4


def test_the_menu_offers_the_accounts_page_to_administrators_only(client, personas, admins):
    client.force_login(admins["admin_a"])
    assert f'href="{LIST}"' in page_of(client.get(reverse("password_change")))
    client.force_login(personas["officer_a"])
    assert f'href="{LIST}"' not in page_of(client.get(reverse("password_change")))


def test_an_account_created_meanwhile_by_another_administrator_is_refused_in_vietnamese(
        client, personas, admins, tree, monkeypatch, mailoutbox):
    """Two administrators create the same principal at once: the form of the second was checked before the first
    was saved. Its save is refused with the fields as typed, nothing half-created (no second account differing
    only in case, no 500)."""
    import units.views_accounts as views

    saved = views.create_account

    def the_other_one_saved_first(**kwargs):
        saved(username="HieuTruong.A2", full_name="Trần Văn Bình", email="khac@a2.edu.vn", unit=tree["A-THCS"],
              role=Role.SCHOOL_STAFF, by=admins["admin_a"])
        return saved(**kwargs)

    monkeypatch.setattr(views, "create_account", the_other_one_saved_first)
    client.force_login(admins["admin_a"])
    response = client.post(CREATE, {"username": "hieutruong.a2", "full_name": "Trần Văn Bình",
                                    "email": "binh@a2.edu.vn", "unit": tree["A-THCS"].pk,
                                    "role": Role.SCHOOL_STAFF, "title": "Hiệu trưởng"})
    assert response.status_code == 200
    page = page_of(response)
    assert "Tên đăng nhập “hieutruong.a2” vừa được tạo cho một tài khoản khác" in page
    assert 'value="binh@a2.edu.vn"' in page
    assert list(User.objects.filter(username__iexact="hieutruong.a2").values_list("username", flat=True)) == [
        "HieuTruong.A2"]
    assert mailoutbox == []


def test_the_same_login_saved_at_the_same_moment_is_refused_not_a_server_error(tree, admins, monkeypatch):
    """The check passes for both, the database's unique key refuses the second: said in Vietnamese, nothing kept."""
    from django.core.exceptions import ValidationError

    from units import accounts

    User.objects.create(username="canbo.moi")
    monkeypatch.setattr(accounts, "_check_still_free", lambda username, email: None)  # the first not yet visible
    with pytest.raises(ValidationError, match="vừa được tạo cho một tài khoản khác"):
        accounts.create_account(username="canbo.moi", full_name="Lê Văn A", email="", unit=tree["A"],
                                role=Role.OFFICER, by=admins["admin_a"], password="Tam@2026-xyz")
    assert not AccountProfile.objects.filter(user__username="canbo.moi").exists()
    assert not Membership.objects.filter(user__username="canbo.moi").exists()


def test_the_same_login_in_another_case_saved_at_the_same_moment_is_refused(tree, admins, monkeypatch):
    """Two administrators saving "HieuTruong.A2" and "hieutruong.a2" at once both pass the check: the database keeps
    one login whatever its case (units migration 0006), and the second is refused in Vietnamese."""
    from django.core.exceptions import ValidationError

    from units import accounts

    User.objects.create(username="HieuTruong.A2")
    monkeypatch.setattr(accounts, "_check_still_free", lambda username, email: None)  # the first not yet visible
    with pytest.raises(ValidationError, match="vừa được tạo cho một tài khoản khác"):
        accounts.create_account(username="hieutruong.a2", full_name="Lê Văn A", email="", unit=tree["A"],
                                role=Role.OFFICER, by=admins["admin_a"], password="Tam@2026-xyz")
    assert list(User.objects.filter(username__iexact="hieutruong.a2").values_list("username", flat=True)) == [
        "HieuTruong.A2"]


def test_the_same_role_given_by_two_administrators_at_once_is_refused_not_a_server_error(
        client, personas, admins, tree, monkeypatch):
    """Both forms found no such role; the second save meets the first's row under the unique key: told in
    Vietnamese on the account's page (400), not a server error."""
    import units.views_accounts as views

    account = personas["officer_a"]
    saved = views.grant_role

    real_save = Membership.save

    def the_other_ones_row_lands_first(self, *args, **kwargs):  # after every check, before this insert
        Membership.objects.bulk_create([Membership(user=account, unit=tree["A"], role=Role.LEADER)])
        return real_save(self, *args, **kwargs)

    def the_other_one_first(**kwargs):
        monkeypatch.setattr(Membership, "save", the_other_ones_row_lands_first)
        return saved(**kwargs)

    monkeypatch.setattr(views, "grant_role", the_other_one_first)
    client.force_login(admins["admin_a"])
    response = client.post(reverse("units:role_grant", args=[account.pk]),
                           {"unit": tree["A"].pk, "role": Role.LEADER, "title": "Phó Chủ tịch"})
    assert response.status_code == 400
    assert "Tài khoản vừa được giao vai trò này tại đơn vị này (có thể do một quản trị viên khác)." in page_of(response)
    # nothing of this grant kept (the other administrator's row, simulated inside this save, goes with it here)
    assert not AdminEvent.objects.filter(action="role_granted", account=account).exists()


def test_a_school_opening_next_school_year_gets_its_principals_account_before_it_opens(
        client, personas, admins, tree, mailoutbox):
    """A school added with its opening date ahead: its principal's account is made in August, not on the first
    day of school; a closed school is still refused."""
    from datetime import timedelta

    from django.utils import timezone

    from tests.factories import make_unit

    today = timezone.localdate()
    new = make_unit("A-TH-MOI", "Trường Tiểu học A mới", "school", tree["A"], levels=["th"],
                    valid_from=today + timedelta(days=30))
    closed = make_unit("A-TH-CU", "Trường Tiểu học A cũ", "school", tree["A"], levels=["th"],
                       valid_from=today - timedelta(days=900), valid_to=today - timedelta(days=1))
    client.force_login(admins["admin_a"])
    assert "Trường Tiểu học A mới" in page_of(client.get(CREATE))
    response = client.post(CREATE, {"username": "hieutruong.moi", "full_name": "Phạm Thị Lan", "email": "lan@moi.vn",
                                    "unit": new.pk, "role": Role.SCHOOL_STAFF, "title": "Hiệu trưởng"})
    assert response.status_code == 302
    assert User.objects.get(username="hieutruong.moi").memberships.get().unit == new
    page = page_of(client.post(CREATE, {"username": "hieutruong.cu", "full_name": "Phạm Văn Cũ", "email": "cu@cu.vn",
                                        "unit": closed.pk, "role": Role.SCHOOL_STAFF}))
    assert "Đơn vị không thuộc phạm vi bạn quản trị." in page and not User.objects.filter(username="hieutruong.cu").exists()


def test_reset_mails_anyone_asks_for_do_not_push_the_changes_off_the_account_s_page(client, personas, admins, tree):
    """Three an hour, 72 a day: listed with the changes (the last 100), they hid the role grants within two days."""
    from units.models import AdminEvent

    principal = personas["principal_a"]
    client.force_login(admins["admin_a"])
    client.post(reverse("units:role_grant", args=[principal.pk]), {"unit": tree["A-THCS"].pk, "role": "school_staff"})
    AdminEvent.objects.bulk_create(AdminEvent(action=AdminEvent.Action.RESET_MAIL_SENT, account=principal)
                                   for _ in range(120))
    page = page_of(client.get(detail(principal)))
    events = page.split('id="events"')[1].split("</table>")[0]
    assert "Giao vai trò" in events and "Gửi thư quên mật khẩu" not in events
    assert "Thư “Quên mật khẩu” gửi đến tài khoản trong 24 giờ qua: 120" in page
