"""Tokens (personal and service), what each may do, the session with its CSRF check, and the rate limit."""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains
from rest_framework.test import APIClient

from api.models import ApiToken, ApiWrite, ServiceAccount, token_digest
from tests.api.conftest import client_with
from tests.factories import sign_in
from units.models import Membership

UNITS = "/api/v1/units/"
TOKEN = re.compile(r'<code class="token" id="token-value">(nq71_[0-9a-f]+_[\w-]+)</code>')


def value_url(target, period):
    return f"/api/v1/targets/{target.pk}/values/{period.pk}/"


def signed_in(username):
    client = Client()
    sign_in(client, username, "Mat-khau-2026")
    return client


# --- personal tokens -----------------------------------------------------------------------------------------


def test_a_person_creates_a_token_on_their_page_and_sees_it_once(personas):
    client = signed_in("officer_a")
    page = client.get(reverse("api:token_list"))
    assertContains(page, "Khóa truy cập API")
    response = client.post(reverse("api:token_list"), {"name": "Bảng tính thống kê", "access": "read",
                                                       "lifetime": "90"})
    token = TOKEN.search(response.content.decode()).group(1)
    assert "no-store" in response["Cache-Control"]
    row = ApiToken.objects.get(user=personas["officer_a"])
    assert row.digest == token_digest(token) and token not in row.digest and not row.can_write
    assert row.expires_at > timezone.now() + timedelta(days=89)
    # shown once: the list shows only its prefix
    again = client.get(reverse("api:token_list")).content.decode()
    assert token not in again and row.display_prefix in again
    assert client_with(token).get(UNITS).status_code == 200


def test_the_top_bar_links_to_the_token_page_and_the_footer_to_the_documentation(personas):
    page = signed_in("leader_a").get("/")
    assertContains(page, f'href="{reverse("api:token_list")}"')
    assertContains(page, f'href="{reverse("api:docs")}"')


def test_a_revoked_token_is_refused_with_401(personas, token_for):
    token = token_for("officer_a")
    client = client_with(token)
    assert client.get(UNITS).status_code == 200
    row = ApiToken.objects.get(user=personas["officer_a"])
    signed_in("officer_a").post(reverse("api:token_revoke", args=[row.pk]))
    response = client.get(UNITS)
    assert response.status_code == 401
    assert response.json()["detail"] == "Khóa truy cập không hợp lệ, đã hết hạn hoặc đã bị thu hồi."
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_a_person_cannot_revoke_someone_elses_token(personas, token_for):
    token_for("officer_b")
    row = ApiToken.objects.get(user=personas["officer_b"])
    response = signed_in("officer_a").post(reverse("api:token_revoke", args=[row.pk]))
    assert response.status_code == 404
    row.refresh_from_db()
    assert row.revoked_at is None


def test_an_expired_or_made_up_token_is_refused(personas, token_for):
    expired = token_for("officer_a", expires_at=timezone.now() - timedelta(minutes=1))
    assert client_with(expired).get(UNITS).status_code == 401
    real = token_for("officer_a")
    forged = real[:-4] + ("AAAA" if not real.endswith("AAAA") else "BBBB")
    assert client_with(forged).get(UNITS).status_code == 401
    assert client_with("nq71_00000000_x").get(UNITS).status_code == 401


def test_without_credentials_the_api_answers_401_in_vietnamese(db):
    response = APIClient().get(UNITS)
    assert response.status_code == 401
    assert response.json()["detail"].startswith("Chưa xác thực")


def test_a_read_only_token_may_not_write(world, token_for):
    client = client_with(token_for("officer_a", can_write=False))
    response = client.put(value_url(world["a_rooms"], world["entered"].period), {
        "value": 5, "status": "in_progress", "version": 1}, format="json")
    assert response.status_code == 403
    assert response.json()["detail"] == "Khóa truy cập này chỉ được đọc dữ liệu."
    world["entered"].refresh_from_db()
    assert world["entered"].version == 1


# --- service accounts ----------------------------------------------------------------------------------------


def test_an_officer_creates_a_service_account_for_their_ward_and_its_token_is_shown_once(world, personas):
    client = signed_in("officer_a")
    response = client.post(reverse("api:service_account_list"), {
        "name": "Phần mềm quản lý trường học", "unit": world["plan_a"].issuer_id, "access": "write"})
    token = TOKEN.search(response.content.decode()).group(1)
    account = ServiceAccount.objects.get()
    assert account.can_write and account.unit_id == world["plan_a"].issuer_id
    assert not account.user.has_usable_password()
    # no membership row: the account is not one of the ward's people (signatures, reminders)
    assert not Membership.objects.filter(user=account.user).exists()
    assert client_with(token).get(UNITS).status_code == 200


def test_an_officer_cannot_create_a_service_account_for_another_ward(tree, personas):
    client = signed_in("officer_a")
    response = client.post(reverse("api:service_account_list"), {"name": "X", "unit": tree["B"].pk, "access": "read"})
    assertContains(response, "Hãy chọn một đơn vị trong danh sách.")
    assert not ServiceAccount.objects.exists()


def test_a_leader_manages_no_service_account(tree, personas):
    page = signed_in("leader_a").get(reverse("api:service_account_list"))
    assertContains(page, "Chỉ cán bộ phụ trách (hoặc quản trị) của một đơn vị mới tạo được tài khoản dịch vụ")
    assertNotContains(page, "Tạo tài khoản và khóa")


def test_a_service_account_reads_only_its_units_subtree(world, tree, service):
    _, client = service("A")
    codes = {row["code"] for row in client.get(UNITS).json()["results"]}
    assert codes == {"A", "A-VHXH", "A-TH1", "A-THCS"}
    assert client.get(f"/api/v1/units/{tree['B'].pk}/").status_code == 404
    assert client.get(f"/api/v1/school-reports/{world['reports']['B-MN'].pk}/").status_code == 404


def test_a_read_only_service_account_gets_403_on_write(world, service):
    _, client = service("A", can_write=False)
    response = client.put(value_url(world["a_rooms"], world["entered"].period),
                          {"value": 5, "status": "in_progress", "version": 1}, format="json")
    assert response.status_code == 403


def test_a_writing_service_account_writes_within_its_unit_and_the_write_records_its_token(world, service):
    account, client = service("A", can_write=True)
    response = client.put(value_url(world["a_rooms"], world["entered"].period),
                          {"value": 5, "status": "in_progress", "version": 1}, format="json")
    assert response.status_code == 200, response.json()
    write = ApiWrite.objects.get()
    assert write.token.user == account.user and write.value_change.after["value"] == "5"
    assert response.json()["entered_by"] == "Hệ thống của A"
    # the token shows in the value's history
    history = client.get(f"/api/v1/values/{world['entered'].pk}/").json()["changes"]
    assert history[0]["token"] == write.token.display_prefix
    # and nothing of ward B
    assert client.put(value_url(world["b_rate"], world["entered"].period),
                      {"numerator": 1, "denominator": 2, "status": "in_progress", "version": 0},
                      format="json").status_code == 404


def test_a_deactivated_service_account_is_refused(world, personas, service):
    account, client = service("A")
    signed_in("officer_a").post(reverse("api:service_account_deactivate", args=[account.pk]))
    assert client.get(UNITS).status_code == 401


def test_another_wards_officer_cannot_touch_the_service_account(world, service):
    account, _ = service("A")
    response = signed_in("officer_b").post(reverse("api:service_account_deactivate", args=[account.pk]))
    assert response.status_code == 404
    account.refresh_from_db()
    assert account.is_active


# --- the browser's session, and the rate limit ---------------------------------------------------------------


def test_the_session_reads_and_its_writes_need_the_csrf_token(world, personas):
    client = Client(enforce_csrf_checks=True)
    sign_in_response = client.get("/dang-nhap/")
    csrf = sign_in_response.cookies["csrftoken"].value
    client.post("/dang-nhap/", {"username": "officer_a", "password": "Mat-khau-2026", "csrfmiddlewaretoken": csrf})
    assert client.get(UNITS).status_code == 200
    body = '{"value": 6, "status": "in_progress", "version": 1}'
    url = value_url(world["a_rooms"], world["entered"].period)
    refused = client.put(url, body, content_type="application/json")
    assert refused.status_code == 403 and "CSRF" in refused.json()["detail"]
    csrf = client.cookies["csrftoken"].value
    accepted = client.put(url, body, content_type="application/json", HTTP_X_CSRFTOKEN=csrf)
    assert accepted.status_code == 200
    assert ApiWrite.objects.get().token is None


@pytest.mark.parametrize("limit", ["3/minute"])
def test_a_token_over_its_rate_limit_gets_429(world, settings, token_for, limit):
    settings.API_RATE_LIMIT = limit
    token = token_for("leader_a")
    client = client_with(token)
    assert [client.get(UNITS).status_code for _ in range(3)] == [200, 200, 200]
    refused = client.get(UNITS)
    assert refused.status_code == 429 and refused.json()["detail"].startswith("Quá nhiều yêu cầu")
    assert "Retry-After" in refused
    # counted per token: another token of the same person still answers
    assert client_with(token_for("leader_a")).get(UNITS).status_code == 200
