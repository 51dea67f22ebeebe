"""A period's name and short name, as every page, chart and report writes them (computed once per kind and year,
not once per cell: a dashboard asks them hundreds of times)."""

import pytest

from periods.models import Period


@pytest.mark.parametrize(("kind", "school_year", "year", "name", "short"), [
    ("semester_1", "2025-2026", None, "Học kỳ I năm học 2025-2026", "HK I 2025-2026"),
    ("semester_2", "2024-2025", None, "Học kỳ II năm học 2024-2025", "HK II 2024-2025"),
    ("school_year", "2025-2026", None, "Năm học 2025-2026", "Năm học 2025-2026"),
    ("half_year", "", 2026, "6 tháng đầu năm 2026", "6 tháng đầu năm 2026"),
    ("year", "", 2025, "Năm 2025", "Năm 2025"),
])
def test_each_kind_of_period_is_named_in_vietnamese(kind, school_year, year, name, short):
    period = Period(kind=kind, school_year=school_year, year=year)
    assert (period.name, period.short_name, str(period)) == (name, short, name)


def test_a_period_changed_in_memory_is_named_by_what_it_says_now():
    period = Period(kind="semester_1", school_year="2025-2026")
    assert period.name == "Học kỳ I năm học 2025-2026"
    period.kind, period.school_year = "semester_2", "2026-2027"
    assert (period.name, period.short_name) == ("Học kỳ II năm học 2026-2027", "HK II 2026-2027")
    period.kind, period.year = "year", 2027
    assert period.name == "Năm 2027"


def test_before_any_semester_starts_the_current_period_is_the_first_semester_to_come(db):
    """A new installation with a calendar year begun and the first semester still ahead: the principal's home links
    to that semester's report, not to a page that refuses a year (schools report on semesters only)."""
    from datetime import timedelta

    from django.utils import timezone

    from periods.models import current_period
    from tests.factories import make_period

    today = timezone.localdate()
    make_period(code="nam-nay", kind="year", school_year="", year=today.year, start=today - timedelta(days=30),
                end=today + timedelta(days=300), deadline=today + timedelta(days=310))
    semester = make_period(code="hk1-toi", start=today + timedelta(days=10), end=today + timedelta(days=130),
                           deadline=today + timedelta(days=140))
    assert current_period() == semester
    from periods.models import Period

    assert current_period(among=list(Period.objects.all())) == semester
