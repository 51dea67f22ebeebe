"""Two officers reviewing the same import: a decision on a proposal is posted by its place in the list, so a page
opened before another officer's change (the proposals moved, merged or split; the same proposal decided) must be
refused with the proposal as it now stands, not applied to whatever now holds that place or over the other's
edits; the same decision posted twice (a double tap) is kept once."""

import lxml.html
import pytest
from django.test import Client
from django.urls import reverse
from pytest_django.asserts import assertContains

from plans.models import PlanImport
from tests.factories import make_user

from .test_plan_import import started

STALE = "Đề xuất này đã được thay đổi sau khi bạn mở trang này"


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def proposal_form(response, index):
    """What a browser posts from the proposal's form as the page rendered it (its hidden fields included)."""
    page = lxml.html.fromstring(response.content.decode())
    form = page.get_element_by_id(f"p-{index}").find(".//form")
    return {name: value for name, value in form.form_values()}


def review_url(plan_import):
    return reverse("importer:plan_import_review", args=[plan_import.pk])


def decide_url(plan_import, index):
    return reverse("importer:plan_import_decide", args=[plan_import.pk, index])


@pytest.fixture
def two_officers(client, personas, tree):
    """The import, and two officers of phường A with its review page open before either acts."""
    plan_import = started(client, personas, tree)
    other = signed_in(make_user("canbo2_a", tree["A"], "officer", first_name="Trần Thị", last_name="Hà"))
    first, second = other, signed_in(personas["officer_a"])
    return plan_import, (first, first.get(review_url(plan_import))), (second, second.get(review_url(plan_import)))


def items(plan_import):
    return PlanImport.objects.get(pk=plan_import.pk).items()


def test_a_decision_from_a_page_opened_before_the_proposals_moved_is_refused(two_officers):
    plan_import, (first, _), (second, page) = two_officers
    before = items(plan_import)
    moved = first.post(reverse("importer:plan_import_arrange", args=[plan_import.pk, 1]),
                       {"operation": "up", "proposal": before[1]["id"]})
    assert moved.status_code == 302
    assert [item["id"] for item in items(plan_import)[:2]] == [before[1]["id"], before[0]["id"]]

    # the second officer accepts the second proposal of its page, with a value corrected
    response = second.post(decide_url(plan_import, 1), {**proposal_form(page, 1), "value": "77",
                                                          "decision": "accepted"})

    assertContains(response, "Đề xuất ở vị trí này đã thay đổi", status_code=409)
    assertContains(response, f"Ở đây nay là đề xuất {before[0]['id']}", status_code=409)
    after = items(plan_import)
    # neither the proposal now at that place nor the one the officer meant took the decision or the value
    assert [(item["id"], item["decision"], item["value"]) for item in after[:2]] == [
        (before[1]["id"], "pending", before[1]["value"]), (before[0]["id"], "pending", before[0]["value"])]
    # the form there shows the proposal now at that place as it stands, not the 77 typed for another one: one more
    # press would otherwise apply that figure to it
    refused = proposal_form(response, 1)
    assert (refused["proposal"], refused["value"]) == (before[0]["id"], proposal_form(page, 0)["value"])
    assert second.post(decide_url(plan_import, 1), {**refused, "decision": "accepted"}).status_code == 302
    assert items(plan_import)[1]["value"] == before[0]["value"]


def test_a_decision_from_a_page_opened_before_anothers_on_the_same_proposal_is_refused(two_officers):
    plan_import, (first, first_page), (second, second_page) = two_officers
    assert first.post(decide_url(plan_import, 0), {**proposal_form(first_page, 0), "value": "60",
                                                    "decision": "accepted"}).status_code == 302

    response = second.post(decide_url(plan_import, 0), {**proposal_form(second_page, 0), "value": "70",
                                                         "decision": "accepted"}, headers={"HX-Request": "true"})

    assertContains(response, STALE)  # the fragment, swapped in place (htmx swaps 2xx answers)
    assertContains(response, "Hiện nay: Đã chấp nhận")
    assert proposal_form(response, 0)["value"] == "70"
    assert (items(plan_import)[0]["decision"], items(plan_import)[0]["value"]) == ("accepted", 60)

    # having seen it, the officer saves from the refused fragment: its value wins, knowingly
    assert second.post(decide_url(plan_import, 0), {**proposal_form(response, 0), "decision": "accepted"}
                       ).status_code == 302
    assert items(plan_import)[0]["value"] == 70


def test_the_same_decision_posted_twice_is_taken_once(two_officers):
    plan_import, _, (second, page) = two_officers
    form = {**proposal_form(page, 0), "value": "60", "decision": "accepted"}

    assert [second.post(decide_url(plan_import, 0), form).status_code for _ in range(2)] == [302, 302]

    item = items(plan_import)[0]
    assert (item["decision"], item["value"]) == ("accepted", 60)


def test_a_decision_without_the_version_it_was_opened_at_is_refused(two_officers):
    plan_import, _, (second, page) = two_officers
    form = {**proposal_form(page, 0), "decision": "rejected"}
    del form["seen"]
    assertContains(second.post(decide_url(plan_import, 0), form), "hãy tải lại trang")
    assert items(plan_import)[0]["decision"] == "pending"
