"""Roll-ups of a subtree: computed in SQL from counts, one query whatever the number of units."""

from datetime import date
from decimal import Decimal

import pytest

from targets.models import ProgressValue
from targets.queries import rollup, rollups
from tests.factories import make_indicator, make_period, make_unit
from units.models import UnitSuccession


@pytest.fixture
def period(db):
    return make_period(deadline=date(2026, 1, 25))


def value(indicator, unit, period, **fields):
    return ProgressValue.objects.create(indicator=indicator, unit=unit, period=period, **fields)


def test_a_ward_rate_is_the_sum_of_numerators_over_the_sum_of_denominators(tree, period):
    trained = make_indicator("trained", kind="rate", aggregation="ratio_of_sums")
    value(trained, tree["A-TH1"], period, numerator=10, denominator=10)  # 100%
    value(trained, tree["A-THCS"], period, numerator=30, denominator=60)  # 50%
    result = rollup(trained, tree["A"], period)
    # 40/70, not the 75% an average of percentages would give
    assert result.value.quantize(Decimal("0.01")) == Decimal("57.14")
    assert (result.numerator, result.denominator, result.reporting_units) == (40, 70, 2)


def test_another_wards_values_do_not_count(tree, period):
    trained = make_indicator("trained", kind="rate", aggregation="ratio_of_sums")
    value(trained, tree["A-TH1"], period, numerator=5, denominator=10)
    value(trained, tree["B-MN"], period, numerator=10, denominator=10)
    assert rollup(trained, tree["A"], period).value == Decimal(50)
    assert rollup(trained, tree["HP"], period).value == Decimal(75)


def test_counts_sum_levels_take_the_lowest_and_every_unit_needs_all(tree, period):
    dropouts = make_indicator("dropouts", kind="count", aggregation="sum")
    level = make_indicator("level", kind="level", aggregation="min")
    milestone = make_indicator("milestone", kind="milestone", aggregation="every_unit")
    for school, n, lvl, done in ((tree["A-TH1"], 1, 2, True), (tree["A-THCS"], 2, 1, False)):
        value(dropouts, school, period, value=n)
        value(level, school, period, value=lvl)
        value(milestone, school, period, achieved=done)
    results = rollups([dropouts, level, milestone], tree["A"], period)
    assert results[dropouts.pk].value == 3
    assert results[level.pk].value == 1
    assert results[milestone.pk].value == 0
    assert results[milestone.pk].achieved_units == 1


def test_a_unit_with_no_values_has_no_value(tree, period):
    trained = make_indicator("trained", kind="rate", aggregation="ratio_of_sums")
    result = rollup(trained, tree["B"], period)
    assert result.value is None and result.reporting_units == 0


def test_values_recorded_under_a_merged_ward_follow_into_its_successor(tree, period):
    trained = make_indicator("trained", kind="rate", aggregation="ratio_of_sums")
    old = make_unit("OLD", "Phường cũ", "commune", tree["HP"], valid_to=date(2025, 6, 30))
    UnitSuccession.objects.create(predecessor=old, successor=tree["A"], effective_on=date(2025, 7, 1))
    value(trained, old, period, numerator=1, denominator=4)
    value(trained, tree["A-TH1"], period, numerator=3, denominator=4)
    assert rollup(trained, tree["A"], period).value == Decimal(50)
    assert rollup(trained, tree["A"], period, follow_lineage=False).value == Decimal(75)


def test_rolling_up_many_indicators_is_one_query_whatever_the_schools(tree, period, django_assert_num_queries):
    indicators = [make_indicator(f"i{n}", kind="rate", aggregation="ratio_of_sums") for n in range(4)]
    for n in range(6):
        school = make_unit(f"A-S{n}", f"Trường {n}", "school", tree["A"], levels=["th"])
        for each in indicators:
            value(each, school, period, numerator=n, denominator=10)
    # one grouped query (the lineage look-up is skipped here)
    with django_assert_num_queries(1):
        results = rollups(indicators, tree["A"], period, follow_lineage=False)
    assert len(results) == 4
    assert all(r.denominator == 60 for r in results.values())
