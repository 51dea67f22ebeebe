"""The public page of a plan: read without signing in, with the same queries whatever the number of targets."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains

from targets.models import ProgressValue
from tests.factories import make_document, make_indicator, make_period, make_target


@pytest.fixture
def periods(db):
    """The semester in progress and the one before it (the trend)."""
    today = timezone.localdate()
    return [make_period(code="hk-truoc", kind="semester_2", start=today - timedelta(250), end=today - timedelta(130),
                        deadline=today - timedelta(120)),
            make_period(code="hk-nay", start=today - timedelta(30), end=today + timedelta(60),
                        deadline=today + timedelta(70))]


@pytest.fixture
def plan(tree):
    return make_document(tree["A"], "12/KH-UBND", "Kế hoạch thực hiện Nghị quyết 71 của phường A", is_public=True)


def add_targets(tree, plan, periods, n):
    """n more targets of the plan, rates and counts in turn, each with the figures of school A1 in both semesters."""
    start = plan.targets.count()
    for i in range(start, start + n):
        if i % 2:
            indicator = make_indicator(f"ty-le-{i}", f"Tỷ lệ số {i}", unit_label="%")
            figures = [{"numerator": Decimal(20 + i), "denominator": Decimal(40)} for _ in periods]
        else:
            indicator = make_indicator(f"so-luong-{i}", f"Số lượng số {i}", "count", "sum", "phòng")
            figures = [{"value": Decimal(i)}, {"value": Decimal(i + 1)}]
        make_target(plan, indicator, i, Decimal(90 if i % 2 else 10), category="facilities")
        for period, values in zip(periods, figures, strict=True):
            ProgressValue.objects.create(indicator=indicator, unit=tree["A-TH1"], period=period, **values)


def test_the_public_page_takes_the_same_queries_whatever_the_number_of_targets(
        client, tree, plan, periods, django_assert_num_queries):
    url = reverse("public:plan_public", args=[plan.pk])
    add_targets(tree, plan, periods, 3)
    # no session, no user: the plan (with issuer), the periods (offered in the picker; the current one and
    # the trend are taken from them), the targets (with indicator and plan), their horizons, their
    # scope units, the issuer's predecessors, the values entered for the issuer, the roll-ups of its subtree
    with django_assert_num_queries(8):
        client.get(url)
    add_targets(tree, plan, periods, 4)
    with django_assert_num_queries(8):
        response = client.get(url)
    assertContains(response, "<h1>Kế hoạch thực hiện Nghị quyết 71 của phường A</h1>", html=True)
    assertContains(response, "Số lượng số 6")
    assertContains(response, '<tr><td>', count=7)
