import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.test import RequestFactory

from plans.models import Document
from tests.factories import make_document, make_unit, make_user
from units import access
from units.models import Role, Unit


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    # The personas fixture creates eight users per test; the default PBKDF2 makes that ~2 s each.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def codes(queryset):
    return {unit.code for unit in queryset}


def request_as(user):
    request = RequestFactory().get("/")
    request.user = user
    return request


def fresh(user):
    """The same user without the memberships cached on the instance, as in a new request."""
    return get_user_model().objects.get(pk=user.pk)


# --- visible_units ---------------------------------------------------------------------------


def test_officer_a_sees_a_and_its_children_but_nothing_of_b(personas):
    assert codes(access.visible_units(personas["officer_a"])) == {"A", "A-VHXH", "A-TH1", "A-THCS"}


def test_principal_a_sees_only_its_own_school(personas):
    assert codes(access.visible_units(personas["principal_a"])) == {"A-TH1"}


def test_officer_b_sees_b_only(personas):
    assert codes(access.visible_units(personas["officer_b"])) == {"B", "B-MN"}


def test_the_reviewer_of_the_department_sees_the_whole_city(personas):
    city = {"HP", "HP-SGDDT", "A", "A-VHXH", "A-TH1", "A-THCS", "B", "B-MN"}
    assert codes(access.visible_units(personas["reviewer"])) == city


def test_the_admin_sees_every_unit(personas, tree):
    assert access.visible_units(personas["admin"]).count() == len(tree)


def test_a_member_of_an_admin_role_sees_every_unit(tree):
    # A system admin by membership, not by the superuser flag.
    user = make_user("sysadmin", tree["B-MN"], Role.ADMIN)
    assert access.visible_units(user).count() == len(tree)


def test_a_user_without_membership_sees_nothing(personas):
    assert not access.visible_units(personas["nobody"]).exists()


def test_an_anonymous_user_sees_nothing(tree):
    assert not access.visible_units(AnonymousUser()).exists()


def test_an_inactive_membership_gives_nothing(personas):
    personas["officer_a"].memberships.update(is_active=False)
    assert not access.visible_units(fresh(personas["officer_a"])).exists()


@pytest.mark.parametrize("persona", ["officer_a", "reviewer", "nobody"])
def test_visible_units_issues_at_most_two_queries(personas, persona, django_assert_max_num_queries):
    user = fresh(personas[persona])
    # 1: the user's memberships with their units; 2: the units of the scopes.
    with django_assert_max_num_queries(2):
        list(access.visible_units(user))


def test_a_lower_case_code_that_would_alias_a_subtree_is_refused(tree):
    # SQLite's LIKE ignores case: a ward "a" would otherwise fall into A's subtree.
    with pytest.raises(ValidationError):
        make_unit("a", "Phường a", "commune", tree["HP"])



# --- can_change_unit -------------------------------------------------------------------------


@pytest.mark.parametrize("code", ["A", "A-VHXH", "A-TH1", "A-THCS"])
def test_officer_a_changes_a_and_everything_below_it(personas, tree, code):
    assert access.can_change_unit(personas["officer_a"], tree[code])


@pytest.mark.parametrize("code", ["B", "B-MN", "HP", "VN"])
def test_officer_a_changes_nothing_outside_a(personas, tree, code):
    assert not access.can_change_unit(personas["officer_a"], tree[code])


def test_principal_a_changes_its_own_school(personas, tree):
    assert access.can_change_unit(personas["principal_a"], tree["A-TH1"])


@pytest.mark.parametrize("code", ["A-THCS", "A", "A-VHXH", "B-MN"])
def test_principal_a_changes_no_other_unit(personas, tree, code):
    assert not access.can_change_unit(personas["principal_a"], tree[code])


@pytest.mark.parametrize("persona", ["leader_a", "reviewer", "nobody"])
@pytest.mark.parametrize("code", ["A", "A-TH1", "HP", "B"])
def test_readers_change_nothing(personas, tree, persona, code):
    assert not access.can_change_unit(personas[persona], tree[code])


@pytest.mark.parametrize("code", ["VN", "HP", "A", "B-MN"])
def test_the_admin_changes_everything(personas, tree, code):
    assert access.can_change_unit(personas["admin"], tree[code])


# --- get_unit_for_user -----------------------------------------------------------------------


def test_it_hides_a_unit_of_another_commune(personas, tree):
    with pytest.raises(Http404):
        access.get_unit_for_user(request_as(personas["officer_b"]), tree["A-TH1"].pk)


def test_it_hides_a_unit_that_does_not_exist(personas):
    with pytest.raises(Http404):
        access.get_unit_for_user(request_as(personas["admin"]), 999_999)


def test_it_refuses_a_leader_who_wants_to_change_the_unit(personas, tree):
    with pytest.raises(PermissionDenied):
        access.get_unit_for_user(request_as(personas["leader_a"]), tree["A"].pk, write=True)


def test_it_gives_the_leader_the_unit_to_read(personas, tree):
    assert access.get_unit_for_user(request_as(personas["leader_a"]), tree["A"].pk) == tree["A"]


def test_it_gives_the_officer_a_unit_below_to_change(personas, tree):
    unit = access.get_unit_for_user(request_as(personas["officer_a"]), tree["A-THCS"].pk, write=True)
    assert unit == tree["A-THCS"]


def test_it_hides_the_unit_above_from_the_officer(personas, tree):
    # Reading documents issued above is allowed; the unit itself is not in the officer's scope.
    with pytest.raises(Http404):
        access.get_unit_for_user(request_as(personas["officer_a"]), tree["HP"].pk)


# --- unit_condition / above_condition / documents --------------------------------------------


@pytest.fixture
def documents(tree):
    return {
        "VN": make_document(tree["VN"], "71-NQ/TW", "Nghị quyết về đột phá phát triển giáo dục và đào tạo",
                            doc_type="NQ"),
        "HP": make_document(tree["HP"], "115/KH-UBND", "Kế hoạch thực hiện Nghị quyết 71 của thành phố"),
        "A": make_document(tree["A"], "12/KH-UBND", "Kế hoạch thực hiện Nghị quyết 71 của phường A"),
        "B": make_document(tree["B"], "08/KH-UBND", "Kế hoạch thực hiện Nghị quyết 71 của phường B"),
        "A-TH1": make_document(tree["A-TH1"], "03/KH-TH", "Kế hoạch của Trường Tiểu học A1"),
    }


def issuers(queryset):
    return {document.issuer.code for document in queryset.select_related("issuer")}


def test_officer_a_reads_the_national_resolution_a_and_its_school_but_not_b(personas, documents):
    assert issuers(Document.objects.visible_to(personas["officer_a"])) == {"VN", "HP", "A", "A-TH1"}


def test_principal_a_reads_what_is_issued_above_its_school_and_its_own(personas, documents):
    assert issuers(Document.objects.visible_to(personas["principal_a"])) == {"VN", "HP", "A", "A-TH1"}


def test_principal_a_does_not_read_another_school_of_the_same_ward(personas, tree, documents):
    Document.objects.create(doc_type="KH", number="05/KH-THCS", issuer=tree["A-THCS"], title="Kế hoạch A2")
    assert "A-THCS" not in issuers(Document.objects.visible_to(personas["principal_a"]))


def test_officer_b_reads_nothing_of_a(personas, documents):
    assert issuers(Document.objects.visible_to(personas["officer_b"])) == {"VN", "HP", "B"}


def test_the_reviewer_reads_every_document_of_the_city(personas, documents):
    assert issuers(Document.objects.visible_to(personas["reviewer"])) == set(documents)


def test_nobody_reads_no_document(personas, documents):
    assert not Document.objects.visible_to(personas["nobody"]).exists()


def test_unit_condition_alone_is_the_scope_without_what_is_above(personas, documents):
    own = Document.objects.filter(access.unit_condition(personas["officer_a"], "issuer"))
    assert issuers(own) == {"A", "A-TH1"}


def test_above_condition_alone_is_the_chain_up_to_the_scope_root(personas, documents):
    above = Document.objects.filter(access.above_condition(personas["principal_a"], "issuer"))
    assert issuers(above) == {"VN", "HP", "A", "A-TH1"}


def test_unit_condition_filters_units_through_a_relation(personas, tree):
    # Units whose parent lies in officer_a's scope: A's three children.
    below = Unit.objects.filter(access.unit_condition(personas["officer_a"], "parent"))
    assert codes(below) == {"A-VHXH", "A-TH1", "A-THCS"}


def test_unit_condition_limited_to_roles_the_user_lacks_gives_nothing(personas, documents):
    condition = access.unit_condition(personas["officer_a"], "issuer", roles={Role.SCHOOL_STAFF})
    assert not Document.objects.filter(condition).exists()


def test_reading_visible_documents_takes_two_queries(personas, documents, django_assert_num_queries):
    user = fresh(personas["officer_a"])
    # 1: the user's memberships with their units; 2: the documents.
    with django_assert_num_queries(2):
        assert len(list(Document.objects.visible_to(user))) == 4


def test_get_document_hides_a_document_of_another_commune(personas, documents):
    with pytest.raises(Http404):
        access.get_object_for_user(personas["officer_b"], Document.objects.all(), documents["A"].pk)


def test_get_document_refuses_a_leader_who_wants_to_change_it(personas, documents):
    with pytest.raises(PermissionDenied):
        access.get_object_for_user(personas["leader_a"], Document.objects.all(), documents["A"].pk, action="change")


def test_get_document_refuses_the_officer_changing_a_directive_from_above(personas, documents):
    with pytest.raises(PermissionDenied):
        access.get_object_for_user(personas["officer_a"], Document.objects.all(), documents["VN"].pk, action="change")


def test_get_document_gives_the_officer_its_own_plan_to_change(personas, documents):
    document = access.get_object_for_user(personas["officer_a"], Document.objects.all(), documents["A"].pk, action="change")
    assert document == documents["A"]


def test_get_document_gives_the_leader_the_plan_to_read(personas, documents):
    assert access.get_object_for_user(personas["leader_a"], Document.objects.all(), documents["A"].pk) == documents["A"]
