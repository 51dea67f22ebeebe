"""A floor across units ("ít nhất 85% …, không có xã, phường nào dưới 60%"): the whole's figure is not enough, every
unit directly below must be at or above the floor (domain.md: floor across units)."""

from datetime import date
from decimal import Decimal

import pytest

from targets.models import ProgressValue
from targets.queries import evaluate_targets
from targets.status import Status
from tests.factories import make_document, make_indicator, make_period, make_target, make_unit
from units.models import UnitSuccession


@pytest.fixture
def period(db):
    return make_period(deadline=date(2026, 1, 25))


@pytest.fixture
def completion(tree):
    """The city's target: at least 85% by 2030, no ward below 60%."""
    indicator = make_indicator("hoan-thanh-thpt")
    plan = make_document(tree["HP"], number="02-CTr/TU", doc_type="CTr")
    target = make_target(plan, indicator, horizons=[("2030", date(2030, 12, 31), Decimal(85), None, Decimal(60))],
                         text="ít nhất 85% hoàn thành THPT, không có xã, phường nào dưới 60%")
    return indicator, target


def value(indicator, unit, period, numerator, denominator):
    ProgressValue.objects.create(indicator=indicator, unit=unit, period=period, numerator=numerator,
                                 denominator=denominator)


def status_at(target, unit, period):
    return evaluate_targets([target], [unit], period)[(unit.pk, target.pk)].evaluation


def test_a_ward_below_the_floor_keeps_the_city_from_meeting_it(tree, period, completion):
    indicator, target = completion
    value(indicator, tree["A-TH1"], period, 950, 1000)  # phường A: 95%
    value(indicator, tree["B-MN"], period, 50, 100)  # phường B: 50%, under the floor
    evaluation = status_at(target, tree["HP"], period)
    # the city's 1000/1100 = 90.9% is beyond 85%, but phường B is below 60%: not met, the deadline is ahead
    assert evaluation.value.quantize(Decimal("0.1")) == Decimal("90.9")
    assert evaluation.status == Status.AT_RISK


def test_every_ward_at_the_floor_meets_it(tree, period, completion):
    indicator, target = completion
    value(indicator, tree["A-TH1"], period, 950, 1000)
    value(indicator, tree["B-MN"], period, 60, 100)  # exactly the floor
    assert status_at(target, tree["HP"], period).status == Status.MET


def test_a_ward_below_the_floor_after_the_deadline_is_behind(tree, completion):
    indicator, target = completion
    late = make_period(code="2030-2031-hk1", school_year="2030-2031", start=date(2030, 9, 5), end=date(2031, 1, 15),
                       deadline=date(2031, 1, 20))
    value(indicator, tree["A-TH1"], late, 950, 1000)
    value(indicator, tree["B-MN"], late, 50, 100)
    assert status_at(target, tree["HP"], late).status == Status.BEHIND


def test_a_ward_merged_away_counts_in_its_successor(tree, period, completion):
    """A ward merged into A before the period is no longer a unit below the city: its values are A's."""
    indicator, target = completion
    old = make_unit("OLD", "Phường cũ", "commune", tree["HP"], valid_to=date(2025, 6, 30))
    UnitSuccession.objects.create(predecessor=old, successor=tree["A"], effective_on=date(2025, 7, 1))
    value(indicator, old, period, 50, 100)  # 50% alone, but A with it: 1000/1100
    value(indicator, tree["A-TH1"], period, 950, 1000)
    value(indicator, tree["B-MN"], period, 90, 100)
    assert status_at(target, tree["HP"], period).status == Status.MET


def test_the_floor_is_judged_where_the_target_was_issued_not_at_each_ward(tree, period, completion):
    indicator, target = completion
    value(indicator, tree["A-TH1"], period, 950, 1000)
    value(indicator, tree["A-THCS"], period, 10, 100)  # a school of A far below: the floor is about wards
    value(indicator, tree["B-MN"], period, 90, 100)
    statuses = evaluate_targets([target], [tree["A"], tree["B"]], period)
    assert statuses[(tree["A"].pk, target.pk)].evaluation.status == Status.MET  # 960/1100 = 87.3%
    assert statuses[(tree["B"].pk, target.pk)].evaluation.status == Status.MET


def test_a_floor_a_department_issues_is_judged_across_its_provinces_wards(tree, period):
    """The Sở GD&ĐT issues for the city: "no ward below 60%" is judged at the city, across its wards."""
    indicator = make_indicator("hoan-thanh-thcs")
    plan = make_document(tree["SGDDT"], number="15/KH-SGDĐT")
    target = make_target(plan, indicator, horizons=[("2030", date(2030, 12, 31), Decimal(85), None, Decimal(60))])
    value(indicator, tree["A-TH1"], period, 950, 1000)
    value(indicator, tree["B-MN"], period, 50, 100)
    assert status_at(target, tree["HP"], period).status == Status.AT_RISK
    # judged at the Sở itself (its plan's target list, its public page, its report), on the figure its officer
    # entered: the same floor across the city's wards
    from targets.queries import target_row

    ProgressValue.objects.create(indicator=indicator, target=target, unit=tree["SGDDT"], period=period, numerator=87,
                                 denominator=100)
    assert status_at(target, tree["SGDDT"], period).status == Status.AT_RISK
    assert target_row(target, period).evaluation.status == Status.AT_RISK


def test_a_departments_own_figure_is_not_a_ward_under_the_floor(tree, period, completion):
    # the city's units directly below that a floor is about are its wards, not the Sở beside them
    indicator, target = completion
    value(indicator, tree["A-TH1"], period, 950, 1000)
    value(indicator, tree["B-MN"], period, 80, 100)
    value(indicator, tree["SGDDT"], period, 50, 100)
    assert status_at(target, tree["HP"], period).status == Status.MET


def test_a_floor_on_a_target_where_less_is_better_is_not_a_floor(tree, period):
    # "at most 2% …": a unit "below the floor" is doing better, not worse
    indicator = make_indicator("suy-dinh-duong")
    plan = make_document(tree["HP"], number="3/KH-UBND")
    target = make_target(plan, indicator, comparator="lte",
                         horizons=[("2030", date(2030, 12, 31), Decimal(5), None, Decimal(1))])
    value(indicator, tree["A-TH1"], period, 2, 1000)
    value(indicator, tree["B-MN"], period, 0, 100)
    assert status_at(target, tree["HP"], period).status == Status.MET


def test_the_politburos_floor_is_judged_across_the_provinces(tree, period):
    indicator = make_indicator("hoan-thanh-thpt-71")
    politburo = make_unit("TW-BCT", "Bộ Chính trị", "central", tree["VN"])
    plan = make_document(politburo, number="71-NQ/TW", doc_type="NQ")
    target = make_target(plan, indicator, horizons=[("2030", date(2030, 12, 31), Decimal(85), None, Decimal(60))])
    other = make_unit("QN", "Tỉnh Quảng Ninh", "province", tree["VN"])
    school = make_unit("QN-X-TH", "Trường Tiểu học X", "school", make_unit("QN-X", "Xã X", "commune", other),
                       levels=["th"])
    value(indicator, tree["A-TH1"], period, 950, 1000)  # Hải Phòng: 95%
    value(indicator, school, period, 50, 100)  # Quảng Ninh: 50%, under the floor
    assert status_at(target, tree["VN"], period).status == Status.AT_RISK
