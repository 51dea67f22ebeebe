"""The calendar: every period's deadline and lock date that concerns the user, past and future, with the
entry reopened for one of their units."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from periods.models import PeriodException
from reports.deadlines import calendar_for
from tests.factories import make_period

CALENDAR = reverse("reports:calendar")


@pytest.fixture
def periods(db):
    today = timezone.localdate()
    return [
        make_period(code="hk1-cu", school_year="2024-2025", start=date(2024, 9, 5), end=date(2025, 1, 15),
                    deadline=date(2025, 1, 25)),
        make_period(code="nam-2025", kind="year", school_year="", year=2025, start=date(2025, 1, 1),
                    end=date(2025, 12, 31), deadline=date(2026, 1, 10)),
        make_period(code="hk-sau", school_year="2025-2026", kind="semester_2", start=today + timedelta(100),
                    end=today + timedelta(200), deadline=today + timedelta(210)),
    ]


def test_a_principal_sees_the_semesters_past_and_future(client, personas, tree, periods):
    client.force_login(personas["principal_a"])
    page = client.get(CALENDAR).content.decode()
    assert "Học kỳ I năm học 2024-2025" in page and "Học kỳ II năm học 2025-2026" in page
    assert "Năm 2025" not in page  # a calendar year is not a school's report
    assert "25/01/2025" in page and "01/02/2025" in page  # the old deadline and its lock date
    assert "Đã khóa nhập" in page and "Còn hạn" in page
    assert reverse("reports:school_report_detail", args=[tree["A-TH1"].pk, periods[0].pk]) in page


def test_an_officer_sees_every_period_with_what_to_do(client, personas, tree, periods):
    client.force_login(personas["officer_a"])
    page = client.get(CALENDAR).content.decode()
    assert "Năm 2025" in page and "chốt và gửi báo cáo lên cấp trên" in page
    table = page.split('id="calendar"')[1]  # oldest first; the next deadline is also named above the table
    assert table.index("Học kỳ I năm học 2024-2025") < table.index("Năm 2025") < table.index("Học kỳ II năm học")
    assert "Kỳ sắp tới: <strong>Học kỳ II năm học 2025-2026</strong>" in page.split('id="calendar"')[0]


def test_entry_reopened_for_the_users_unit_is_shown_and_not_for_another(client, personas, tree, periods):
    today = timezone.localdate()
    PeriodException.objects.create(period=periods[0], unit=tree["A-TH1"], open_until=today + timedelta(3),
                                   reason="Bổ sung", granted_by=personas["officer_a"])
    client.force_login(personas["principal_a"])
    assert f"Được mở nhập đến {today + timedelta(3):%d/%m/%Y}" in client.get(CALENDAR).content.decode()
    client.force_login(personas["principal_b"])
    assert "Được mở nhập" not in client.get(CALENDAR).content.decode()


def test_a_user_without_a_role_sees_no_period(client, personas, periods):
    client.force_login(personas["nobody"])
    assert "Không có kỳ báo cáo nào liên quan đến tài khoản của bạn." in client.get(CALENDAR).content.decode()
    assert calendar_for(personas["nobody"]) == []


def test_the_calendar_takes_the_same_queries_whatever_the_number_of_periods(
        client, personas, periods, django_assert_num_queries):
    client.force_login(personas["officer_a"])
    # session, the user with its memberships, the unread notifications (top bar), the periods, the exceptions
    # granted to the user's units
    with django_assert_num_queries(5):
        client.get(CALENDAR)
    for year in range(2030, 2034):
        make_period(code=f"hk-{year}", school_year=f"{year}-{year + 1}", start=date(year, 9, 5),
                    end=date(year + 1, 1, 15), deadline=date(year + 1, 1, 25))
    with django_assert_num_queries(5):
        page = client.get(CALENDAR).content.decode()
    assert page.count("<tr class=") == 7
