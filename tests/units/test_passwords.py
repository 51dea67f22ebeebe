"""Set-password links for new accounts, "Quên mật khẩu" for everyone, and the forced change of a password an
administrator set; every link in these e-mails is absolute (settings.PORTAL_URL)."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from tests.factories import make_user
from units.links import absolute_url
from units.models import AccountProfile, AdminEvent, Role

User = get_user_model()
NEW_PASSWORD = "Hoa-Phuong-Do-2026"
RESET = reverse("password_reset")


@pytest.fixture(autouse=True)
def portal_url(settings):
    settings.PORTAL_URL = "https://nq71.example.gov.vn"


@pytest.fixture
def admin_a(tree):
    return make_user("quantri.a", tree["A"], Role.UNIT_ADMIN)


def link_in(mail):
    (link,) = re.findall(r"https?://\S+/dat-mat-khau/\S+", mail.body)
    return link


def set_password_through(client, link):
    """Open the e-mailed link as a browser does (Django moves the token into the session) and choose a password."""
    assert link.startswith("https://nq71.example.gov.vn/dat-mat-khau/")
    response = client.get(link.removeprefix("https://nq71.example.gov.vn"), follow=True)
    assert "Đặt mật khẩu" in response.content.decode()
    form_url = response.redirect_chain[-1][0]
    return client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}, follow=True)


def test_absolute_url_joins_the_portal_address_and_a_path(settings):
    settings.PORTAL_URL = "https://cong.example.vn"
    assert absolute_url("/bao-cao/da-tao/?unit=3") == "https://cong.example.vn/bao-cao/da-tao/?unit=3"


def test_the_sign_in_page_offers_forgotten_password(client):
    assert f'href="{RESET}"' in client.get("/dang-nhap/").content.decode()
    assert "Quên mật khẩu" in client.get(RESET).content.decode()


def test_a_forgotten_password_is_reset_from_an_absolute_link(client, personas, mailoutbox):
    officer = personas["officer_a"]
    officer.email = "an@phuonga.gov.vn"
    officer.save(update_fields=["email"])
    response = client.post(RESET, {"email": "AN@phuonga.gov.vn"}, follow=True)
    assert "Hãy kiểm tra hộp thư" in response.content.decode()
    (mail,) = mailoutbox
    assert mail.to == ["an@phuonga.gov.vn"] and "officer_a" in mail.body
    page = set_password_through(client, link_in(mail)).content.decode()
    assert "Đã đặt mật khẩu" in page
    assert client.post("/dang-nhap/", {"username": "officer_a", "password": NEW_PASSWORD}).status_code == 302


def test_the_answer_is_the_same_whether_the_address_exists_or_not(client, personas, mailoutbox):
    personas["officer_a"].email = "an@phuonga.gov.vn"
    personas["officer_a"].save(update_fields=["email"])
    known = client.post(RESET, {"email": "an@phuonga.gov.vn"})
    unknown = client.post(RESET, {"email": "khong-co@example.vn"})
    assert (known.status_code, known.url) == (unknown.status_code, unknown.url) == (302, reverse("password_reset_done"))
    assert len(mailoutbox) == 1


def test_an_account_gets_at_most_three_reset_mails_an_hour_and_the_page_answers_the_same(
        client, personas, mailoutbox):
    """Anyone may ask, signed out, for any address: a script asking again and again filled the account's mailbox."""
    officer, leader = personas["officer_a"], personas["leader_a"]
    officer.email, leader.email = "an@phuonga.gov.vn", "binh@phuonga.gov.vn"
    officer.save(update_fields=["email"])
    leader.save(update_fields=["email"])
    answers = set()
    for _ in range(6):
        answers.add((lambda r: (r.status_code, r.url))(client.post(RESET, {"email": "an@phuonga.gov.vn"})))
        cache.clear()  # each request served by another process of the web server, or after its restart
    assert answers == {(302, reverse("password_reset_done"))}
    assert [mail.to for mail in mailoutbox] == [["an@phuonga.gov.vn"]] * 3
    # the mails sent are in the account's log
    assert AdminEvent.objects.filter(account=officer, action=AdminEvent.Action.RESET_MAIL_SENT).count() == 3
    client.post(RESET, {"email": "binh@phuonga.gov.vn"})  # another account is not held back by it
    assert mailoutbox[-1].to == ["binh@phuonga.gov.vn"] and len(mailoutbox) == 4
    AdminEvent.objects.filter(account=officer).update(at=timezone.now() - timedelta(minutes=61))  # an hour later
    client.post(RESET, {"email": "an@phuonga.gov.vn"})
    assert len(mailoutbox) == 5
    page = set_password_through(client, link_in(mailoutbox[-1])).content.decode()
    assert "Đã đặt mật khẩu" in page  # the last link works


def test_a_deactivated_account_gets_no_reset_mail(client, personas, mailoutbox):
    officer = personas["officer_a"]
    officer.email, officer.is_active = "an@phuonga.gov.vn", False
    officer.save(update_fields=["email", "is_active"])
    assert client.post(RESET, {"email": "an@phuonga.gov.vn"}).status_code == 302
    assert mailoutbox == []


def test_a_used_link_cannot_be_used_twice(client, personas, mailoutbox):
    personas["officer_a"].email = "an@phuonga.gov.vn"
    personas["officer_a"].save(update_fields=["email"])
    client.post(RESET, {"email": "an@phuonga.gov.vn"})
    link = link_in(mailoutbox[0])
    set_password_through(client, link)
    page = client.get(link.removeprefix("https://nq71.example.gov.vn"), follow=True).content.decode()
    assert "Liên kết không còn dùng được" in page


def test_a_new_account_sets_its_own_password_from_the_emailed_link(client, tree, admin_a, mailoutbox):
    client.force_login(admin_a)
    client.post(reverse("units:account_create"), {"username": "hieutruong.a1", "full_name": "Võ Thị Mai",
                                                  "email": "mai@a1.edu.vn", "unit": tree["A-TH1"].pk,
                                                  "role": Role.SCHOOL_STAFF})
    client.logout()
    set_password_through(client, link_in(mailoutbox[0]))
    account = User.objects.get(username="hieutruong.a1")
    assert account.check_password(NEW_PASSWORD)
    assert AdminEvent.objects.filter(account=account, action="password_set").exists()
    response = client.post("/dang-nhap/", {"username": "hieutruong.a1", "password": NEW_PASSWORD})
    assert response.status_code == 302 and response.url == reverse("home")


def test_a_new_account_whose_link_expired_can_ask_for_another(client, tree, admin_a, mailoutbox):
    client.force_login(admin_a)
    client.post(reverse("units:account_create"), {"username": "moi", "full_name": "Đỗ Văn Nam", "email": "nam@x.vn",
                                                  "unit": tree["A"].pk, "role": Role.OFFICER})
    client.logout()
    client.post(RESET, {"email": "nam@x.vn"})
    assert len(mailoutbox) == 2 and "/dat-mat-khau/" in mailoutbox[1].body


def test_the_first_sign_in_with_an_administrator_set_password_forces_a_change(client, tree, admin_a, mailoutbox):
    client.force_login(admin_a)
    client.post(reverse("units:account_create"), {"username": "hieutruong.a2", "full_name": "Lý Văn Sơn",
                                                  "email": "", "password": "Tam-thoi-2026!", "unit": tree["A-THCS"].pk,
                                                  "role": Role.SCHOOL_STAFF})
    assert mailoutbox == []
    client.logout()
    assert client.post("/dang-nhap/", {"username": "hieutruong.a2", "password": "Tam-thoi-2026!"}).status_code == 302
    for url in (reverse("home"), reverse("targets:target_list"), reverse("reports:school_report_list")):
        response = client.get(url)
        assert (response.status_code, response.url) == (302, reverse("password_change")), url
    page = client.get(reverse("password_change")).content.decode()
    assert "Mật khẩu của bạn do quản trị viên đặt" in page
    # a part of a page asked by htmx (the notification count's fragment; a page shows the count itself) never gets
    # the password page swapped in: nothing on that page, the way to it from another
    count = reverse("reports:notification_count")
    assert 'id="notification-count"' in page and f'hx-get="{count}"' not in page
    on_it = client.get(count, HTTP_HX_REQUEST="true",
                       HTTP_HX_CURRENT_URL=f"http://testserver{reverse('password_change')}")
    assert (on_it.status_code, on_it.content, on_it.has_header("HX-Redirect")) == (204, b"", False)
    elsewhere = client.get(count, HTTP_HX_REQUEST="true", HTTP_HX_CURRENT_URL="http://testserver/chi-tieu/")
    assert (elsewhere.status_code, elsewhere["HX-Redirect"]) == (204, reverse("password_change"))
    response = client.post(reverse("password_change"), {"old_password": "Tam-thoi-2026!",
                                                        "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 200
    assert not AccountProfile.objects.get(user__username="hieutruong.a2").must_change_password
    client.logout()
    client.post("/dang-nhap/", {"username": "hieutruong.a2", "password": NEW_PASSWORD})
    assert client.get(reverse("home")).status_code == 200


def test_a_weak_temporary_password_is_refused_in_vietnamese(client, tree, admin_a):
    client.force_login(admin_a)
    page = client.post(reverse("units:account_create"), {
        "username": "yeu", "full_name": "Yếu", "password": "123", "unit": tree["A"].pk, "role": Role.OFFICER,
    }).content.decode()
    assert "Mật khẩu này quá ngắn" in page
    assert not User.objects.filter(username="yeu").exists()


def test_an_account_with_its_own_password_is_not_forced(client, personas):
    client.post("/dang-nhap/", {"username": "officer_a", "password": "Mat-khau-2026"})
    assert client.get(reverse("home")).status_code == 200
