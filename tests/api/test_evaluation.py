"""The evaluation of a plan at a unit, and the export: the same figures as the pages, the same rows from the API and
the command line."""

import csv
import io
import json

import pytest
from django.core.management import call_command

from reports import dashboards, queries
from targets.queries import target_row


def test_the_evaluation_matches_the_dashboard(world, tree, period, api_as):
    response = api_as("leader_a").get("/api/v1/evaluation/", {"unit": tree["A"].pk, "plan": world["plan_a"].pk,
                                                              "period": period.pk})
    assert response.status_code == 200, response.json()
    body = response.json()
    page = dashboards.unit_dashboard(tree["A"], world["plan_a"], period)
    assert [row["target"] for row in body["targets"]] == [item.target.pk for item in page["statuses"]]
    for row, item in zip(body["targets"], page["statuses"], strict=True):
        assert row["status"] == item.status
        assert (row["value"] is None) == (item.value is None)
        if item.value is not None:
            assert float(row["value"]) == pytest.approx(float(item.value))
    assert body["counts"] == {str(status): n for status, n in page["counts"].items()}
    rate = queries.reporting_rate(tree["A"], period)
    assert body["reporting_rate"]["schools"] == rate.schools == 2


def test_the_evaluation_matches_the_target_list(world, tree, period, api_as):
    body = api_as("officer_a").get("/api/v1/evaluation/", {"unit_code": "A", "plan": world["plan_a"].pk,
                                                           "period_code": period.code}).json()
    rate, rooms = body["targets"]
    # the schools' counts: (30 + 45) / (40 + 50), never the average of 75% and 90%
    assert rate["numerator"] == "75.00000000" and rate["denominator"] == "90.00000000"
    assert float(rate["value"]) == pytest.approx(float(target_row(world["a_rate"], period).figure.value))
    assert rooms["entered"] is True and float(rooms["value"]) == 4
    assert rooms["status"] == target_row(world["a_rooms"], period).status


def test_the_city_plan_at_the_city_adds_up_both_wards(world, tree, period, api_as):
    body = api_as("reviewer").get("/api/v1/evaluation/", {"unit_code": "HP", "plan": world["city_plan"].pk,
                                                          "period": period.pk}).json()
    assert body["targets"][0]["numerator"] == "85.00000000" and body["targets"][0]["denominator"] == "110.00000000"


def test_the_evaluation_is_refused_out_of_scope_or_for_a_plan_that_does_not_apply(world, tree, period, api_as):
    assert api_as("officer_b").get("/api/v1/evaluation/", {"unit": tree["A"].pk, "plan": world["plan_b"].pk,
                                                           "period": period.pk}).status_code == 404
    refused = api_as("reviewer").get("/api/v1/evaluation/", {"unit": tree["A"].pk, "plan": world["plan_b"].pk,
                                                             "period": period.pk})
    assert refused.status_code == 400 and "không áp dụng cho Phường A" in refused.json()["plan"][0]
    missing = api_as("reviewer").get("/api/v1/evaluation/", {"unit": tree["A"].pk})
    assert missing.status_code == 400 and set(missing.json()["errors"]) == {"plan", "period"}
    assert missing.json()["code"] == "invalid_parameter" and {"plan", "period"} <= set(missing.json())


EXPECTED = [
    {"unit_code": "A", "indicator_code": "phong-thong-minh", "numerator": None, "denominator": None, "value": "4",
     "status": "in_progress"},
    {"unit_code": "A-TH1", "indicator_code": "gv-dat-chuan", "numerator": "30", "denominator": "40", "value": "75",
     "status": ""},
    {"unit_code": "A-THCS", "indicator_code": "gv-dat-chuan", "numerator": "45", "denominator": "50", "value": "90",
     "status": ""},
]


def test_the_export_lists_a_subtrees_values_in_json_and_csv(world, period, api_as):
    client = api_as("leader_a")
    rows = client.get("/api/v1/export/", {"unit_code": "A", "period": period.pk}).json()
    assert rows == [{**row, "period": period.code} for row in EXPECTED]
    response = client.get("/api/v1/export/", {"unit_code": "A", "period": period.pk, "format": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"] == f'attachment; filename="so-lieu-A-{period.code}.csv"'
    lines = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert lines[1] == {"unit_code": "A-TH1", "indicator_code": "gv-dat-chuan", "period": period.code,
                        "numerator": "30", "denominator": "40", "value": "75", "status": ""}


def test_the_export_keeps_to_the_callers_scope(world, tree, period, api_as, service):
    assert api_as("officer_b").get("/api/v1/export/", {"unit_code": "A", "period": period.pk}).status_code == 404
    # a principal reads only the school's own figures even when naming the ward above
    assert api_as("principal_a").get("/api/v1/export/", {"unit_code": "A", "period": period.pk}).status_code == 404
    rows = api_as("principal_a").get("/api/v1/export/", {"unit_code": "A-TH1", "period": period.pk}).json()
    assert [row["unit_code"] for row in rows] == ["A-TH1"]
    _, client = service("A")
    assert len(client.get("/api/v1/export/", {"unit_code": "A", "period": period.pk}).json()) == 3


def test_the_command_writes_the_same_rows(world, period, api_as, tmp_path):
    out = tmp_path / "a.csv"
    call_command("export_values", unit="A", period=period.code, fmt="csv", out=str(out))
    api = api_as("admin").get("/api/v1/export/", {"unit_code": "A", "period": period.pk, "format": "csv"})
    assert out.read_text(encoding="utf-8") == api.content.decode()
    stream = io.StringIO()
    call_command("export_values", unit="A", period=period.code, fmt="json", stdout=stream)
    assert json.loads(stream.getvalue()) == api_as("admin").get(
        "/api/v1/export/", {"unit_code": "A", "period": period.pk}).json()


def test_the_command_refuses_an_unknown_unit(world, period):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="Không tìm thấy đơn vị có mã “ZZ”"):
        call_command("export_values", unit="ZZ", period=period.code)
