"""A target for every unit where less is better ("mỗi lớp không quá 35 học sinh") consolidates across the communes
to the highest commune's figure, as each commune's figure is its highest school's (targets.queries)."""

from dataclasses import replace

from reports.consolidation import HIGHEST, LOWEST, consolidate
from reports.content import ReportGroup, ReportRow
from tests.reports.test_report_files import make_content, row


def contents(ceiling):
    return [make_content(unit_code=f"X{n}", unit_name=f"Ủy ban nhân dân xã Số {n}", groups=[
        ReportGroup("facilities", "Cơ sở vật chất", [
            replace(row(1, "Sĩ số lớp lớn nhất", result=float(figure), kind="count", unit_label="học sinh",
                        goal="≤ 35 (đến năm 2030)"), each_unit=True, ceiling=ceiling)])])
        for n, figure in ((1, 30), (2, 42), (3, 33))]


def test_a_ceiling_for_every_unit_consolidates_to_the_highest_commune():
    [(_label, [target])] = consolidate(contents(ceiling=True))
    # xã Số 2's 42 is over the ceiling: the city's figure is 42, not xã Số 1's 30
    assert (target.rule, target.value) == (HIGHEST, 42)
    assert target.overall_text() == "cao nhất 42 học sinh"


def test_a_floor_for_every_unit_still_consolidates_to_the_lowest_commune():
    [(_label, [target])] = consolidate(contents(ceiling=False))
    assert (target.rule, target.value) == (LOWEST, 30)


def test_a_report_frozen_before_rows_said_so_reads_as_no_ceiling():
    data = {key: value for key, value in ReportRow.__dataclass_fields__.items() if key != "ceiling"}
    frozen = {key: getattr(contents(True)[0].groups[0].rows[0], key) for key in data}
    assert ReportRow.from_json(frozen).ceiling is False


def test_a_communes_report_row_says_its_target_is_a_ceiling_for_every_unit(tree):
    from datetime import date
    from decimal import Decimal

    from reports.content import _groups
    from targets.models import ProgressValue
    from targets.queries import plan_statuses
    from tests.factories import make_document, make_indicator, make_period, make_target

    period = make_period(deadline=date(2026, 1, 25))
    pupils = make_indicator("si-so", kind="count", aggregation="min", unit_label="học sinh")
    plan = make_document(tree["A"])
    ceiling = make_target(plan, pupils, 1, Decimal(35), comparator="lte", each_unit=True)
    floor = make_target(plan, pupils, 2, Decimal(20), comparator="gte", each_unit=True)
    for school, figure in ((tree["A-TH1"], 30), (tree["A-THCS"], 42)):
        ProgressValue.objects.create(indicator=pupils, unit=school, period=period, value=figure)
    rows = {r.number: r for group in _groups(plan_statuses([ceiling, floor], tree["A"], period), {}) for r in group.rows}
    assert (rows["1"].ceiling, rows["1"].result) == (True, 42)
    assert (rows["2"].ceiling, rows["2"].result) == (False, 30)
