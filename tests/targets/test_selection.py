"""The one form that reads the unit, plan and period a page shows from its query string."""

from datetime import date

import pytest
from django.urls import reverse

from periods.models import Period
from plans.models import Document, DocumentStatus
from targets.selection import SelectionForm, plans_for
from tests.factories import make_indicator, make_target


@pytest.fixture
def periods(db):
    return [Period.objects.create(code=f"{y}-{y + 1}-hk1", kind="semester_1", school_year=f"{y}-{y + 1}",
                                  start=date(y, 9, 5), end=date(y + 1, 1, 15), deadline=date(y + 1, 1, 25))
            for y in (2024, 2025)]


@pytest.fixture
def plans(tree):
    """A plan of A and one of the city above it, each with a target; B has none of its own."""
    documents = {}
    for key, issuer, number in (("A", tree["A"], "12/KH-UBND"), ("HP", tree["HP"], "3/KH-UBND")):
        documents[key] = Document.objects.create(doc_type="KH", number=number, issuer=issuer, title=f"Kế hoạch {key}",
                                                 start_year=2025, end_year=2030, status=DocumentStatus.IN_FORCE)
        make_target(documents[key], make_indicator(f"ti-le-{key}", kind="rate"), 1)
    return documents


def choose(query, tree, periods, **options):
    units = [tree["A"], tree["B"]]
    return SelectionForm(query, units=units, plans=plans_for, periods=periods, **options)


def test_it_picks_the_unit_plan_and_period_named_in_the_query_string(tree, plans, periods):
    choice = choose({"unit": str(tree["A"].pk), "plan": str(plans["HP"].pk), "period": str(periods[0].pk)},
                    tree, periods)
    assert (choice.unit, choice.document, choice.period) == (tree["A"], plans["HP"], periods[0])
    assert choice.plans == [plans["A"], plans["HP"]]  # the unit's own plan first, then those above it


@pytest.mark.parametrize("query", [
    {}, {"unit": "abc", "plan": "x", "period": "abc"}, {"unit": "999999", "plan": "999999", "period": "999999"},
    {"unit": "", "plan": "", "period": ""},
])
def test_what_is_missing_malformed_or_not_offered_falls_back_to_the_defaults(tree, plans, periods, query):
    choice = choose(query, tree, periods, period=periods[1])
    assert (choice.unit, choice.document, choice.period) == (tree["A"], plans["A"], periods[1])
    # the form shows the choice it made, defaults included
    assert choice.data["unit"] == str(tree["A"].pk) and choice.data["period"] == str(periods[1].pk)


def test_the_plans_offered_are_those_of_the_chosen_unit(tree, plans, periods):
    choice = choose({"unit": str(tree["B"].pk), "plan": str(plans["A"].pk)}, tree, periods)
    assert choice.plans == [plans["HP"]]  # A's plan is not offered in B: the first of B's is shown
    assert choice.document == plans["HP"]


def test_a_unit_outside_those_offered_is_never_chosen(tree, plans, periods):
    choice = choose({"unit": str(tree["HP"].pk)}, tree, periods)
    assert choice.unit == tree["A"]


def test_without_fallback_what_is_not_offered_is_none(tree, plans, periods):
    choice = choose({"unit": str(tree["A"].pk), "plan": str(plans["A"].pk), "period": "abc"}, tree, periods,
                    fallback=False)
    assert (choice.unit, choice.document, choice.period) == (tree["A"], plans["A"], None)
    assert choose({"plan": "abc"}, tree, periods, fallback=False).unit is None


def test_all_plans_may_be_a_choice(tree, plans, periods):
    choice = choose({"unit": str(tree["A"].pk)}, tree, periods, any_plan=True)
    assert choice.document is None
    assert choice.fields["plan"].choices[0] == ("", "Tất cả kế hoạch")


@pytest.mark.parametrize("page", ["reports:dashboard_unit", "reports:dashboard_drilldown", "targets:target_list",
                                  "reports:period_completeness", "reports:report_inbox"])
def test_no_page_fails_on_a_malformed_choice(client, personas, plans, periods, page):
    client.force_login(personas["reviewer"] if page == "reports:report_inbox" else personas["officer_a"])
    response = client.get(reverse(page), {"unit": "abc", "plan": "abc", "period": "abc"})
    assert response.status_code == 200


def test_the_target_page_falls_back_to_the_current_period_on_a_malformed_one(client, personas, plans, periods):
    client.force_login(personas["officer_a"])
    target = plans["A"].targets.get()
    response = client.get(reverse("targets:target_detail", args=[target.pk]), {"period": "abc"})
    assert response.status_code == 200 and response.context["period"] in periods
