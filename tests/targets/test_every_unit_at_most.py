"""A target for every unit where less is better ("mỗi lớp không quá 35 học sinh", "không để trường nào có học sinh
bỏ học"): it holds only if every unit is at or under it, so the highest unit's figure decides, not the lowest
(domain.md: count per unit, zero / at most)."""

from datetime import date
from decimal import Decimal

import pytest

from targets.models import ProgressValue
from targets.queries import evaluate_targets
from targets.status import Status
from tests.factories import make_document, make_indicator, make_period, make_target


@pytest.fixture
def period(db):
    return make_period(deadline=date(2026, 1, 25))


def value(indicator, unit, period, figure):
    ProgressValue.objects.create(indicator=indicator, unit=unit, period=period, value=figure)


def judged(target, units, period):
    statuses = evaluate_targets([target], units, period)
    return {unit.pk: statuses[(unit.pk, target.pk)] for unit in units}


@pytest.fixture
def class_size(tree):
    pupils = make_indicator("si-so-lop-lon-nhat", kind="count", aggregation="min", unit_label="học sinh")
    return pupils, make_target(make_document(tree["A"]), pupils, value=Decimal(35), comparator="lte", each_unit=True,
                               text="mỗi lớp không quá 35 học sinh")


def test_one_school_over_the_ceiling_keeps_the_ward_from_meeting_it(tree, period, class_size):
    pupils, target = class_size
    value(pupils, tree["A-TH1"], period, 30)
    value(pupils, tree["A-THCS"], period, 42)
    status = judged(target, [tree["A"]], period)[tree["A"].pk]
    # judged on the school with 42, not the one with 30 (which read "Đạt")
    assert status.figure.value == 42 and status.figure.highest and not status.figure.lowest
    assert status.evaluation.status != Status.MET


def test_every_school_under_the_ceiling_meets_it_on_the_highest(tree, period, class_size):
    pupils, target = class_size
    value(pupils, tree["A-TH1"], period, 30)
    value(pupils, tree["A-THCS"], period, 33)
    status = judged(target, [tree["A"]], period)[tree["A"].pk]
    assert (status.figure.value, status.evaluation.status) == (33, Status.MET)


def test_zero_dropouts_in_every_school_after_its_deadline(tree, period):
    dropouts = make_indicator("hs-bo-hoc", kind="count", aggregation="sum", unit_label="học sinh")
    target = make_target(make_document(tree["A"]), dropouts, value=Decimal(0), comparator="eq", each_unit=True,
                         label="2025", text="không để trường nào có học sinh bỏ học giữa chừng")
    value(dropouts, tree["A-TH1"], period, 0)
    value(dropouts, tree["A-THCS"], period, 5)
    status = judged(target, [tree["A"]], period)[tree["A"].pk]
    assert (status.figure.value, status.evaluation.status) == (5, Status.BEHIND)


def test_each_ward_of_a_drilldown_on_its_own_highest_school(tree, period, class_size):
    pupils, target = class_size
    value(pupils, tree["A-TH1"], period, 30)
    value(pupils, tree["A-THCS"], period, 42)
    value(pupils, tree["B-MN"], period, 28)
    statuses = judged(target, [tree["A"], tree["B"]], period)
    assert statuses[tree["A"].pk].figure.value == 42
    assert statuses[tree["B"].pk].figure.value == 28


def test_a_target_about_named_schools_on_the_highest_of_them(tree, period, class_size):
    pupils, target = class_size
    target.scope_units.set([tree["A-TH1"], tree["A-THCS"]])
    value(pupils, tree["A-TH1"], period, 42)
    value(pupils, tree["A-THCS"], period, 30)
    status = judged(target, [tree["A"]], period)[tree["A"].pk]
    assert status.figure.value == 42 and status.evaluation.status != Status.MET


def test_a_target_for_every_unit_where_more_is_better_stays_on_the_lowest(tree, period):
    rooms = make_indicator("phong-tm", kind="count", aggregation="sum", unit_label="phòng")
    target = make_target(make_document(tree["A"]), rooms, value=Decimal(1), each_unit=True,
                         text="mỗi trường có tối thiểu 01 phòng học thông minh")
    value(rooms, tree["A-TH1"], period, 0)
    value(rooms, tree["A-THCS"], period, 3)
    status = judged(target, [tree["A"]], period)[tree["A"].pk]
    assert status.figure.value == 0 and status.figure.lowest


def test_a_rate_for_every_school_at_most_is_judged_on_the_highest_schools_rate(tree, period):
    # "mỗi trường tỷ lệ bỏ học không quá 1%": schools report counts (3 of 100), not a value; pooled, 3 of 1.100
    # read 0,27% and "Đạt" while one school is at 3%
    rate = make_indicator("ty-le-bo-hoc", unit_label="%")
    target = make_target(make_document(tree["A"]), rate, value=Decimal(1), comparator="lte", each_unit=True,
                         text="mỗi trường tỷ lệ học sinh bỏ học không quá 1%")
    ProgressValue.objects.create(indicator=rate, unit=tree["A-TH1"], period=period, numerator=0, denominator=1000)
    ProgressValue.objects.create(indicator=rate, unit=tree["A-THCS"], period=period, numerator=3, denominator=100)
    status = judged(target, [tree["A"]], period)[tree["A"].pk]
    assert status.figure.value == 3 and status.figure.highest
    assert status.evaluation.status != Status.MET
