"""Every read endpoint as each persona and a service account: lists filtered to the caller's scope, objects out of
it 404, filters, pages, ETags."""

from datetime import timedelta

import pytest
from django.utils import timezone

from targets.models import ProgressValue

# what each persona reads of the fixtures' schools' figures (tests/conftest.py: the tree and its personas)
SCHOOL_VALUES = {
    "officer_a": {"A-TH1", "A-THCS"}, "principal_a": {"A-TH1"}, "leader_a": {"A-TH1", "A-THCS"},
    "officer_b": {"B-MN"}, "principal_b": {"B-MN"}, "reviewer": {"A-TH1", "A-THCS", "B-MN"},
    "admin": {"A-TH1", "A-THCS", "B-MN"},
}
PLANS = {  # the plans each persona reads: their ward's, and the city's they implement
    "officer_a": {"12/KH-UBND", "02-CTr/TU"}, "principal_a": {"12/KH-UBND", "02-CTr/TU"},
    "leader_a": {"12/KH-UBND", "02-CTr/TU"}, "officer_b": {"5/KH-UBND", "02-CTr/TU"},
    "principal_b": {"5/KH-UBND", "02-CTr/TU"}, "reviewer": {"12/KH-UBND", "5/KH-UBND", "02-CTr/TU"},
    "admin": {"12/KH-UBND", "5/KH-UBND", "02-CTr/TU"},
}
SCHOOL_REPORTS = {"officer_a": {"A-TH1"}, "principal_a": {"A-TH1"}, "leader_a": {"A-TH1"}, "officer_b": {"B-MN"},
                  "principal_b": {"B-MN"}, "reviewer": {"A-TH1", "B-MN"}, "admin": {"A-TH1", "B-MN"}}


def results(response):
    assert response.status_code == 200, response.content
    return response.json()["results"]


@pytest.mark.parametrize("persona", list(SCHOOL_VALUES))
def test_each_persona_lists_only_the_values_in_its_scope(world, api_as, persona):
    rows = results(api_as(persona).get("/api/v1/values/", {"indicator": "gv-dat-chuan"}))
    assert {row["unit_code"] for row in rows} == SCHOOL_VALUES[persona]


@pytest.mark.parametrize("persona", list(PLANS))
def test_each_persona_lists_its_plans_and_the_directives_above(world, api_as, persona):
    rows = results(api_as(persona).get("/api/v1/documents/"))
    assert {row["number"] for row in rows} == PLANS[persona]


@pytest.mark.parametrize("persona", list(SCHOOL_REPORTS))
def test_each_persona_lists_the_school_reports_in_its_scope(world, api_as, persona):
    rows = results(api_as(persona).get("/api/v1/school-reports/"))
    assert {row["school_code"] for row in rows} == SCHOOL_REPORTS[persona]


@pytest.mark.parametrize("persona", ["officer_b", "principal_b"])
def test_another_wards_people_get_404_for_each_object_of_a(world, tree, api_as, persona):
    client = api_as(persona)
    school_value = ProgressValue.objects.get(unit=tree["A-TH1"])
    for url in (f"/api/v1/units/{tree['A'].pk}/", f"/api/v1/documents/{world['plan_a'].pk}/",
                f"/api/v1/targets/{world['a_rate'].pk}/", f"/api/v1/values/{school_value.pk}/",
                f"/api/v1/values/{world['entered'].pk}/", f"/api/v1/school-reports/{world['reports']['A-TH1'].pk}/",
                f"/api/v1/targets/{world['a_rooms'].pk}/values/{world['entered'].period_id}/"):
        response = client.get(url)
        assert response.status_code == 404, url
        assert response.json()["detail"].startswith("Không tìm thấy")
    # a filter naming a unit out of scope is refused the same way, not answered with an empty list
    assert client.get("/api/v1/values/", {"unit": tree["A"].pk}).status_code == 404
    assert client.get("/api/v1/values/", {"unit_code": "A"}).status_code == 404


def test_a_service_account_lists_only_its_units_figures_and_reports(world, service):
    _, client = service("A")
    assert {row["unit_code"] for row in results(client.get("/api/v1/values/"))} == {"A", "A-TH1", "A-THCS"}
    assert {row["school_code"] for row in results(client.get("/api/v1/school-reports/"))} == {"A-TH1"}
    assert {row["number"] for row in results(client.get("/api/v1/documents/"))} == {"12/KH-UBND", "02-CTr/TU"}


def test_the_unit_tree_carries_validity_and_successions(world, tree, api_as):
    from datetime import date

    from tests.factories import make_unit
    from units.models import UnitSuccession

    old = make_unit("HOA-NGHIA", "Phường Hòa Nghĩa (cũ)", "commune", tree["HP"], valid_to=date(2025, 6, 30))
    UnitSuccession.objects.create(predecessor=old, successor=tree["A"], effective_on=date(2025, 7, 1),
                                  legal_basis="Nghị quyết 1669/NQ-UBTVQH15")
    client = api_as("reviewer")
    unit = client.get(f"/api/v1/units/{tree['A'].pk}/").json()
    assert unit["valid_from"] == "2025-07-01" and unit["parent"] == tree["HP"].pk
    assert unit["predecessors"] == [{"predecessor": old.pk, "successor": tree["A"].pk, "kind": "merge",
                                     "effective_on": "2025-07-01", "legal_basis": "Nghị quyết 1669/NQ-UBTVQH15"}]
    current = {row["code"] for row in results(client.get("/api/v1/units/", {"valid_on": "2025-08-01"}))}
    assert "HOA-NGHIA" not in current and "A" in current
    schools = {row["code"] for row in results(client.get("/api/v1/units/", {"unit_code": "A", "kind": "school"}))}
    assert schools == {"A-TH1", "A-THCS"}


def test_documents_show_their_graph_within_the_callers_scope(world, api_as):
    city = api_as("officer_a").get(f"/api/v1/documents/{world['city_plan'].pk}/").json()
    # ward B's plan implements the city's too, but is not shown to A's officer
    assert city["implemented_by"] == [world["plan_a"].pk]
    assert api_as("reviewer").get(f"/api/v1/documents/{world['city_plan'].pk}/").json()["implemented_by"] == sorted(
        [world["plan_a"].pk, world["plan_b"].pk])
    applying = {row["number"] for row in results(api_as("officer_a").get(
        "/api/v1/documents/", {"applies_to": world["plan_a"].issuer_id}))}
    assert applying == {"12/KH-UBND", "02-CTr/TU"}


def test_targets_carry_horizons_indicator_and_responsibilities(world, tree, api_as):
    from targets.models import TargetResponsibility

    TargetResponsibility.objects.create(target=world["a_rate"], unit=tree["A-VHXH"])
    rows = results(api_as("leader_a").get("/api/v1/targets/", {"plan": world["plan_a"].pk}))
    assert [row["ref"] for row in rows] == ["1", "2"]
    rate = rows[0]
    assert rate["indicator"]["code"] == "gv-dat-chuan" and rate["indicator"]["kind"] == "rate"
    assert rate["horizons"] == [{"label": "2030", "deadline": "2030-12-31", "value": "95.0000", "value_max": None,
                                 "floor_value": None}]
    assert rate["responsibilities"] == [{"unit": tree["A-VHXH"].pk, "unit_code": "A-VHXH", "role": "lead"}]


def test_a_value_shows_its_history(world, api_as):
    value = api_as("leader_a").get(f"/api/v1/values/{world['entered'].pk}/").json()
    assert value["value"] == "4.0000" and value["version"] == 1 and value["entered_by"] == "officer_a"
    assert value["changes"][0]["after"]["value"] == "4" and value["changes"][0]["token"] == ""


def test_values_filter_by_plan_period_and_changed_since(world, period, api_as):
    client = api_as("reviewer")
    plan_a = {(row["unit_code"], row["indicator_code"])
              for row in results(client.get("/api/v1/values/", {"plan": world["plan_a"].pk}))}
    # A's entry for its target, and every figure of the indicators its targets measure
    assert ("A", "phong-thong-minh") in plan_a and ("B-MN", "gv-dat-chuan") in plan_a
    assert results(client.get("/api/v1/values/", {"period_code": period.code, "unit_code": "B"}))[0]["unit_code"] == "B-MN"
    later = (timezone.now() + timedelta(minutes=5)).isoformat()
    assert results(client.get("/api/v1/values/", {"changed_since": later})) == []
    refused = client.get("/api/v1/values/", {"changed_since": "hôm qua"})
    assert refused.status_code == 400 and refused.json()["changed_since"] == ["Nhập một ngày/thời gian hợp lệ."]


def test_school_reports_show_state_and_filter_by_status(world, api_as):
    client = api_as("reviewer")
    drafts = results(client.get("/api/v1/school-reports/", {"status": "draft"}))
    assert {row["school_code"] for row in drafts} == {"A-TH1", "B-MN"}
    assert drafts[0]["version"] == 1 and drafts[0]["entries"] == {}
    assert results(client.get("/api/v1/school-reports/", {"status": "approved"})) == []


def test_periods_carry_deadlines_and_lock_dates(world, period, api_as):
    row = results(api_as("principal_b").get("/api/v1/periods/"))[0]
    assert row["code"] == period.code and row["deadline"] == period.deadline.isoformat()
    assert row["locks_on"] == period.locks_on.isoformat() and row["name"].startswith("Học kỳ I")


def test_lists_are_paged(world, api_as):
    client = api_as("admin")
    first = client.get("/api/v1/units/", {"page_size": 3}).json()
    last_id = first["results"][-1]["id"]
    assert first["count"] == 9 and len(first["results"]) == 3 and f"after={last_id}" in first["next"]
    numbered = client.get("/api/v1/units/", {"page_size": 3, "page": 1}).json()
    assert len(numbered["results"]) == 3 and "page=2" in numbered["next"]
    assert client.get("/api/v1/units/", {"page": 99}).status_code == 404


def test_a_conditional_get_with_the_etag_gets_304_until_the_data_changes(world, api_as):
    client = api_as("leader_a")
    url = f"/api/v1/values/{world['entered'].pk}/"
    first = client.get(url)
    etag = first["ETag"]
    assert first["Cache-Control"].startswith("private") or "private" in first["Cache-Control"]
    again = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and again.content == b""
    ProgressValue.objects.filter(pk=world["entered"].pk).update(note="Đã lắp thêm")
    assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 200
    lists = client.get("/api/v1/values/")
    assert client.get("/api/v1/values/", HTTP_IF_NONE_MATCH=lists["ETag"]).status_code == 304


def test_the_value_list_reads_in_a_fixed_number_of_queries(world, api_as, django_assert_max_num_queries):
    client = api_as("reviewer")
    # the token, the caller's memberships, the count, the page of values with their unit, indicator, period
    # and entrant (throttling counts in the cache, not the database)
    with django_assert_max_num_queries(5):
        rows = results(client.get("/api/v1/values/"))
    assert len(rows) == 4


def test_units_documents_and_targets_filter_by_changed_since(world, tree, api_as):
    from unittest import mock

    from plans.models import Document
    from targets.models import Target
    from units.models import Unit

    client = api_as("admin")
    mark = timezone.now() + timedelta(seconds=1)
    for url in ("/api/v1/units/", "/api/v1/documents/", "/api/v1/targets/"):
        assert client.get(url, {"changed_since": mark.isoformat()}).json()["count"] == 0, url
    # a rename saved with update_fields, a target saved, a plan changed by QuerySet.update: each is listed
    later = mark + timedelta(minutes=5)
    with mock.patch("django.utils.timezone.now", return_value=later):
        unit = Unit.objects.get(pk=tree["B"].pk)
        unit.name = "Phường B (đổi tên)"
        unit.save(update_fields=["name"])
        target = Target.objects.get(pk=world["a_rooms"].pk)
        target.order = 5
        target.save()
        Document.objects.filter(pk=world["plan_b"].pk).update(title="Kế hoạch của phường B (sửa)",
                                                              updated_at=timezone.now())
    units = client.get("/api/v1/units/", {"changed_since": mark.isoformat()}).json()["results"]
    assert [u["code"] for u in units] == ["B"] and units[0]["name"] == "Phường B (đổi tên)"
    documents = client.get("/api/v1/documents/", {"changed_since": mark.isoformat()}).json()["results"]
    assert [d["number"] for d in documents] == ["5/KH-UBND"]
    targets = client.get("/api/v1/targets/", {"changed_since": mark.isoformat()}).json()["results"]
    assert [t["id"] for t in targets] == [world["a_rooms"].pk]
    assert client.get("/api/v1/units/", {"changed_since": "hôm qua"}).status_code == 400
