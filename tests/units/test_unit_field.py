"""The unit fields of the forms (units/widgets.py): a list while the scope is small, a search beyond that, so that
no form grows with the number of schools (issue 13), and a search that finds only what the form accepts."""

import re
from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from api.models import ServiceAccount
from plans.models import PlanImport, Task
from tests.factories import make_document, make_unit, make_user
from units import widgets
from units.models import Membership, Role, Unit, UnitSuccession
from units.search import UNIT_MATCHES

User = get_user_model()
CREATE = reverse("units:account_create")
SEARCH = reverse("units:unit_field_search")
OPTION = re.compile(r"<option value=\"(\d+)\"")
RADIO = re.compile(r'<input type="radio" name="unit" value="(\d+)"( checked)?>')  # the unit chosen
MATCH = re.compile(r'<input type="radio" name="unit__match" value="(\d+)">')  # the search's matches (a group apart)


def add_schools(commune, n, first=0):
    return [make_unit(f"{commune.code}-S{i}", f"Trường Mầm non Thử {i}", "school", commune, levels=["mn"])
            for i in range(first, first + n)]


@pytest.fixture
def small_lists(monkeypatch):
    """A scope of more than three units is searched (the real limit, 150, would need 150 units per test)."""
    monkeypatch.setattr(widgets, "LIST_LIMIT", 3)


def test_a_small_scope_is_a_list_of_its_units_only(client, admins, tree):
    client.force_login(admins["admin_a"])
    page = client.get(CREATE).content.decode()
    assert set(map(int, OPTION.findall(page))) == {tree[c].pk for c in ("A", "A-VHXH", "A-TH1", "A-THCS")}
    assert 'name="unit_q"' not in page


def test_a_large_scope_is_searched_and_the_page_does_not_grow_with_it(client, admins, tree, small_lists):
    client.force_login(admins["admin_hp"])
    add_schools(tree["A"], 5)
    first = client.get(CREATE)
    add_schools(tree["B"], 40)
    with CaptureQueriesContext(connection) as queries:
        second = client.get(CREATE)
    page = second.content.decode()
    assert 'name="unit_q"' in page and not OPTION.findall(page) and not RADIO.findall(page)
    assert "Chưa chọn đơn vị" in page and 'for="id_unit"' in page and 'id="id_unit"' in page
    assert len(second.content) == len(first.content)  # 40 schools more, not a byte more
    with CaptureQueriesContext(connection) as fewer:
        client.get(CREATE)
    assert len(queries) == len(fewer)


def test_the_search_finds_units_of_the_scope_whatever_the_accents_with_their_trail(client, admins, tree, small_lists):
    client.force_login(admins["admin_hp"])
    add_schools(tree["B"], 4)
    response = client.get(SEARCH, {"scope": "tai-khoan", "name": "unit", "unit_q": "truong mam non thu 2"})
    page = response.content.decode()
    assert response.status_code == 200
    assert MATCH.findall(page) == [str(Unit.objects.get(code="B-S2").pk)]
    assert "Thành phố Hải Phòng › Phường B" in page
    empty = client.get(SEARCH, {"scope": "tai-khoan", "name": "unit", "unit_q": "không có đâu"}).content.decode()
    assert "Không tìm thấy đơn vị nào có tên hoặc mã chứa “không có đâu”" in empty


def test_the_search_of_another_ward_s_administrator_finds_nothing_of_a(client, admins, tree):
    client.force_login(admins["admin_b"])
    page = client.get(SEARCH, {"scope": "tai-khoan", "name": "unit", "unit_q": "Tiểu học"}).content.decode()
    assert not MATCH.findall(page) and "A1" not in page
    mine = client.get(SEARCH, {"scope": "tai-khoan", "name": "unit", "unit_q": "Mầm non"}).content.decode()
    assert MATCH.findall(mine) == [str(tree["B-MN"].pk)]


@pytest.mark.parametrize("query", [
    {"scope": "khong-co", "name": "unit", "unit_q": "A"},
    {"scope": "tai-khoan", "name": "<script>", "unit_q": "A"},
    {"name": "unit"},
])
def test_an_unknown_scope_or_a_malformed_field_name_is_not_found(client, admins, query):
    client.force_login(admins["admin_hp"])
    assert client.get(SEARCH, query).status_code == 404


def test_signing_in_comes_before_searching(client):
    response = client.get(SEARCH, {"scope": "tai-khoan", "name": "unit", "unit_q": "A"})
    assert response.status_code == 302 and "/dang-nhap/" in response["Location"]


def test_without_javascript_the_search_button_shows_the_matches_keeps_what_was_typed_and_saves_nothing(
        client, admins, tree, small_lists):
    client.force_login(admins["admin_hp"])
    add_schools(tree["A"], 4)
    response = client.post(CREATE, {"username": "hieutruong.thu1", "full_name": "Lê Thị Hoa", "email": "",
                                    "role": Role.SCHOOL_STAFF, "unit_q": "Thử 1", "unit_search": "1"})
    page = response.content.decode()
    assert response.status_code == 200
    assert MATCH.findall(page) == [str(Unit.objects.get(code="A-S1").pk)]
    assert 'value="hieutruong.thu1"' in page and 'value="Lê Thị Hoa"' in page and 'value="Thử 1"' in page
    assert "field-error" not in page and "errorbox" not in page  # nothing was wrong: it searched
    assert not User.objects.filter(username="hieutruong.thu1").exists()


def test_a_unit_chosen_among_the_matches_is_saved_and_one_outside_the_scope_is_refused(
        client, admins, tree, small_lists):
    client.force_login(admins["admin_a"])
    (school,) = add_schools(tree["A"], 1)
    other = make_unit("B-TH", "Trường Tiểu học B2", "school", tree["B"], levels=["th"])
    refused = client.post(CREATE, {"username": "hieutruong.b2", "full_name": "Lê Văn Nam", "password": "Mat-khau-2026!x",
                                   "role": Role.SCHOOL_STAFF, "unit": other.pk, "unit_q": "B2"})
    assert "Đơn vị không thuộc phạm vi bạn quản trị." in refused.content.decode()
    assert not User.objects.filter(username="hieutruong.b2").exists()
    # the page sent back does not show the refused unit as chosen (nor name it), and offers the search again
    assert RADIO.findall(refused.content.decode()) == [] and "Trường Tiểu học B2" not in refused.content.decode()
    assert 'name="unit_q"' in refused.content.decode()
    response = client.post(CREATE, {"username": "hieutruong.s0", "full_name": "Lê Văn Nam", "password": "Mat-khau-2026!x",
                                    "role": Role.SCHOOL_STAFF, "unit": school.pk, "unit_q": "Thử 0"})
    assert response.status_code == 302
    assert Membership.objects.get(user__username="hieutruong.s0").unit == school


def test_a_form_sent_back_with_an_error_keeps_the_unit_chosen(client, admins, tree, small_lists):
    client.force_login(admins["admin_hp"])
    (school,) = add_schools(tree["B"], 1)
    add_schools(tree["A"], 4)
    response = client.post(CREATE, {"username": "", "full_name": "Lê Văn Nam", "role": Role.SCHOOL_STAFF,
                                    "unit": school.pk})
    page = response.content.decode()
    assert "Hãy nhập tên đăng nhập." in page
    assert RADIO.findall(page) == [(str(school.pk), " checked")]
    assert "Trường Mầm non Thử 0" in page and "Thành phố Hải Phòng › Phường B" in page


def test_the_plan_upload_offers_the_units_the_officer_changes_starting_on_its_own(client, personas, tree, small_lists):
    add_schools(tree["A"], 4)
    client.force_login(personas["officer_a"])
    page = client.get(reverse("importer:plan_import_upload")).content.decode()
    assert RADIO.findall(page) == [(str(tree["A"].pk), " checked")]  # no blank: the ward itself to start with
    found = client.get(SEARCH, {"scope": "ke-hoach", "name": "unit", "unit_q": "Trường"}).content.decode()
    codes = set(Unit.objects.filter(pk__in=MATCH.findall(found)).values_list("code", flat=True))
    assert "B-MN" not in codes and {"A-TH1", "A-S0"} <= codes
    client.force_login(personas["officer_b"])
    assert "A-S0" not in client.get(SEARCH, {"scope": "ke-hoach", "name": "unit", "unit_q": "Thử"}).content.decode()
    assert not PlanImport.objects.exists()


def test_a_service_account_is_created_at_a_unit_found_by_the_search(client, personas, tree, small_lists):
    (school,) = add_schools(tree["A"], 1)
    add_schools(tree["A"], 3, first=1)
    client.force_login(personas["officer_a"])
    page = client.get(reverse("api:service_account_list")).content.decode()
    assert 'name="unit_q"' in page and "Chưa chọn đơn vị" in page
    found = client.get(SEARCH, {"scope": "he-thong", "name": "unit", "unit_q": "Thử 0"}).content.decode()
    assert MATCH.findall(found) == [str(school.pk)]
    response = client.post(reverse("api:service_account_list"), {"name": "Phần mềm trường", "unit": school.pk,
                                                                 "access": "read", "lifetime": "90"})
    assert response.status_code == 200 and ServiceAccount.objects.filter(unit=school).count() == 1
    client.force_login(personas["officer_b"])
    assert not MATCH.findall(client.get(SEARCH, {"scope": "he-thong", "name": "unit",
                                                 "unit_q": "Thử 0"}).content.decode())


def test_a_merge_finds_its_wards_by_search_and_merges_those_checked(client, tree, small_lists):
    admin = make_user("quantri.tinh", tree["HP"], Role.UNIT_ADMIN)
    for i in range(4):
        make_unit(f"X{i}", f"Xã Thử {i}", "commune", tree["HP"])
    client.force_login(admin)
    page = client.get(reverse("merges:unit_merge")).content.decode()
    assert 'name="successor_q"' in page and 'name="predecessors_q"' in page and "Xã Thử 2" not in page
    found = client.get(SEARCH, {"scope": "xa-phuong", "name": "successor", "successor_q": "xa thu 3"}).content.decode()
    assert re.findall(r'type="radio" name="successor__match" value="(\d+)"', found) == [str(Unit.objects.get(code="X3").pk)]
    several = client.get(SEARCH, {"scope": "xa-phuong", "name": "predecessors", "multiple": "1",
                                  "predecessors_q": "thử"}).content.decode()
    assert len(re.findall(r'type="checkbox" name="predecessors__match"', several)) == 4
    # without JavaScript: the search keeps the wards checked so far, and lists the others found
    x0, x1, x3 = (Unit.objects.get(code=code) for code in ("X0", "X1", "X3"))
    page = client.post(reverse("merges:unit_merge"), {"predecessors": [x0.pk], "predecessors_q": "xã thử 1",
                                                     "predecessors_search": "1", "legal_basis": "NQ 1669"}).content.decode()
    assert re.findall(r'type="checkbox" name="predecessors(__match)?" value="(\d+)"( checked)?', page) == [
        ("", str(x0.pk), " checked"), ("__match", str(x1.pk), "")]
    assert not UnitSuccession.objects.exists() and Unit.objects.get(pk=x0.pk).valid_to is None  # nothing merged
    response = client.post(reverse("merges:unit_merge"), {"predecessors": [x0.pk, x1.pk], "successor": x3.pk,
                                                         "effective_on": "01/01/2026", "legal_basis": "NQ 1669"})
    assert response.status_code == 302
    assert set(Unit.objects.filter(code__in=["X0", "X1"]).values_list("valid_to", flat=True)) == {date(2025, 12, 31)}
    assert set(UnitSuccession.objects.values_list("successor__code", flat=True)) == {"X3"}


def test_a_task_is_handed_to_a_unit_found_below_its_lead_and_nowhere_else(client, personas, tree, small_lists):
    add_schools(tree["A"], 4)
    task = Task.objects.create(document=make_document(tree["A"]), text="Rà soát đội ngũ giáo viên", lead_unit=tree["A"])
    client.force_login(personas["officer_a"])
    page = client.get(reverse("plans:task_detail", args=[task.pk])).content.decode()
    assert 'name="lead_unit_q"' in page and f"of={task.pk}" in page
    found = client.get(SEARCH, {"scope": "nhiem-vu", "of": task.pk, "name": "lead_unit",
                                "lead_unit_q": "Trường"}).content.decode()
    codes = set(Unit.objects.filter(pk__in=re.findall(r'name="lead_unit__match" value="(\d+)"', found))
                .values_list("code", flat=True))
    assert codes == {"A-TH1", "A-THCS", "A-S0", "A-S1", "A-S2", "A-S3"}  # below A, not A itself nor B's
    client.force_login(personas["officer_b"])
    assert 'name="lead_unit__match"' not in client.get(SEARCH, {"scope": "nhiem-vu", "of": task.pk, "name": "lead_unit",
                                                        "lead_unit_q": "Trường"}).content.decode()
    for query in ({"scope": "nhiem-vu", "name": "lead_unit"}, {"scope": "tai-khoan", "of": task.pk, "name": "unit"},
                  {"scope": "nhiem-vu", "of": "1 OR 1=1", "name": "lead_unit"}):
        assert client.get(SEARCH, query).status_code == 404
    gone = client.get(SEARCH, {"scope": "nhiem-vu", "of": 987654, "name": "lead_unit", "lead_unit_q": "Trường"})
    assert gone.status_code == 200 and 'name="lead_unit__match"' not in gone.content.decode()


def test_giving_a_role_without_javascript_searches_keeps_the_form_and_an_error_comes_back_on_the_page(
        client, admins, tree, small_lists):
    add_schools(tree["A"], 4)
    account = make_user("giaovien.moi", tree["A-TH1"], Role.SCHOOL_STAFF)
    client.force_login(admins["admin_hp"])
    grant = reverse("units:role_grant", args=[account.pk])
    searched = client.post(grant, {"role": Role.SCHOOL_STAFF, "title": "Tổ trưởng", "unit_q": "Thử 2",
                                   "unit_search": "1"})
    page = searched.content.decode()
    assert searched.status_code == 200 and MATCH.findall(page) == [str(Unit.objects.get(code="A-S2").pk)]
    assert 'value="Tổ trưởng"' in page and "field-error" not in page
    assert account.memberships.count() == 1
    refused = client.post(grant, {"role": Role.SCHOOL_STAFF, "title": "Tổ trưởng", "unit": tree["A"].pk})
    page = refused.content.decode()
    assert refused.status_code == 400 and account.memberships.count() == 1
    assert 'value="Tổ trưởng"' in page and "field-error" in page  # a school role needs a school: said on the page
    given = client.post(grant, {"role": Role.SCHOOL_STAFF, "unit": tree["A"].pk,
                                "unit__match": Unit.objects.get(code="A-S2").pk})  # the match checked wins
    assert given.status_code == 302 and account.memberships.filter(unit__code="A-S2").exists()


def test_the_search_leaves_out_the_units_already_chosen_but_still_says_when_it_stopped_at_the_limit(
        client, tree, small_lists):
    client.force_login(make_user("quantri.tinh", tree["HP"], Role.UNIT_ADMIN))
    communes = [make_unit(f"X{i:02}", f"Xã Thử {i:02}", "commune", tree["HP"]) for i in range(UNIT_MATCHES + 2)]
    query = {"scope": "xa-phuong", "name": "predecessors", "multiple": "1", "predecessors_q": "Thử",
             "predecessors": [communes[0].pk, communes[1].pk]}
    page = client.get(SEARCH, query).content.decode()
    found = re.findall(r'name="predecessors__match" value="(\d+)"', page)
    assert len(found) == UNIT_MATCHES - 2 and str(communes[0].pk) not in found and str(communes[2].pk) in found
    assert f"Chỉ hiện {UNIT_MATCHES} đơn vị đầu tiên" in page  # twenty found, two of them chosen: there are more


@pytest.mark.parametrize("query", [{"scope": "tai-khoan", "name": "unit\n", "unit_q": "A"},
                                   {"scope": "nhiem-vu", "name": "lead_unit", "of": "1\n"}])
def test_a_name_or_an_object_with_a_trailing_line_break_is_not_found(client, admins, query):
    client.force_login(admins["admin_hp"])
    assert client.get(SEARCH, query).status_code == 404
