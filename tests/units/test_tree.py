from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from targets.queries import subtree_roots
from tests.factories import make_unit
from units.models import Unit, UnitSuccession, predecessors_of


def codes(queryset):
    return {unit.code for unit in queryset}


def make_chain(depth):
    """A chain L1 > L2 > … of the given depth; returns the units from the top down."""
    units, parent = [], None
    for level in range(1, depth + 1):
        parent = make_unit(f"L{level}", f"Cấp {level}", "organisation", parent)
        units.append(parent)
    return units


# --- in_subtree / in_subtrees / ancestors_of -------------------------------------------------


def test_in_subtree_returns_exactly_the_subtree(tree):
    assert codes(Unit.objects.in_subtree(tree["A"])) == {"A", "A-VHXH", "A-TH1", "A-THCS"}


def test_in_subtree_of_a_leaf_is_the_leaf_alone(tree):
    assert codes(Unit.objects.in_subtree(tree["B-MN"])) == {"B-MN"}


def test_in_subtree_does_not_leak_into_a_sibling_whose_code_extends_the_prefix(tree):
    # "/VN/HP/A/" must not match "/VN/HP/AB/": the trailing separator is what keeps them apart.
    make_unit("AB", "Phường AB", "commune", tree["HP"])
    assert "AB" not in codes(Unit.objects.in_subtree(tree["A"]))


def test_in_subtree_issues_one_query_whatever_the_depth(db, django_assert_num_queries):
    chain = make_chain(5)
    with django_assert_num_queries(1):
        found = list(Unit.objects.in_subtree(chain[0]))
    assert [unit.code for unit in found] == ["L1", "L2", "L3", "L4", "L5"]
    assert chain[-1].depth == 4


def test_in_subtree_can_leave_out_the_unit_itself(tree):
    assert codes(Unit.objects.in_subtree(tree["A"], include_self=False)) == {"A-VHXH", "A-TH1", "A-THCS"}


def test_in_subtrees_is_the_union_in_one_query(tree, django_assert_num_queries):
    with django_assert_num_queries(1):
        found = codes(Unit.objects.in_subtrees([tree["A-TH1"], tree["B"]]))
    assert found == {"A-TH1", "B", "B-MN"}


def test_in_subtrees_of_no_unit_gives_nothing(tree):
    assert not Unit.objects.in_subtrees([]).exists()


def test_ancestors_of_runs_from_the_root_down_to_the_unit_in_one_query(tree, django_assert_num_queries):
    with django_assert_num_queries(1):
        chain = [unit.code for unit in Unit.objects.ancestors_of(tree["A-TH1"])]
    assert chain == ["VN", "HP", "A", "A-TH1"]


def test_ancestors_of_can_leave_out_the_unit_itself(tree):
    chain = [unit.code for unit in Unit.objects.ancestors_of(tree["A-TH1"], include_self=False)]
    assert chain == ["VN", "HP", "A"]


# --- place / move_to -------------------------------------------------------------------------


def test_place_computes_path_and_depth_from_the_parent(tree):
    unit = Unit(code="A", name="Phường A", kind="commune", parent=tree["HP"])
    unit.place()
    assert unit.path == "/VN/HP/A/"
    assert unit.depth == 2


def test_place_makes_a_unit_without_parent_a_root(db):
    unit = Unit(code="VN", name="Trung ương", kind="central")
    unit.place()
    assert (unit.path, unit.depth) == ("/VN/", 0)


def test_it_refuses_a_code_containing_a_slash(tree):
    unit = Unit(code="A/B", name="Sai mã", kind="commune", parent=tree["HP"])
    with pytest.raises(ValidationError) as caught:
        unit.place()
    assert "code" in caught.value.message_dict


def test_move_to_rewrites_the_paths_and_depths_of_the_whole_subtree(tree):
    # A-VHXH gets a child so that the move has grandchildren to carry along.
    team = make_unit("A-VHXH-T1", "Tổ công tác 1", "organisation", tree["A-VHXH"])
    tree["A"].move_to(tree["B"])

    moved = {unit.code: unit for unit in Unit.objects.in_subtree(tree["B"])}
    assert moved["A"].parent_id == tree["B"].pk
    assert (moved["A"].path, moved["A"].depth) == ("/VN/HP/B/A/", 3)
    assert (moved["A-TH1"].path, moved["A-TH1"].depth) == ("/VN/HP/B/A/A-TH1/", 4)
    team.refresh_from_db()
    assert (team.path, team.depth) == ("/VN/HP/B/A/A-VHXH/A-VHXH-T1/", 5)
    assert not Unit.objects.filter(path__startswith="/VN/HP/A/").exists()


def test_move_to_leaves_units_outside_the_subtree_alone(tree):
    tree["A-TH1"].move_to(tree["B"])
    tree["A-THCS"].refresh_from_db()
    tree["B-MN"].refresh_from_db()
    assert tree["A-THCS"].path == "/VN/HP/A/A-THCS/"
    assert tree["B-MN"].path == "/VN/HP/B/B-MN/"


def test_move_to_refuses_a_unit_under_its_own_descendant_and_changes_nothing(tree):
    before = dict(Unit.objects.values_list("code", "path"))
    with pytest.raises(ValidationError) as caught:
        tree["A"].move_to(tree["A-VHXH"])
    assert "parent" in caught.value.message_dict
    assert dict(Unit.objects.values_list("code", "path")) == before
    assert Unit.objects.get(code="A").parent_id == tree["HP"].pk


def test_a_refused_move_leaves_the_unit_instance_as_it_was(tree):
    unit = tree["A"]
    with pytest.raises(ValidationError):
        unit.move_to(tree["A-VHXH"])
    assert (unit.parent_id, unit.path, unit.depth) == (tree["HP"].pk, "/VN/HP/A/", 2)


def test_move_to_refuses_a_unit_under_itself(tree):
    with pytest.raises(ValidationError):
        tree["A"].move_to(Unit.objects.get(code="A"))
    assert Unit.objects.get(code="A").path == "/VN/HP/A/"


def test_clean_refuses_a_parent_below_the_unit(tree):
    unit = Unit.objects.get(code="A")
    unit.parent = tree["A-TH1"]
    with pytest.raises(ValidationError) as caught:
        unit.clean()
    assert "parent" in caught.value.message_dict


# --- validity --------------------------------------------------------------------------------


def test_valid_on_drops_a_unit_whose_valid_to_has_passed(tree):
    make_unit(
        "OLD", "Phường cũ", "commune", tree["HP"], valid_from=date(2020, 1, 1), valid_to=date(2025, 6, 30)
    )
    assert "OLD" in codes(Unit.objects.valid_on(date(2025, 6, 30)))
    assert "OLD" not in codes(Unit.objects.valid_on(date(2025, 7, 1)))


def test_valid_on_drops_a_unit_not_yet_in_force(tree):
    assert "A" not in codes(Unit.objects.valid_on(date(2025, 6, 30)))
    assert "A" in codes(Unit.objects.valid_on(date(2025, 7, 1)))


def test_current_keeps_open_ended_units_and_drops_expired_ones(tree):
    yesterday = timezone.localdate() - timedelta(days=1)
    make_unit("OLD", "Phường cũ", "commune", tree["HP"], valid_to=yesterday)
    current = codes(Unit.objects.current())
    assert "OLD" not in current
    assert {"VN", "HP", "A", "B", "A-TH1"} <= current


def test_the_database_refuses_valid_to_before_valid_from(tree):
    unit = Unit(code="X", name="Sai ngày", kind="commune", parent=tree["HP"])
    unit.place()
    unit.valid_from, unit.valid_to = date(2025, 7, 1), date(2025, 6, 30)
    with pytest.raises(IntegrityError), transaction.atomic():
        unit.save()


def test_full_clean_reports_the_validity_constraint_in_vietnamese(tree):
    unit = Unit(code="X", name="Sai ngày", kind="commune", parent=tree["HP"])
    unit.place()
    unit.valid_from, unit.valid_to = date(2025, 7, 1), date(2025, 6, 30)
    with pytest.raises(ValidationError, match="Ngày hết hiệu lực phải sau ngày bắt đầu hiệu lực"):
        unit.full_clean()


# --- levels ----------------------------------------------------------------------------------


def test_clean_refuses_levels_on_a_unit_that_is_not_a_school(tree):
    unit = Unit(code="X", name="Phường X", kind="commune", parent=tree["HP"], levels=["th"])
    with pytest.raises(ValidationError) as caught:
        unit.clean()
    assert caught.value.message_dict["levels"] == ["Chỉ trường học mới có cấp học."]


def test_clean_refuses_an_unknown_level(tree):
    unit = Unit(code="X", name="Trường X", kind="school", parent=tree["A"], levels=["th", "dh"])
    with pytest.raises(ValidationError) as caught:
        unit.clean()
    assert "dh" in caught.value.message_dict["levels"][0]


def test_clean_refuses_a_school_without_levels(tree):
    unit = Unit(code="X", name="Trường X", kind="school", parent=tree["A"], levels=[])
    with pytest.raises(ValidationError) as caught:
        unit.clean()
    assert "levels" in caught.value.message_dict


def test_a_combined_primary_and_lower_secondary_school_keeps_both_levels(tree):
    school = Unit.objects.get(code="A-THCS")
    assert school.levels == ["th", "thcs"]
    assert school.levels_display() == "Tiểu học & Trung học cơ sở"


# --- succession ------------------------------------------------------------------------------


@pytest.fixture
def merges(tree):
    """Two wards merged on 01/7/2025 into a new ward, itself merged later into a newer one.

    OLD1 + OLD2 -> NEW (01/7/2025) -> NEWER (yesterday); NEWER is the only one in force.
    """
    yesterday = timezone.localdate() - timedelta(days=1)
    old1 = make_unit("OLD1", "Phường cũ 1", "commune", tree["HP"], valid_to=date(2025, 6, 30))
    old2 = make_unit("OLD2", "Phường cũ 2", "commune", tree["HP"], valid_to=date(2025, 6, 30))
    new = make_unit(
        "NEW",
        "Phường mới",
        "commune",
        tree["HP"],
        valid_from=date(2025, 7, 1),
        valid_to=yesterday - timedelta(1),
    )
    newer = make_unit("NEWER", "Phường mới hơn", "commune", tree["HP"], valid_from=yesterday)
    for predecessor, successor, day in [
        (old1, new, date(2025, 7, 1)),
        (old2, new, date(2025, 7, 1)),
        (new, newer, yesterday),
    ]:
        UnitSuccession.objects.create(
            predecessor=predecessor, successor=successor, kind=UnitSuccession.Kind.MERGE, effective_on=day
        )
    return {"OLD1": old1, "OLD2": old2, "NEW": new, "NEWER": newer}


def test_lineage_ids_hold_the_unit_and_its_predecessors(merges):
    expected = {merges["NEW"].pk, merges["OLD1"].pk, merges["OLD2"].pk}
    assert merges["NEW"].lineage_ids() == expected


def test_lineage_ids_follow_a_chain_of_two_merges(merges):
    expected = {unit.pk for unit in merges.values()}
    assert merges["NEWER"].lineage_ids() == expected


def test_lineage_ids_of_a_unit_without_history_are_itself(tree):
    assert tree["A"].lineage_ids() == {tree["A"].pk}


def test_current_successors_of_a_dissolved_ward_is_the_ward_in_force(merges):
    assert merges["OLD1"].current_successors() == [merges["NEWER"]]
    assert merges["NEW"].current_successors() == [merges["NEWER"]]


def test_current_successors_of_a_unit_in_force_is_itself(merges, tree):
    assert merges["NEWER"].current_successors() == [merges["NEWER"]]
    assert tree["A"].current_successors() == [tree["A"]]


def test_current_successors_of_a_single_merge_is_the_new_ward(tree):
    old = make_unit("OLD", "Phường cũ", "commune", tree["HP"], valid_to=date(2025, 6, 30))
    UnitSuccession.objects.create(predecessor=old, successor=tree["A"], effective_on=date(2025, 7, 1))
    assert old.current_successors() == [tree["A"]]


def test_the_database_refuses_a_unit_succeeding_itself(tree):
    with pytest.raises(IntegrityError), transaction.atomic():
        UnitSuccession.objects.create(
            predecessor=tree["A"], successor=tree["A"], effective_on=date(2025, 7, 1)
        )


def test_full_clean_refuses_a_unit_succeeding_itself_in_vietnamese(tree):
    link = UnitSuccession(predecessor=tree["A"], successor=tree["A"], effective_on=date(2025, 7, 1))
    with pytest.raises(ValidationError, match="Một đơn vị không thể kế thừa chính nó"):
        link.full_clean()


def test_predecessors_are_read_through_every_generation_in_one_query(tree, django_assert_num_queries):
    """C was merged into B, B into A; D was renamed E, and E later took D's name back (a cycle)."""
    c = make_unit("C", "Phường C", "commune", tree["HP"])
    d = make_unit("D", "Phường D", "commune", tree["HP"])
    e = make_unit("E", "Phường E", "commune", tree["HP"])
    for old, new in ((tree["B"], tree["A"]), (c, tree["B"]), (d, e), (e, d)):
        UnitSuccession.objects.create(predecessor=old, successor=new, effective_on=date(2025, 7, 1))
    with django_assert_num_queries(1):
        found = predecessors_of([tree["A"].pk, d.pk, tree["HP"].pk])
    assert sorted(u.code for u in found[tree["A"].pk]) == ["B", "C"]
    assert [u.code for u in found[d.pk]] == ["E"]  # the cycle ends where D comes round again
    assert tree["HP"].pk not in found
    assert found[tree["A"].pk][0].path == Unit.objects.get(code=found[tree["A"].pk][0].code).path
    assert tree["A"].lineage_ids() == {tree["A"].pk, tree["B"].pk, c.pk}
    with django_assert_num_queries(0):
        assert predecessors_of([]) == {}
    # read with the lineage mark, a unit without predecessors costs no query in subtree_roots
    marked = {u.code: u for u in Unit.objects.filter(code__in=["A", "HP"]).with_lineage_mark()}
    assert (marked["A"].has_predecessors, marked["HP"].has_predecessors) == (True, False)
    with django_assert_num_queries(0):
        assert [u.pk for u in subtree_roots([marked["HP"]])[marked["HP"].pk]] == [marked["HP"].pk]
    # the lineage, then the periods its predecessors reported themselves (targets/lineage.py: counted there once)
    with django_assert_num_queries(2):
        roots = subtree_roots([marked["A"], marked["HP"]])
    assert {u.code for u in roots[marked["A"].pk]} == {"A", "B", "C"}
