"""A period is entered once per kind and school year (or year): the admin refuses a second one under another
code, in Vietnamese, and saves nothing."""

from datetime import date

import pytest

from periods.admin import PeriodForm
from periods.models import Period
from tests.factories import make_period


def form_data(**changes):
    return {"code": "hk1-2027-2028", "kind": "semester_1", "school_year": "2027-2028", "year": "",
            "start": "2027-09-05", "end": "2028-01-15", "deadline": "2028-01-25", "lock_after_days": 30, **changes}


@pytest.mark.django_db
def test_a_second_semester_of_the_same_school_year_is_refused():
    existing = make_period(code="2027-2028-hk1", school_year="2027-2028", start=date(2027, 9, 5),
                           end=date(2028, 1, 15), deadline=date(2028, 1, 20))
    form = PeriodForm(form_data())
    assert not form.is_valid()
    assert f"Đã có kỳ “{existing.name}” (mã 2027-2028-hk1)" in " ".join(form.non_field_errors())
    assert Period.objects.count() == 1
    # the other semester of that year, the same semester of another year, and the existing one edited: accepted
    assert PeriodForm(form_data(kind="semester_2", code="2027-2028-hk2", start="2028-01-20", end="2028-05-31",
                                deadline="2028-06-10")).is_valid()
    assert PeriodForm(form_data(school_year="2028-2029", code="2028-2029-hk1", start="2028-09-05",
                                end="2029-01-15", deadline="2029-01-25")).is_valid()
    assert PeriodForm(form_data(code="2027-2028-hk1", deadline="2028-01-30"), instance=existing).is_valid()


@pytest.mark.django_db
def test_a_second_year_period_of_the_same_year_is_refused():
    make_period(code="nam-2027", kind="year", school_year="", year=2027, start=date(2027, 1, 1),
                end=date(2027, 12, 31), deadline=date(2028, 1, 15))
    form = PeriodForm(form_data(code="2027", kind="year", school_year="", year=2027, start="2027-01-01",
                                end="2027-12-31", deadline="2028-01-15"))
    assert not form.is_valid()
    assert "mỗi loại kỳ chỉ có một kỳ cho một năm học hoặc một năm" in " ".join(form.non_field_errors())
