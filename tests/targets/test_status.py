"""Where a target stands: `targets.status.evaluate` for every comparator, against the straight path."""

from datetime import date, timedelta
from decimal import Decimal
from types import SimpleNamespace

import pytest

from targets.status import Status, current_horizon, evaluate, expected_on_path

D = Decimal
START = date(2025, 12, 31)  # the baseline date of a target whose base year is 2025
DEADLINE = date(2030, 12, 31)
MIDDLE = START + (DEADLINE - START) / 2  # halfway along the path


def target(comparator="gte", value_kind="absolute"):
    return SimpleNamespace(comparator=comparator, value_kind=value_kind)


def horizon(value, deadline=DEADLINE, value_max=None, label=None):
    value = None if value is None else D(value)
    value_max = None if value_max is None else D(value_max)
    label = label if label is not None else (str(deadline.year) if deadline else "")
    return SimpleNamespace(value=value, value_max=value_max, deadline=deadline, label=label)


def judge(comparator, goal, value, *, as_of=MIDDLE, baseline=None, start=START, deadline=DEADLINE,
          value_max=None, value_kind="absolute", achieved=None):
    return evaluate(
        target(comparator, value_kind), horizon(goal, deadline, value_max),
        None if value is None else D(value), as_of=as_of,
        baseline=None if baseline is None else D(baseline), start=start, achieved=achieved,
    )


# --- "từ … trở lên" (gte) --------------------------------------------------------------------------


def test_a_rate_at_its_goal_is_met():
    result = judge("gte", 95, 95, baseline=50)
    assert result.status == Status.MET
    assert result.label == "Đạt"
    assert result.completion == 100


def test_a_rate_above_its_goal_is_met():
    assert judge("gte", 95, "97.5", baseline=50).status == Status.MET


def test_a_rate_exactly_on_the_path_is_on_track():
    # halfway in time from 50 to 90: the path is at 70
    result = judge("gte", 90, 70, baseline=50)
    assert result.status == Status.ON_TRACK
    assert result.label == "Đúng tiến độ"
    assert result.expected == 70
    assert result.completion == 50


def test_a_rate_ahead_of_the_path_is_on_track():
    assert judge("gte", 90, 80, baseline=50).status == Status.ON_TRACK


def test_a_rate_behind_the_path_by_less_than_a_tenth_of_the_way_is_at_risk():
    # the way is 40 points, a tenth is 4: 67 is 3 points behind the path at 70
    result = judge("gte", 90, 67, baseline=50)
    assert result.status == Status.AT_RISK
    assert result.label == "Có nguy cơ"
    assert result.expected == 70


def test_a_rate_behind_the_path_by_more_than_a_tenth_of_the_way_is_behind():
    # 5 points behind the path: more than 4
    result = judge("gte", 90, 65, baseline=50)
    assert result.status == Status.BEHIND
    assert result.label == "Chậm"


def test_a_rate_not_met_once_the_deadline_has_passed_is_behind_however_close():
    result = judge("gte", 95, "94.9", baseline=50, as_of=DEADLINE + timedelta(days=1))
    assert result.status == Status.BEHIND
    assert result.expected == 95


def test_a_rate_met_after_the_deadline_is_still_met():
    assert judge("gte", 95, 96, baseline=50, as_of=date(2031, 6, 30)).status == Status.MET


# --- "không quá" (lte): lower is better ----------------------------------------------------------------


def test_at_most_two_percent_is_met_by_one_and_a_half():
    result = judge("lte", 2, "1.5", baseline=5)
    assert result.status == Status.MET
    assert result.completion == 100


def test_at_most_two_percent_is_not_met_by_three_after_the_deadline():
    assert judge("lte", 2, 3, baseline=5, as_of=date(2031, 1, 15)).status == Status.BEHIND


def test_a_lower_is_better_target_follows_a_falling_path():
    # from 5% down to 2%: halfway the path is at 3.5%
    on_path = judge("lte", 2, "3.5", baseline=5)
    assert on_path.status == Status.ON_TRACK
    assert on_path.expected == D("3.5")
    assert on_path.completion == 50
    assert judge("lte", 2, 3, baseline=5).status == Status.ON_TRACK  # lower than the path: ahead
    # a tenth of the way is 0.3 points
    assert judge("lte", 2, "3.7", baseline=5).status == Status.AT_RISK
    assert judge("lte", 2, "4.5", baseline=5).status == Status.BEHIND


# --- "= 0": zero targets (no dropouts, no violence) --------------------------------------------------


def test_zero_dropouts_is_met_by_zero():
    assert judge("eq", 0, 0).status == Status.MET


def test_one_dropout_does_not_meet_a_zero_target():
    result = judge("eq", 0, 1)
    assert result.status != Status.MET
    assert result.status == Status.AT_RISK  # before the deadline, without a path
    assert result.completion == 0


def test_one_dropout_after_the_deadline_of_a_zero_target_is_behind():
    assert judge("eq", 0, 1, as_of=date(2031, 1, 15)).status == Status.BEHIND


def test_a_zero_target_is_lower_is_better_along_its_path():
    # from 4 dropouts down to 0: halfway the path is at 2
    assert judge("eq", 0, 2, baseline=4).status == Status.ON_TRACK
    assert judge("eq", 0, 1, baseline=4).status == Status.ON_TRACK
    assert judge("eq", 0, 3, baseline=4).status == Status.BEHIND


# --- "trong khoảng" (range) --------------------------------------------------------------------------


def test_a_value_inside_the_range_is_met():
    for value in (80, 82, 85):
        result = judge("range", 80, value, value_max=85, baseline=60)
        assert result.status == Status.MET, value
        assert result.goal == 80


def test_a_value_below_the_range_is_judged_on_the_path_to_its_low_end():
    # from 60 to 80: halfway the path is at 70
    assert judge("range", 80, 72, value_max=85, baseline=60).status == Status.ON_TRACK
    assert judge("range", 80, 69, value_max=85, baseline=60).status == Status.AT_RISK
    assert judge("range", 80, 65, value_max=85, baseline=60).status == Status.BEHIND
    assert judge("range", 80, 65, value_max=85, baseline=60).expected == 70


def test_a_value_above_the_range_is_at_risk():
    result = judge("range", 80, 90, value_max=85, baseline=60)
    assert result.status == Status.AT_RISK
    assert result.completion == 100


# --- "duy trì" (maintain) -----------------------------------------------------------------------------


def test_keeping_level_three_is_met_while_at_three():
    result = judge("maintain", 3, 3)
    assert result.status == Status.MET
    assert result.completion == 100


def test_keeping_level_three_is_behind_at_two():
    result = judge("maintain", 3, 2)
    assert result.status == Status.BEHIND
    assert result.completion.quantize(D("0.01")) == D("66.67")


def test_keeping_a_rate_without_a_figure_is_met_while_not_below_the_start():
    assert judge("maintain", None, 98, baseline=98).status == Status.MET
    assert judge("maintain", None, 97, baseline=98).status == Status.BEHIND


# --- "đạt được" (achieve): milestones and levels ----------------------------------------------------------


def test_an_achieved_milestone_is_met():
    result = judge("achieve", None, None, achieved=True, as_of=date(2031, 1, 1))
    assert result.status == Status.MET
    assert result.completion == 100


def test_a_milestone_not_yet_reached_with_more_than_six_months_left_is_on_track():
    result = judge("achieve", None, None, achieved=False, as_of=DEADLINE - timedelta(days=200))
    assert result.status == Status.ON_TRACK
    assert result.completion == 0


def test_a_milestone_not_yet_reached_with_less_than_six_months_left_is_at_risk():
    assert judge("achieve", None, None, achieved=False, as_of=DEADLINE - timedelta(days=150)).status == Status.AT_RISK


def test_a_milestone_not_reached_by_its_deadline_is_behind():
    assert judge("achieve", None, None, achieved=False, as_of=DEADLINE + timedelta(days=1)).status == Status.BEHIND


def test_a_milestone_reported_as_one_is_met_and_as_zero_is_not():
    assert judge("achieve", None, 1).status == Status.MET
    assert judge("achieve", None, 0, as_of=DEADLINE - timedelta(days=400)).status == Status.ON_TRACK


def test_a_milestone_with_nothing_reported_has_no_data():
    result = judge("achieve", None, None)
    assert result.status == Status.NO_DATA
    assert result.label == "Chưa có số liệu"


def test_reaching_level_two_is_met_at_two_and_above():
    # "đạt mức độ 2"
    assert judge("achieve", 2, 2).status == Status.MET
    assert judge("achieve", 2, 3).status == Status.MET


def test_below_level_two_is_judged_as_a_milestone_by_the_time_left():
    assert judge("achieve", 2, 1, as_of=DEADLINE - timedelta(days=400)).status == Status.ON_TRACK
    assert judge("achieve", 2, 1, as_of=DEADLINE - timedelta(days=30)).status == Status.AT_RISK
    assert judge("achieve", 2, 1, as_of=DEADLINE + timedelta(days=30)).status == Status.BEHIND


# --- growth over a base year ------------------------------------------------------------------------------


def test_twenty_percent_growth_over_a_baseline_of_one_hundred_means_a_goal_of_one_hundred_and_twenty():
    result = judge("gte", 20, 120, baseline=100, value_kind="growth")
    assert result.goal == 120
    assert result.status == Status.MET
    # halfway the path is at 110
    on_path = judge("gte", 20, 110, baseline=100, value_kind="growth")
    assert on_path.status == Status.ON_TRACK
    assert on_path.expected == 110
    assert on_path.completion == 50
    assert judge("gte", 20, 105, baseline=100, value_kind="growth").status == Status.BEHIND


def test_growth_without_a_baseline_cannot_be_judged():
    assert judge("gte", 20, 120, value_kind="growth").status == Status.NO_DATA


# --- without a baseline, without a value, without a horizon ---------------------------------------------------


def test_without_a_baseline_a_value_short_of_the_goal_is_not_met():
    result = judge("gte", 95, 60, start=None)
    assert result.status == Status.AT_RISK  # before the deadline: no path to be behind of
    assert result.expected is None
    # the share of the way is counted from zero
    assert result.completion.quantize(D("0.01")) == D("63.16")


def test_without_a_baseline_a_value_short_of_the_goal_after_the_deadline_is_behind():
    assert judge("gte", 95, 60, start=None, as_of=date(2031, 1, 15)).status == Status.BEHIND


def test_without_a_baseline_the_goal_reached_is_met():
    assert judge("gte", 95, 95, start=None).status == Status.MET


def test_nothing_reported_is_no_data_whatever_the_comparator():
    for comparator in ("gte", "lte", "eq", "range", "maintain"):
        result = judge(comparator, 80, None, baseline=50, value_max=90 if comparator == "range" else None)
        assert result.status == Status.NO_DATA, comparator
        assert result.value is None


def test_a_target_without_a_horizon_has_no_data():
    result = evaluate(target(), None, D(50), as_of=MIDDLE)
    assert result.status == Status.NO_DATA
    assert result.goal is None


# --- the path ---------------------------------------------------------------------------------------


def test_the_path_starts_at_the_baseline():
    assert expected_on_path(D(50), D(90), START, DEADLINE, START) == 50
    assert expected_on_path(D(50), D(90), START, DEADLINE, date(2024, 1, 1)) == 50


def test_the_path_is_halfway_in_the_middle():
    assert expected_on_path(D(50), D(90), START, DEADLINE, MIDDLE) == 70
    assert expected_on_path(D(5), D(2), START, DEADLINE, MIDDLE) == D("3.5")


def test_the_path_ends_at_the_goal_on_the_deadline_and_stays_there():
    assert expected_on_path(D(50), D(90), START, DEADLINE, DEADLINE) == 90
    assert expected_on_path(D(50), D(90), START, DEADLINE, date(2032, 1, 1)) == 90


def test_a_path_that_starts_on_its_deadline_is_at_the_goal_from_then_on():
    assert expected_on_path(D(50), D(90), START, START, START) == 50
    assert expected_on_path(D(50), D(90), START, START, START + timedelta(days=1)) == 90


# --- the horizon being worked towards ---------------------------------------------------------------------


@pytest.fixture
def horizons():
    return [
        horizon(95, date(2030, 12, 31), label="2030"),
        horizon(80, date(2027, 5, 31), label="2026-2027"),
        horizon(99, date(2035, 12, 31), label="2035"),
    ]


def test_the_current_horizon_is_the_first_not_yet_passed(horizons):
    assert current_horizon(target(), date(2026, 11, 23), horizons).label == "2026-2027"
    assert current_horizon(target(), date(2027, 5, 31), horizons).label == "2026-2027"
    assert current_horizon(target(), date(2027, 6, 1), horizons).label == "2030"
    assert current_horizon(target(), date(2031, 1, 1), horizons).label == "2035"


def test_the_current_horizon_falls_back_to_the_last_once_all_have_passed(horizons):
    assert current_horizon(target(), date(2040, 1, 1), horizons).label == "2035"


def test_the_current_horizon_reads_the_targets_horizons_when_none_are_given(horizons):
    # as a Target reads them (Target.rows_of: prefetched rows, else the related manager's)
    with_horizons = SimpleNamespace(comparator="gte", value_kind="absolute",
                                    rows_of={"horizons": horizons}.__getitem__)
    assert current_horizon(with_horizons, date(2028, 1, 1)).label == "2030"


def test_a_horizon_without_a_deadline_is_never_passed(horizons):
    open_ended = horizon(100, None, label="")
    assert current_horizon(target(), date(2040, 1, 1), [*horizons, open_ended]) is open_ended
    assert current_horizon(target(), date(2026, 1, 1), [open_ended, *horizons]).label == "2026-2027"


def test_a_target_without_horizons_has_no_current_horizon():
    assert current_horizon(target(), date(2026, 1, 1), []) is None


# --- the share of the way done ------------------------------------------------------------------------------


def test_completion_never_goes_below_zero():
    # below the baseline: the share would be negative
    result = judge("gte", 90, 40, baseline=50)
    assert result.completion == 0


def test_completion_never_goes_above_one_hundred():
    assert judge("maintain", 3, 4).completion == 100
    assert judge("gte", 95, 150, start=None).completion == 100


def test_completion_is_the_share_of_the_way_from_the_baseline():
    assert judge("gte", 90, 60, baseline=50).completion == 25
    assert judge("lte", 2, 4, baseline=5).completion.quantize(D("0.01")) == D("33.33")
    # lower is better without a baseline: the goal over the value
    assert judge("lte", 2, 4, start=None).completion == 50


@pytest.mark.parametrize("value", ["0", "12.5", "82"])
def test_a_target_without_a_deadline_short_of_its_goal_is_not_on_track(value):
    # "không nêu thời hạn": the phone audit of 28/11/2026 entered 0 against 100% as the first figure and read
    # "Đúng tiến độ" (the path ran from that same figure); there is no path, the goal is due
    as_of = date(2027, 1, 15)
    evaluation = judge("gte", 100, value, as_of=as_of, baseline=value, start=as_of, deadline=None)
    assert evaluation.status == Status.AT_RISK
    assert judge("gte", 100, "100", as_of=as_of, baseline="0", start=as_of, deadline=None).status == Status.MET


def test_a_range_without_a_deadline_short_of_it_is_not_on_track_and_a_stated_baseline_still_counts():
    as_of = date(2027, 1, 15)
    range_target = SimpleNamespace(comparator="range", value_kind="absolute")
    evaluation = evaluate(range_target, horizon(80, None, value_max=85), D(0), as_of=as_of, baseline=D(0), start=as_of)
    assert evaluation.status == Status.AT_RISK
    # the plan's own baseline (60%) is kept for the completion: 70% is half the way to 80%
    stated = SimpleNamespace(comparator="gte", value_kind="absolute", baseline_value=D(60))
    evaluation = evaluate(stated, horizon(80, None), D(70), as_of=as_of, baseline=D(60), start=date(2025, 12, 31))
    assert evaluation.status == Status.AT_RISK and evaluation.completion == 50
