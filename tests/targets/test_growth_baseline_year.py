"""Growth over a baseline year with no figure stated ("tăng ít nhất 20% số học sinh … so với năm 2025"): the goal
is the figure at the end of that year plus 20%, the same whatever period the page is asked for (domain.md: growth
over a baseline)."""

import io
from datetime import date
from decimal import Decimal

import pytest

from targets.models import ProgressValue, ValueKind
from targets.queries import evaluate_targets
from targets.status import Status
from tests.factories import make_document, make_indicator, make_period, make_target

SEMESTERS = [  # (code, school year, kind, start, end, pupils in activities)
    ("2024-2025-hk1", "2024-2025", "semester_1", date(2024, 9, 5), date(2025, 1, 15), 90),
    ("2024-2025-hk2", "2024-2025", "semester_2", date(2025, 1, 16), date(2025, 5, 31), 100),  # the last of 2025
    ("2025-2026-hk1", "2025-2026", "semester_1", date(2025, 9, 5), date(2026, 1, 15), 110),
    ("2025-2026-hk2", "2025-2026", "semester_2", date(2026, 1, 16), date(2026, 5, 31), 116),
    ("2026-2027-hk1", "2026-2027", "semester_1", date(2026, 9, 5), date(2027, 1, 15), 121),
]


@pytest.fixture
def growth(tree):
    """Phường A's target: 20% more pupils in extracurricular activities by 2030 than in 2025."""
    pupils = make_indicator("hs-ngoai-khoa", kind="count", aggregation="sum")
    target = make_target(make_document(tree["A"]), pupils, value=Decimal(20), value_kind=ValueKind.GROWTH,
                         baseline_year=2025,
                         text="Tăng ít nhất 20% số học sinh tham gia hoạt động ngoại khóa so với năm 2025")
    periods = {}
    for code, school_year, kind, start, end, count in SEMESTERS:
        periods[code] = make_period(code=code, kind=kind, school_year=school_year, start=start, end=end,
                                    deadline=end)
        ProgressValue.objects.create(indicator=pupils, unit=tree["A-TH1"], period=periods[code], value=count)
    return target, periods


def evaluation(target, unit, period):
    return evaluate_targets([target], [unit], period)[(unit.pk, target.pk)].evaluation


def test_the_goal_is_the_baseline_years_figure_plus_the_growth_whatever_the_period(tree, growth):
    target, periods = growth
    # 100 at the end of 2025 (the last figure of a period ended by 31/12/2025), plus 20%: 120, in every later period
    goals = {code: evaluation(target, tree["A"], periods[code]).goal for code in
             ("2025-2026-hk1", "2025-2026-hk2", "2026-2027-hk1")}
    assert goals == dict.fromkeys(goals, Decimal(120))


def test_a_figure_beyond_the_baseline_years_growth_is_met(tree, growth):
    target, periods = growth
    assert evaluation(target, tree["A"], periods["2026-2027-hk1"]).status == Status.MET  # 121 ≥ 120
    # 116 < 120: not met yet (from the first figure of this period's trend, 90 at 2024-2025-hk1, the goal read 108)
    assert evaluation(target, tree["A"], periods["2025-2026-hk2"]).status != Status.MET


def test_before_the_baseline_year_ends_the_latest_figure_known_then_is_the_baseline(tree, growth):
    target, periods = growth
    # at 2024-2025-hk1 nothing of later periods is known: 90 is the baseline so far, the goal 108
    assert evaluation(target, tree["A"], periods["2024-2025-hk1"]).goal == Decimal("108")


def test_a_baseline_years_last_figure_from_one_school_of_several_is_not_the_baseline(tree, growth):
    # the end of 2025: only one of the ward's three schools reported 2024-2025-hk2; the baseline is the last complete
    # figure (2024-2025-hk1, all three: 90 + 60 + 50), not that one school's 100, as the status itself is judged
    from tests.factories import make_unit

    target, periods = growth
    third = make_unit("A-MN9", "Trường Mầm non A9", "school", tree["A"], levels=["mn"])
    for school, count in ((tree["A-THCS"], 60), (third, 50)):
        ProgressValue.objects.create(indicator=target.indicator, unit=school, period=periods["2024-2025-hk1"],
                                     value=count)
        ProgressValue.objects.create(indicator=target.indicator, unit=school, period=periods["2025-2026-hk2"],
                                     value=count + 10)
    assert evaluation(target, tree["A"], periods["2025-2026-hk2"]).goal == Decimal(240)  # 200 + 20%


def test_the_target_list_and_page_show_the_baseline_the_report_prints(client, personas, tree, growth):
    # until 28/11/2026 both showed a stated baseline only: nothing for "so với năm 2025", whose goal the report
    # printed with 2025's figure under it
    import re

    from django.urls import reverse
    from docx import Document

    from reports.content import ReportContent, build_report_content
    from reports.report_docx import write_report_docx

    target, periods = growth
    period = periods["2025-2026-hk2"]
    client.force_login(personas["officer_a"])
    listed = client.get(reverse("targets:target_list"), {"period": period.pk}).content.decode()
    row = re.search(rf'<tr id="target-{target.pk}".*?</tr>', listed, re.S).group()
    assert "Giá trị nền: 100 (năm 2025)" in row
    page = client.get(reverse("targets:target_detail", args=[target.pk]), {"period": period.pk}).content.decode()
    assert re.search(r"<dt>Giá trị nền</dt><dd>100 \(năm 2025\)</dd>", page)
    content = build_report_content(unit=tree["A"], document=target.document, period=period)
    printed = next(row for row in content.rows)
    # the reports say the year too (until 28/11/2026 the PDF and the Word file printed "Giá trị nền: 100" alone)
    assert printed.baseline_text == "100 (năm 2025)"
    word = "\n".join(cell.text for table in Document(io.BytesIO(write_report_docx(content))).tables
                     for row in table.rows for cell in row.cells)
    assert "(Giá trị nền: 100 (năm 2025))" in word
    assert ReportContent.from_json(content.to_json()).rows[0].baseline_text == "100 (năm 2025)"  # kept when frozen
