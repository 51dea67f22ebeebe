"""Two officers reopening entry for the same school after the lock: a reopening from a page that showed none (or
another date) is refused, saying who reopened it until when and why, with what was typed kept; it never silently
shortens or replaces the colleague's. The same form posted twice is granted once."""

from datetime import timedelta

import lxml.html
import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains

from periods.models import PeriodException
from tests.factories import make_user

from .test_school_report_views import locked_period  # noqa: F401 (fixture)


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def school_form(response, school):
    """The folded reopening form of the school's row on the completeness page, as a browser posts it."""
    page = lxml.html.fromstring(response.content.decode())
    unit = page.xpath(f"//form[contains(@class, 'exception-form')][.//input[@name='unit'][@value='{school.pk}']]")[0]
    return {name: value for name, value in unit.form_values()}


@pytest.fixture
def two_officers(tree, personas):
    other = make_user("canbo2_a", tree["A"], "officer", first_name="Trần Thị", last_name="Hà")
    return signed_in(other), signed_in(personas["officer_a"])


def completeness(client, tree, period):
    return client.get(reverse("reports:period_completeness"), {"unit": tree["A"].pk, "period": period.pk})


def day(days):
    return (timezone.localdate() + timedelta(days=days))


def test_a_reopening_from_a_page_opened_before_anothers_is_refused(two_officers, tree, locked_period):  # noqa: F811
    first, second = two_officers
    url = reverse("reports:period_exception", args=[locked_period.pk])
    first_form = school_form(completeness(first, tree, locked_period), tree["A-TH1"])
    second_form = school_form(completeness(second, tree, locked_period), tree["A-TH1"])
    assert first.post(url, {**first_form, "open_until": day(14).isoformat(),
                            "reason": "Trường bị ngập, mất dữ liệu"}).status_code == 302

    # the second page showed no reopening: granted, it would cut the colleague's fourteen days to three
    response = second.post(url, {**second_form, "open_until": day(3).isoformat(), "reason": "Bổ sung số liệu"})

    assertContains(response, "đã được thay đổi sau khi bạn mở trang này", status_code=409)
    assertContains(response, f"Trần Thị Hà đã mở nhập đến ngày {day(14):%d/%m/%Y}", status_code=409)
    assertContains(response, 'value="Bổ sung số liệu"', status_code=409)  # what was typed is kept
    exception = PeriodException.objects.get()
    assert (exception.open_until, exception.reason) == (day(14), "Trường bị ngập, mất dữ liệu")

    # having seen it, the officer may still set its own date, from the refused page
    page = lxml.html.fromstring(response.content.decode()).xpath("//form[@method='post']")[-1]
    assert second.post(url, dict(page.form_values())).status_code == 302
    assert PeriodException.objects.get().open_until == day(3)


def test_the_same_reopening_posted_twice_is_granted_once(personas, tree, locked_period):  # noqa: F811
    client = signed_in(personas["officer_a"])
    url = reverse("reports:period_exception", args=[locked_period.pk])
    form = {**school_form(completeness(client, tree, locked_period), tree["A-TH1"]),
            "open_until": day(7).isoformat(), "reason": "Mất điện"}
    assert [client.post(url, form).status_code for _ in range(2)] == [302, 302]
    assert PeriodException.objects.get().open_until == day(7)


def test_a_reopening_without_the_version_of_its_page_is_refused(two_officers, tree, locked_period):  # noqa: F811
    _, officer = two_officers
    url = reverse("reports:period_exception", args=[locked_period.pk])
    form = {**school_form(completeness(officer, tree, locked_period), tree["A-TH1"]),
            "open_until": day(7).isoformat(), "reason": "Bổ sung số liệu"}
    del form["seen"]

    response = officer.post(url, form)

    assertContains(response, "hãy tải lại trang rồi mở nhập lại", status_code=409)
    assert not PeriodException.objects.exists()


def test_a_first_reopening_is_decided_under_the_units_lock(tree, personas, locked_period):  # noqa: F811
    # with no reopening yet there is no row to lock: two grants at the same instant would both find none and both
    # pass; the unit's row is locked (FOR UPDATE on PostgreSQL) before the reopening is looked for
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from reports.actions import grant_period_exception

    with CaptureQueriesContext(connection) as queries:
        grant_period_exception(period=locked_period, unit=tree["A-TH1"], open_until=day(7), reason="Bổ sung",
                               by=personas["officer_a"], seen="0")

    sql = [query["sql"] for query in queries.captured_queries]
    unit_lock = next(i for i, text in enumerate(sql) if 'FROM "units_unit"' in text and "periods_" not in text)
    looked_for = next(i for i, text in enumerate(sql) if 'FROM "periods_periodexception"' in text)
    assert unit_lock < looked_for
    if connection.features.has_select_for_update:
        assert "FOR UPDATE" in sql[unit_lock]
