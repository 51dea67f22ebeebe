"""A service account acts with a role its creator holds there, never one the creator lacks (audit: the officer of a
ward created a writing account for a school below, which acted as the school's staff, filled in and submitted the
school's report through the API, and the officer then approved it on the pages: the filer approved their own
report). A service account belongs to its unit and outlives its creator; its tokens work only while the person who
issued them is active and still holds the role there."""

import re

import pytest
from django.test import Client
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from api import actions
from api.auth import ISSUER_GONE
from api.forms import WRITE_REFUSAL_SCHOOL
from api.models import ApiToken, ServiceAccount
from reports.models import SchoolReport
from tests.api.conftest import client_with
from tests.factories import make_user
from units.accounts import revoke_role, set_account_active
from units.models import Role

UNITS = "/api/v1/units/"
LIST = reverse("api:service_account_list")
TOKEN = re.compile(r'<code class="token" id="token-value">(nq71_[0-9a-f]+_[\w-]+)</code>')


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def report_url(school, period, submit=False):
    return f"/api/v1/schools/{school.pk}/reports/{period.pk}/" + ("submit/" if submit else "")


def test_an_officer_cannot_create_a_writing_account_for_a_school_below(world, tree, personas):
    client = signed_in(personas["officer_a"])
    response = client.post(LIST, {"name": "Phần mềm trường", "unit": tree["A-TH1"].pk, "access": "write"})
    assertContains(response, WRITE_REFUSAL_SCHOOL)
    assert not ServiceAccount.objects.exists() and not TOKEN.search(response.content.decode())
    with pytest.raises(actions.IssueRefused):
        actions.create_service_account(unit=tree["A-TH1"], name="X", can_write=True, by=personas["officer_a"])
    assert not ServiceAccount.objects.exists()
    # a reading one, as the scope allows
    response = client.post(LIST, {"name": "Thống kê trường", "unit": tree["A-TH1"].pk, "access": "read"})
    token = TOKEN.search(response.content.decode()).group(1)
    reader = client_with(token)
    assert reader.get(UNITS).status_code == 200
    put = reader.put(report_url(tree["A-TH1"], world["reports"]["A-TH1"].period),
                     {"version": 1, "entries": {"so-giao-vien": 12}}, format="json")
    assert put.status_code == 403


def test_the_officer_cannot_fill_the_report_it_approves_through_a_system(world, tree, personas, period):
    # the school's staff create the school's writing account; the ward's officer manages it but issues it no token
    account, token = actions.create_service_account(unit=tree["A-TH1"], name="Phần mềm trường", can_write=True,
                                                    by=personas["principal_a"])
    client = signed_in(personas["officer_a"])
    page = client.get(LIST)
    assertContains(page, "Phần mềm trường")
    assertNotContains(page, reverse("api:service_token_issue", args=[account.pk]))
    response = client.post(reverse("api:service_token_issue", args=[account.pk]))
    assert response.status_code == 403
    assert ApiToken.objects.filter(user=account.user).count() == 1
    with pytest.raises(actions.IssueRefused):
        actions.issue_token(user=account.user, name="x", can_write=True, by=personas["officer_a"])
    # the school's own system still fills its report
    response = client_with(token).put(report_url(tree["A-TH1"], period), {"version": 1, "entries": {"so-giao-vien": 3}},
                                      format="json")
    assert response.status_code == 200, response.json()
    assert SchoolReport.objects.get(school=tree["A-TH1"]).version == 2


def test_an_officer_creates_writing_accounts_for_its_ward_and_the_offices_below(tree, personas):
    for unit in ("A", "A-VHXH"):
        account, _ = actions.create_service_account(unit=tree[unit], name=f"Hệ thống {unit}", can_write=True,
                                                    by=personas["officer_a"])
        assert account.role == Role.OFFICER
    # the school's staff, only its own school
    with pytest.raises(actions.IssueRefused):
        actions.create_service_account(unit=tree["A-THCS"], name="X", can_write=True, by=personas["principal_a"])
    # a system administrator anywhere
    actions.create_service_account(unit=tree["B-MN"], name="Y", can_write=True, by=personas["admin"])


def test_a_token_lapses_when_its_issuer_is_deactivated_and_a_new_one_is_issued(tree, personas, service):
    account, client = service("A", can_write=True)
    assert client.get(UNITS).status_code == 200
    set_account_active(account=personas["officer_a"], active=False, by=personas["admin"])
    response = client.get(UNITS)
    assert response.status_code == 401 and response.json()["detail"] == ISSUER_GONE
    # the account belongs to the ward: another of its officers sees the lapsed token and issues a new one
    colleague = make_user("officer_a2", tree["A"], Role.OFFICER)
    page = signed_in(colleague).get(LIST)
    assertContains(page, "không còn hiệu lực")
    response = signed_in(colleague).post(reverse("api:service_token_issue", args=[account.pk]))
    assert client_with(TOKEN.search(response.content.decode()).group(1)).get(UNITS).status_code == 200
    # back in office, the first token works again (its holder is the issuer again)
    set_account_active(account=personas["officer_a"], active=True, by=personas["admin"])
    assert client.get(UNITS).status_code == 200


def test_a_token_lapses_when_its_issuer_loses_the_role_there(tree, personas):
    account, token = actions.create_service_account(unit=tree["A-TH1"], name="Phần mềm trường", can_write=True,
                                                    by=personas["principal_a"])
    client = client_with(token)
    assert client.get(UNITS).status_code == 200
    revoke_role(membership=personas["principal_a"].memberships.get(), by=personas["admin"])
    assert client.get(UNITS).status_code == 401
    # a reading account lapses too when its issuer no longer changes the unit's data
    account, token = actions.create_service_account(unit=tree["A"], name="Thống kê", can_write=False,
                                                    by=personas["officer_a"])
    assert client_with(token).get(UNITS).status_code == 200
    revoke_role(membership=personas["officer_a"].memberships.get(), by=personas["admin"])
    assert client_with(token).get(UNITS).status_code == 401
