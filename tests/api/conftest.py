"""Data for the API's tests: a plan in each ward and one of the city above them, a semester open for entry, figures
from the schools and one entered by the ward, school reports; a token for each persona and service accounts.

    HP  city        02-CTr/TU (city_plan)  <- implemented by A's and B's plans
    A   ward A      12/KH-UBND (plan_a): a rate of trained teachers (from the schools), a count of smart rooms
        A-TH1, A-THCS   schools with figures for the rate; A-TH1 has a draft report
    B   ward B      5/KH-UBND (plan_b): the same rate
        B-MN            a school with figures and a draft report
"""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.utils import timezone
from rest_framework.test import APIClient

from api.actions import create_service_account, issue_token
from reports.models import ReportItem, SchoolReport
from targets.actions import save_progress_value
from targets.models import ProgressValue, ValueSource
from tests.factories import make_document, make_indicator, make_period, make_target

PERSONAS = ["officer_a", "principal_a", "leader_a", "officer_b", "principal_b", "reviewer", "admin"]


@pytest.fixture(autouse=True)
def fresh_throttle_counts():
    # the rate limit counts requests in the cache, which outlives a test's database
    cache.clear()
    yield
    cache.clear()


def current_school_year(today):
    first = today.year if today.month >= 8 else today.year - 1
    return f"{first}-{first + 1}"


@pytest.fixture
def period(db):
    """The semester in progress, far from its deadline: entry is open."""
    today = timezone.localdate()
    return make_period(code="hk-hien-tai", school_year=current_school_year(today), start=today - timedelta(days=30),
                       end=today + timedelta(days=60), deadline=today + timedelta(days=70))


@pytest.fixture
def world(tree, personas, period):
    city_plan = make_document(tree["HP"], "02-CTr/TU", "Chương trình hành động của Thành ủy", doc_type="CTr")
    rate = make_indicator("gv-dat-chuan", "Tỷ lệ giáo viên đạt chuẩn", "rate", "ratio_of_sums", "%",
                          category="staff")
    rooms = make_indicator("phong-thong-minh", "Số phòng học thông minh", "count", "sum", "phòng")
    plan_a = make_document(tree["A"], "12/KH-UBND", "Kế hoạch thực hiện Nghị quyết 71 của phường A")
    plan_b = make_document(tree["B"], "5/KH-UBND", "Kế hoạch của phường B")
    plan_a.implements.add(city_plan)
    plan_b.implements.add(city_plan)
    targets = {
        "city_rate": make_target(city_plan, rate, 1, Decimal(90), category="staff"),
        "a_rate": make_target(plan_a, rate, 1, Decimal(95), category="staff", ref="1"),
        "a_rooms": make_target(plan_a, rooms, 2, Decimal(12), label="2027", ref="2"),
        "b_rate": make_target(plan_b, rate, 1, Decimal(90), category="staff"),
    }
    for school, (numerator, denominator) in {"A-TH1": (30, 40), "A-THCS": (45, 50), "B-MN": (10, 20)}.items():
        ProgressValue.objects.create(indicator=rate, unit=tree[school], period=period, numerator=numerator,
                                     denominator=denominator, source=ValueSource.SCHOOL_REPORT)
    entered = save_progress_value(target=targets["a_rooms"], period=period, values={
        "value": Decimal(4), "status": "in_progress", "note": "Đã lắp 4 phòng"}, by=personas["officer_a"],
        expected_version=0)
    item = ReportItem.objects.create(code="so-giao-vien", label="Tổng số giáo viên", section="Đội ngũ",
                                     levels=["mn", "th", "thcs"])
    reports = {code: SchoolReport.objects.create(school=tree[code], period=period) for code in ("A-TH1", "B-MN")}
    return {"city_plan": city_plan, "plan_a": plan_a, "plan_b": plan_b, "rate": rate, "rooms": rooms,
            "entered": entered, "item": item, "reports": reports, **targets}


@pytest.fixture
def token_for(personas):
    """The text of a new token of a persona (read-write unless told)."""

    def make(name, can_write=True, **extra):
        _, token = issue_token(user=personas[name], name=f"khóa của {name}", can_write=can_write, by=personas[name],
                               **extra)
        return token

    return make


def client_with(token):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client


@pytest.fixture
def api_as(token_for):
    """An API client sending a new token of the persona."""

    def make(name, can_write=True):
        return client_with(token_for(name, can_write))

    return make


@pytest.fixture
def service(tree, personas):
    """Service accounts of ward A, created by its officer: one that reads, one that writes; and one of A's school,
    which writes only when the school's own staff create it (`by`)."""

    def make(unit="A", can_write=False, by="officer_a"):
        account, token = create_service_account(unit=tree[unit], name=f"Hệ thống của {unit}", can_write=can_write,
                                                by=personas[by])
        return account, client_with(token)

    return make
