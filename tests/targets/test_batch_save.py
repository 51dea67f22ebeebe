"""save_progress_values: many values at once (the API's bulk write) under exactly the rules of save_progress_value,
all or nothing, in a number of queries that does not depend on how many."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from periods.models import PeriodException
from targets.actions import (
    BatchRefusedError,
    PeriodLockedError,
    StaleValueError,
    save_progress_value,
    save_progress_values,
)
from targets.models import ProgressValue, ProgressValueChange
from tests.factories import make_document, make_indicator, make_period, make_target


@pytest.fixture
def open_period(db):
    today = timezone.localdate()
    return make_period(code="hk-mo", start=today - timedelta(days=30), end=today + timedelta(days=60),
                       deadline=today + timedelta(days=70))


@pytest.fixture
def locked_period(db):
    today = timezone.localdate()
    return make_period(code="hk-khoa", kind="semester_2", start=today - timedelta(days=200),
                       end=today - timedelta(days=100), deadline=today - timedelta(days=90), lock_after_days=7)


@pytest.fixture
def targets(tree):
    plan = make_document(tree["A"], "12/KH-UBND", "Kế hoạch của phường A")
    rooms = make_indicator("phong", "Số phòng học thông minh", "count", "sum", "phòng")
    rate = make_indicator("ty-le", "Tỷ lệ giáo viên đạt chuẩn", "rate", "ratio_of_sums", "%")
    return [make_target(plan, rooms, i, Decimal(10)) for i in range(4)] + [make_target(plan, rate, 9, Decimal(90))]


def entries(targets, period, versions, value=Decimal(3)):
    rows = []
    for target, version in zip(targets, versions, strict=True):
        values = ({"numerator": Decimal(30), "denominator": Decimal(40), "status": "in_progress", "note": "tỷ lệ"}
                  if target.indicator.kind == "rate" else {"value": value, "status": "in_progress", "note": ""})
        rows.append((target, period, values, version))
    return rows


def test_first_saves_and_updates_write_values_versions_and_history(targets, open_period, personas):
    officer = personas["officer_a"]
    first = save_progress_values(entries=entries(targets, open_period, [0] * 5), by=officer)
    assert [v.version for v in first] == [1] * 5
    assert ProgressValue.objects.filter(period=open_period).count() == 5
    stamp = ProgressValue.objects.get(pk=first[0].pk).entered_at
    again = save_progress_values(entries=entries(targets, open_period, [1] * 5, value=Decimal(7)), by=officer)
    assert [v.pk for v in again] == [v.pk for v in first] and [v.version for v in again] == [2] * 5
    stored = {v.pk: v for v in ProgressValue.objects.filter(period=open_period)}
    assert stored[first[0].pk].value == 7 and stored[first[0].pk].version == 2
    assert stored[first[0].pk].entered_at >= stamp and stored[first[0].pk].entered_by == officer
    rate = stored[first[4].pk]
    assert (rate.numerator, rate.denominator, rate.note) == (30, 40, "tỷ lệ")
    history = list(ProgressValueChange.objects.filter(value_id=first[0].pk).order_by("pk"))
    assert [h.before for h in history] == [None, {"numerator": None, "denominator": None, "value": "3",
                                                  "achieved": None, "status": "in_progress", "note": ""}]
    assert history[1].after["value"] == "7"


def test_the_batch_matches_one_by_one_saves(targets, open_period, personas):
    one = save_progress_value(target=targets[0], period=open_period, by=personas["officer_a"], expected_version=0,
                              values={"value": Decimal(3), "status": "in_progress", "note": ""})
    many = save_progress_values(entries=entries(targets[1:2], open_period, [0]), by=personas["officer_a"])[0]
    one, many = (ProgressValue.objects.get(pk=value.pk) for value in (one, many))
    fields = ["numerator", "denominator", "value", "achieved", "status", "note", "version", "source", "unit_id",
              "period_id", "entered_by_id"]
    assert [getattr(one, f) for f in fields] == [getattr(many, f) for f in fields]
    assert [(h.before, h.after) for h in one.changes.all()] == [(h.before, h.after) for h in many.changes.all()]


def test_one_stale_entry_saves_nothing_and_names_it(targets, open_period, personas):
    officer = personas["officer_a"]
    save_progress_values(entries=entries(targets, open_period, [0] * 5), by=officer)
    versions = [1, 1, 0, 1, 1]  # the third was read before the first save
    with pytest.raises(BatchRefusedError) as refused:
        save_progress_values(entries=entries(targets, open_period, versions, value=Decimal(9)), by=officer)
    [(index, error)] = refused.value.refusals
    assert index == 2 and isinstance(error, StaleValueError) and error.current.version == 1
    assert not ProgressValue.objects.filter(period=open_period, value=9).exists()
    assert ProgressValueChange.objects.count() == 5


def test_a_locked_period_refuses_every_entry_unless_reopened(targets, locked_period, personas, tree):
    officer = personas["officer_a"]
    with pytest.raises(BatchRefusedError) as refused:
        save_progress_values(entries=entries(targets[:2], locked_period, [0, 0]), by=officer)
    assert [i for i, _ in refused.value.refusals] == [0, 1]
    assert all(isinstance(e, PeriodLockedError) for _, e in refused.value.refusals)
    assert not ProgressValue.objects.exists()
    PeriodException.objects.create(period=locked_period, unit=tree["A"], reason="Bổ sung",
                                   open_until=timezone.localdate() + timedelta(days=3))
    assert len(save_progress_values(entries=entries(targets[:2], locked_period, [0, 0]), by=officer)) == 2


def test_the_queries_do_not_grow_with_the_entries(targets, open_period, personas, tree,
                                                  django_assert_max_num_queries):
    officer = personas["officer_a"]
    more = targets + [make_target(targets[0].document, targets[0].indicator, 20 + i, Decimal(5)) for i in range(20)]
    with django_assert_max_num_queries(8) as few:
        save_progress_values(entries=entries(targets[:2], open_period, [0, 0]), by=officer)
    with django_assert_max_num_queries(len(few.captured_queries)):
        save_progress_values(entries=entries(more[2:], open_period, [0] * len(more[2:])), by=officer)
    with django_assert_max_num_queries(len(few.captured_queries) + 1):  # updates and inserts together
        save_progress_values(entries=entries(more, open_period, [1] * len(more)), by=officer)
