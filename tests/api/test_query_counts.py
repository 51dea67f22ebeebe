"""Every list of the API reads in a number of queries that does not grow with the rows it returns: measured with
one added ward (schools, a plan, targets, a task, figures, school reports, a sent report), then again after three
more."""

from decimal import Decimal

import pytest
from django.utils import timezone

from plans.models import Task
from reports.models import OutgoingReport, SchoolReport
from targets.models import ProgressValue, ValueSource
from tests.factories import make_document, make_target, make_unit

LISTS = ["/api/v1/units/", "/api/v1/periods/", "/api/v1/documents/", "/api/v1/tasks/", "/api/v1/indicators/",
         "/api/v1/targets/", "/api/v1/values/", "/api/v1/school-reports/", "/api/v1/outgoing-reports/"]


def add_a_ward(tree, world, period, officer, n):
    ward = make_unit(f"W{n}", f"Phường thêm {n}", "commune", tree["HP"])
    plan = make_document(ward, f"{n}/KH-UBND", f"Kế hoạch thêm {n}")
    plan.implements.add(world["city_plan"])
    make_target(plan, world["rate"], 1, Decimal(90), category="staff")
    make_target(plan, world["rooms"], 2, Decimal(8))
    for i in range(3):
        school = make_unit(f"W{n}-S{i}", f"Trường {i} của phường {n}", "school", ward, levels=["th"])
        ProgressValue.objects.create(indicator=world["rate"], unit=school, period=period, numerator=10 + i,
                                     denominator=20, source=ValueSource.SCHOOL_REPORT)
        SchoolReport.objects.create(school=school, period=period)
    task = Task.objects.create(document=plan, text=f"Nhiệm vụ thêm {n}", lead_unit=ward)
    task.coordinating_units.add(tree["A"])
    OutgoingReport.objects.create(unit=ward, document=plan, period=period, number=f"{n}/BC", snapshot={},
                                  finalised_by=officer, recipient=tree["HP"], sent_at=timezone.now())


@pytest.mark.parametrize("url", LISTS)
def test_a_list_reads_in_the_same_queries_with_more_rows(world, tree, personas, period, api_as, url,
                                                         django_assert_max_num_queries):
    client = api_as("admin")
    add_a_ward(tree, world, period, personas["officer_a"], 0)  # every list holds a row of each kind
    first = client.get(url, {"page_size": 1000})
    assert first.status_code == 200
    with django_assert_max_num_queries(12) as before:
        client.get(url, {"page_size": 1000})
    count_before = first.json()["count"]
    for n in range(1, 4):
        add_a_ward(tree, world, period, personas["officer_a"], n)
    with django_assert_max_num_queries(len(before.captured_queries)):
        after = client.get(url, {"page_size": 1000})
    if url not in ("/api/v1/periods/", "/api/v1/indicators/"):
        assert after.json()["count"] > count_before, "the added rows are listed"
