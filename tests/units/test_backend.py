"""The sign-in backend reads a signed-in user and their active memberships in one statement written once per
connection (units/backends.py): the objects it gives must be those the ORM's select_related would give."""

from datetime import UTC, datetime

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import make_unit, make_user
from units.backends import MembershipModelBackend, active_memberships
from units.models import Membership, Role

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def fields(obj):
    return {f.attname: getattr(obj, f.attname) for f in type(obj)._meta.concrete_fields}


def orm_memberships(user_id):
    return list(Membership.objects.active().filter(user_id=user_id)
                .select_related("user", "unit", "unit__parent").order_by("pk"))


@pytest.fixture
def tree():
    city = make_unit("HP", "Thành phố Hải Phòng", "province")
    ward = make_unit("HP-DK", "Phường Dương Kinh", "commune", parent=city)
    school = make_unit("HP-DK-TH1", "Trường Tiểu học Hải Thành", "school", parent=ward, levels=["th"])
    return city, ward, school


def test_the_same_objects_as_select_related(tree):
    city, ward, school = tree
    user = make_user("nhieu.vai.tro", ward, Role.OFFICER, first_name="Lê", last_name="Thị Hoa",
                     email="hoa@example.vn")
    user.last_login = datetime(2026, 11, 3, 7, 30, tzinfo=UTC)  # a datetime column read back
    user.save()
    Membership.objects.create(user=user, unit=city, role=Role.REVIEWER)  # a unit at the top: no parent
    Membership.objects.create(user=user, unit=school, role=Role.SCHOOL_STAFF)
    Membership.objects.create(user=user, unit=school, role=Role.LEADER, is_active=False)  # withdrawn: left out
    other = make_user("nguoi.khac", school, Role.SCHOOL_STAFF)

    expected, got = orm_memberships(user.pk), active_memberships(user.pk)
    assert [m.pk for m in got] == [m.pk for m in expected] and len(got) == 3
    for mine, theirs in zip(got, expected, strict=True):
        assert fields(mine) == fields(theirs)
        assert fields(mine.user) == fields(theirs.user)
        assert fields(mine.unit) == fields(theirs.unit)
        assert (theirs.unit.parent and fields(theirs.unit.parent)) == (mine.unit.parent and fields(mine.unit.parent))
        assert not mine._state.adding and mine._state.db == theirs._state.db
    assert got[0].user.last_login == user.last_login and got[0].user.is_active is True
    assert len({id(m.user) for m in got}) == 1  # one object for the user
    assert got[1].unit.parent is None  # the city: cached as None, no query to find it out
    assert got[2].unit.levels == ["th"]  # a JSON column, through the field's own converter
    assert active_memberships(other.pk)[0].unit.parent.code == "HP-DK"


def test_one_query_for_the_user_and_the_units_their_pages_need(tree):
    city, ward, school = tree
    user = make_user("can.bo", ward, Role.OFFICER)
    Membership.objects.create(user=user, unit=school, role=Role.SCHOOL_STAFF)
    with CaptureQueriesContext(connection) as queries:
        found = MembershipModelBackend().get_user(user.pk)
        names = [(m.user.username, m.unit.name, m.unit.parent.name) for m in found._nq71_memberships]
    assert len(queries) == 1
    assert names == [("can.bo", "Phường Dương Kinh", "Thành phố Hải Phòng"),
                     ("can.bo", "Trường Tiểu học Hải Thành", "Phường Dương Kinh")]


def test_accounts_without_a_role_missing_or_inactive(tree):
    city, ward, school = tree
    backend = MembershipModelBackend()
    lone = make_user("chua.phan.quyen")
    assert backend.get_user(lone.pk) == lone and not active_memberships(lone.pk)
    assert backend.get_user(lone.pk + 1000) is None
    assert backend.get_user("không phải số") is None
    stopped = make_user("da.ngung", ward, Role.OFFICER, is_active=False)
    assert backend.get_user(stopped.pk) is None


def test_a_signed_in_page_reads_the_user_through_it(client, tree):
    city, ward, school = tree
    user = make_user("lanh.dao", ward, Role.LEADER)
    client.force_login(user)
    response = client.get("/")
    assert response.status_code == 200
    assert response.wsgi_request.user._nq71_memberships[0].unit.name == "Phường Dương Kinh"
    assert get_user_model().objects.get(pk=user.pk).username == "lanh.dao"
