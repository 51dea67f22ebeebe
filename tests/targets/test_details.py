"""targets.details.attach_details: the horizons and named units of many targets in two queries, read back as
Django's prefetching would give them, and anything that builds a query from them answering as the real one."""

from datetime import date
from decimal import Decimal

import pytest
from django.db.models import Count

from targets import details
from targets.details import attach_details
from targets.models import Target, TargetHorizon
from tests.factories import make_document, make_indicator, make_target, make_unit


@pytest.mark.parametrize("by_id", [20, 0], ids=["by the targets' ids", "by their plans"])
def test_two_queries_give_each_target_its_own_rows_and_queries_built_from_them_stay_its_own(
        tree, django_assert_num_queries, monkeypatch, by_id):
    monkeypatch.setattr(details, "BY_ID", by_id)
    plan_a, plan_b = make_document(tree["A"], "1/KH"), make_document(tree["B"], "2/KH")
    rate = make_indicator("TL", "Tỷ lệ")
    school = make_unit("A-S1", "Trường Tiểu học số 1", "school", tree["A"], levels=["th"])
    two = make_target(plan_a, rate, horizons=[("2030", date(2030, 12, 31), Decimal(90), None, None),
                                              ("2027", date(2027, 12, 31), Decimal(70), None, None)])
    named = make_target(plan_a, rate, order=1, value=Decimal(100))
    named.scope_units.add(school)
    none = make_target(plan_b, rate, horizons=[])
    targets = list(Target.objects.filter(pk__in=[two.pk, named.pk, none.pk]).order_by("pk"))
    with django_assert_num_queries(2):
        attach_details(targets)
    with django_assert_num_queries(0):
        shown = {t.pk: ([h.label for h in t.horizons.all()], [u.code for u in t.scope_units.all()],
                        t.horizons.count(), t.horizons.exists()) for t in targets}
        assert all(h.target is targets[0] for h in targets[0].horizons.all())
    assert shown == {two.pk: (["2027", "2030"], [], 2, True), named.pk: (["2030"], ["A-S1"], 1, True),
                     none.pk: ([], [], 0, False)}
    first = targets[0]
    # a query built from the rows read is the target's own, as a prefetched query set's would be
    assert [h.label for h in first.horizons.filter(label="2030")] == ["2030"]
    assert [h.label for h in first.horizons.order_by("-deadline")] == ["2030", "2027"]
    assert len(list(first.horizons.iterator())) == 2
    assert first.horizons.aggregate(n=Count("id")) == {"n": 2}
    assert list(targets[2].scope_units.values_list("code", flat=True)) == []
    first.horizons.filter(label="2027").update(value=Decimal(75))
    assert TargetHorizon.objects.filter(value=Decimal(75)).count() == 1
    # already held: nothing read again
    with django_assert_num_queries(0):
        attach_details(targets)


def test_a_targets_rows_are_read_from_what_was_attached_or_else_asked(tree, django_assert_num_queries):
    plan = make_document(tree["A"], "3/KH")
    rate = make_indicator("TL2", "Tỷ lệ 2")
    target = make_target(plan, rate, horizons=[("2030", date(2030, 12, 31), Decimal(90), None, None)])
    fresh = Target.objects.get(pk=target.pk)
    with django_assert_num_queries(1):  # nothing attached: the related manager asks
        assert [h.label for h in fresh.rows_of("horizons")] == ["2030"]
    attach_details([fresh])
    with django_assert_num_queries(0):
        assert [h.label for h in fresh.rows_of("horizons")] == ["2030"]
        assert list(fresh.rows_of("scope_units")) == []


@pytest.mark.parametrize("by_id", [20, 0], ids=["by the targets' ids", "by their plans"])
def test_the_entries_of_a_few_targets_are_their_own_whichever_way_they_are_asked(tree, monkeypatch, by_id):
    """targets.queries._entries asks a few targets' values by their ids (an edit row, a save), more by their
    plans: either way each target gets its own entry for each period, and nothing of another target, another
    unit or an archived value."""
    from django.utils import timezone

    from targets import queries
    from targets.models import ProgressValue
    from tests.factories import make_period

    monkeypatch.setattr(queries, "BY_ID", by_id)
    first = make_period()
    second = make_period("2025-2026-hk2", "semester_2", start=date(2026, 1, 16), end=date(2026, 5, 31),
                         deadline=date(2026, 6, 5))
    plan, other_plan = make_document(tree["A"], "4/KH"), make_document(tree["A"], "5/KH")
    rate, count = make_indicator("TL4", "Tỷ lệ 4"), make_indicator("SL4", "Số lượng 4", kind="count",
                                                                    aggregation="sum")
    asked = make_target(plan, rate, value=Decimal(90))
    counted = make_target(plan, count, order=1, value=Decimal(3))
    sibling = make_target(plan, rate, order=2, value=Decimal(80))  # same plan, not asked
    elsewhere = make_target(other_plan, rate, value=Decimal(70))
    values = {
        (asked.pk, first.pk): ProgressValue.objects.create(indicator=rate, target=asked, unit=tree["A"],
                                                           period=first, numerator=6, denominator=10),
        (asked.pk, second.pk): ProgressValue.objects.create(indicator=rate, target=asked, unit=tree["A"],
                                                            period=second, numerator=8, denominator=10),
        (counted.pk, second.pk): ProgressValue.objects.create(indicator=count, target=counted, unit=tree["A"],
                                                              period=second, value=2),
    }
    ProgressValue.objects.create(indicator=rate, target=sibling, unit=tree["A"], period=second, numerator=1,
                                 denominator=2)
    ProgressValue.objects.create(indicator=rate, target=elsewhere, unit=tree["A"], period=second, numerator=1,
                                 denominator=3)
    ProgressValue.objects.create(indicator=count, target=counted, unit=tree["A"], period=first, value=9,
                                 archived_at=timezone.now())
    targets = list(Target.objects.filter(pk__in=[asked.pk, counted.pk]).select_related("document"))
    entries = queries._entries(targets, [tree["A"], tree["B"]], [first, second])
    assert {(unit, target, period): value.pk for (unit, target, period), value in entries.items()} == {
        (tree["A"].pk, target, period): value.pk for (target, period), value in values.items()}
    # the same figures on the list, through the whole evaluation
    statuses = queries.plan_statuses(targets, tree["A"], second, [first, second])
    assert [(s.target.pk, s.entry.pk if s.entry else None) for s in statuses] == [
        (asked.pk, values[(asked.pk, second.pk)].pk), (counted.pk, values[(counted.pk, second.pk)].pk)]
