"""Where a target stands: the one place that turns a value into a status.

The dashboards, the Excel and the PDF reports all call `evaluate`, so screen and paper agree.

A target is compared with where it should be by now on the straight path from its baseline to its
horizon value: at the baseline date the path is at the baseline value, at the horizon's deadline it
is at the horizon value. The statuses:

- đạt (met): the horizon value is already reached (for "duy trì": the level is kept);
- đúng tiến độ (on track): not yet met, but at or beyond where the path is today;
- có nguy cơ (at risk): behind the path by at most a tenth of the way from baseline to goal, or a
  milestone not yet reached whose deadline is less than six months away;
- chậm (behind): further behind, or the deadline has passed without meeting the goal;
  (on the deadline day itself a target is still judged on its path, as a milestone is);
- chưa có số liệu (no data): nothing reported.

A horizon with a floor across units ("ít nhất 85% …, không có tỉnh nào dưới 60%") is met only when, besides the
figure, the lowest of the units directly below is at or above the floor: short of it, at risk until the deadline,
behind after it.

A target over every school below ("mỗi trường có …", "100% trường …", a floor across them) whose figure some of the
schools that should report it have not given is at most on track: they could undo it (targets.queries._hold_unreported).
"""

from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import Decimal

from django.db import models

from .models import Comparator, ValueKind

AT_RISK_SHARE = Decimal("0.1")  # behind the path by at most this share of the way: at risk
MILESTONE_WARNING = timedelta(days=183)


class Status(models.TextChoices):
    MET = "met", "Đạt"
    ON_TRACK = "on_track", "Đúng tiến độ"
    AT_RISK = "at_risk", "Có nguy cơ"
    BEHIND = "behind", "Chậm"
    NO_DATA = "no_data", "Chưa có số liệu"


STATUS_ORDER = [Status.MET, Status.ON_TRACK, Status.AT_RISK, Status.BEHIND, Status.NO_DATA]


@dataclass(frozen=True)
class Evaluation:
    status: str
    value: Decimal | None
    goal: Decimal | None
    expected: Decimal | None = None
    completion: Decimal | None = None  # share of the way from baseline to goal, 0–100

    @property
    def label(self):
        return Status(self.status).label


def current_horizon(target, as_of, horizons=None):
    """The horizon being worked towards on a date: the first not yet passed, else the last one."""
    horizons = sorted(horizons if horizons is not None else target.rows_of("horizons"),
                      key=lambda h: h.deadline or date.max)
    for horizon in horizons:
        if horizon.deadline is None or horizon.deadline >= as_of:
            return horizon
    return horizons[-1] if horizons else None


def path_start(target, default_year):
    year = target.baseline_year or default_year
    return date(year, 12, 31) if target.baseline_year else date(year, 1, 1)


def evaluate(target, horizon, value, *, as_of, baseline=None, start=None, achieved=None, lowest_below=None):
    """Evaluate one target at one date.

    value: the latest figure (a rate in percent, a count, an index, a level; 1/0 for a milestone);
    baseline: the figure the path starts from (the target's baseline, else the earliest known one);
    start: the date of that baseline; achieved: for milestones, whether it was reached; lowest_below: the
    lowest figure of the units directly below, for a horizon with a floor across them.
    """
    evaluation = _evaluate(target, horizon, value, as_of=as_of, baseline=baseline, start=start, achieved=achieved)
    if lowest_below is None or evaluation.status != Status.MET or horizon.floor_value is None:
        return evaluation
    if lowest_below >= horizon.floor_value:
        return evaluation
    # the whole is reached but a unit below is under the floor ("không có tỉnh nào dưới 60%"): not met yet
    late = horizon.deadline is not None and as_of > horizon.deadline
    return replace(evaluation, status=Status.BEHIND if late else Status.AT_RISK)


def _evaluate(target, horizon, value, *, as_of, baseline, start, achieved):
    if horizon is None:
        return Evaluation(Status.NO_DATA, value, None)
    goal = horizon.value
    deadline = horizon.deadline or date(as_of.year, 12, 31)
    comparator = target.comparator
    if target.value_kind == ValueKind.GROWTH:
        if baseline is None or goal is None:
            return Evaluation(Status.NO_DATA, value, None)
        goal = baseline * (1 + goal / 100)
        comparator = Comparator.GTE
    if comparator == Comparator.ACHIEVE:
        # a milestone or a level to reach by a date: met once reached, judged by the time left until then
        if achieved is None and value is not None:
            achieved = value >= goal if goal is not None else value > 0
        return _milestone(achieved, value, goal, deadline, as_of)
    if value is None:
        return Evaluation(Status.NO_DATA, None, goal)
    if goal is None:  # "giữ vững tỉ lệ …" without a figure: kept while not falling below the start
        if baseline is None:
            return Evaluation(Status.ON_TRACK, value, None)
        return Evaluation(Status.MET if value >= baseline else Status.BEHIND, value, None)
    if horizon.deadline is None:
        # "không nêu thời hạn": no path to be on, the goal is due now; short of it, it is not reached yet (until
        # 28/11/2026 the path ran from the first figure to the year's end, so a first figure of 0 against 100% read
        # "Đúng tiến độ"). A baseline the plan states still counts for the completion; one taken from the first
        # figure does not.
        start = None
        if getattr(target, "baseline_value", None) is None:
            baseline = None
    if comparator == Comparator.RANGE:
        return _range(target, horizon, value, baseline, start, deadline, as_of)
    lower_is_better = comparator == Comparator.LTE or (comparator == Comparator.EQ and goal == 0)
    if comparator == Comparator.MAINTAIN:
        return Evaluation(Status.MET if value >= goal else Status.BEHIND, value, goal, goal,
                          _completion(value, goal, None, lower=False))
    return _towards(value, goal, baseline, start, deadline, as_of, lower=lower_is_better)


def _milestone(achieved, value, goal, deadline, as_of):
    if achieved:
        return Evaluation(Status.MET, value, goal, completion=Decimal(100))
    if achieved is None:
        return Evaluation(Status.NO_DATA, value, goal)
    if as_of > deadline:
        return Evaluation(Status.BEHIND, value, goal, completion=Decimal(0))
    status = Status.AT_RISK if deadline - as_of < MILESTONE_WARNING else Status.ON_TRACK
    return Evaluation(status, value, goal, completion=Decimal(0))


def _range(target, horizon, value, baseline, start, deadline, as_of):
    low, high = horizon.value, horizon.value_max
    if low <= value <= high:
        return Evaluation(Status.MET, value, low, completion=Decimal(100))
    if value > high:  # beyond the range: not the goal either, but not behind it
        return Evaluation(Status.AT_RISK, value, low, completion=Decimal(100))
    return _towards(value, low, baseline, start, deadline, as_of, lower=False)


def _towards(value, goal, baseline, start, deadline, as_of, *, lower):
    """Compare the value with the goal and with the straight path to it (lower: less is better)."""

    def at_least_as_good(a, b):
        return a <= b if lower else a >= b

    completion = _completion(value, goal, baseline, lower=lower)
    if at_least_as_good(value, goal):
        return Evaluation(Status.MET, value, goal, goal, Decimal(100))
    if as_of > deadline:
        return Evaluation(Status.BEHIND, value, goal, goal, completion)
    if baseline is None or start is None:
        # no baseline, no path: all we know is that the goal is not reached yet
        return Evaluation(Status.AT_RISK, value, goal, None, completion)
    expected = expected_on_path(baseline, goal, start, deadline, as_of)
    if at_least_as_good(value, expected):
        status = Status.ON_TRACK
    elif abs(expected - value) <= abs(goal - baseline) * AT_RISK_SHARE:
        status = Status.AT_RISK
    else:
        status = Status.BEHIND
    return Evaluation(status, value, goal, expected, completion)


def expected_on_path(baseline, goal, start, deadline, as_of):
    """Where the straight path from (start, baseline) to (deadline, goal) is on a date."""
    if as_of <= start:
        return baseline
    if as_of >= deadline or deadline <= start:
        return goal
    share = Decimal((as_of - start).days) / Decimal((deadline - start).days)
    return baseline + (goal - baseline) * share


def _completion(value, goal, baseline, *, lower):
    """Share of the way done, 0–100: from the baseline if known, else from zero."""
    if value is None or goal is None:
        return None
    if baseline is None or baseline == goal:
        if lower:
            share = Decimal(100) if value <= goal else (goal / value * 100 if value else Decimal(100))
        else:
            share = Decimal(100) if goal == 0 else value / goal * 100
    else:
        share = (value - baseline) / (goal - baseline) * 100
    return max(Decimal(0), min(Decimal(100), share))
