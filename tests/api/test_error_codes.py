"""Every refusal of the API carries a stable machine `code` from api.errors.CODES, so that a client branches on it,
not on the Vietnamese text; a refusal of fields keeps them where clients read them (at the top) and under `errors`."""

import re
from pathlib import Path

import pytest
import yaml
from rest_framework.test import APIClient

from api.errors import CODES

ROOT = Path(__file__).resolve().parents[2]


def value_url(target, period):
    return f"/api/v1/targets/{target.pk}/values/{period.pk}/"


def assert_code(response, status, code):
    body = response.json()
    assert response.status_code == status, body
    assert body["code"] == code and body["detail"], body
    assert code in CODES


@pytest.mark.parametrize("query", [{"unit": "abc"}, {"after": "-1"}, {"changed_since": "hôm qua"},
                                   {"indicator": "x" * 65}])
def test_a_refused_query_parameter_is_invalid_parameter_with_its_reason(world, api_as, query):
    response = api_as("officer_a").get("/api/v1/values/", query)
    assert_code(response, 400, "invalid_parameter")
    (name,) = query
    assert list(response.json()["errors"]) == [name] and response.json()[name] == response.json()["errors"][name]
    assert name in response.json()["detail"]


def test_a_missing_parameter_and_an_unknown_format_are_invalid_parameters(world, tree, period, api_as):
    client = api_as("reviewer")
    assert_code(client.get("/api/v1/rollups/", {"unit": tree["A"].pk}), 400, "invalid_parameter")
    assert_code(client.get("/api/v1/export/", {"unit": tree["A"].pk, "period": period.pk, "format": "xml"}), 400,
                "invalid_parameter")
    assert_code(client.get("/api/v1/units/?unit=%00"), 400, "invalid_parameter")


def test_a_value_the_form_refuses_is_invalid_with_the_fields_kept_at_the_top(world, period, api_as):
    response = api_as("officer_a").put(value_url(world["a_rate"], period), {
        "numerator": 60, "denominator": 50, "status": "in_progress", "version": 0}, format="json")
    assert_code(response, 400, "invalid")
    body = response.json()
    assert body["errors"]["numerator"] == ["Tử số không được lớn hơn mẫu số."] == body["numerator"]


def test_a_misspelt_field_is_unknown_field(world, period, api_as):
    response = api_as("officer_a").put(value_url(world["a_rooms"], period),
                                       {"value": 5, "status": "done", "version": 1, "notes": "x"}, format="json")
    assert_code(response, 400, "unknown_field")
    assert list(response.json()["errors"]) == ["notes"]


def test_a_report_entry_the_school_does_not_report_is_unknown_field(world, tree, period, api_as):
    response = api_as("principal_a").put(f"/api/v1/schools/{tree['A-TH1'].pk}/reports/{period.pk}/",
                                         {"version": 1, "entries": {"khong-co": 1}}, format="json")
    assert_code(response, 400, "unknown_field")
    assert response.json()["errors"] == {"entries": {"khong-co": ["Mục này không có trong báo cáo của trường."]}}


def test_a_body_that_is_no_object_is_invalid_body(world, period, api_as):
    response = api_as("officer_a").put(value_url(world["a_rooms"], period), [1, 2], format="json")
    assert_code(response, 400, "invalid_body")
    assert_code(api_as("officer_a").post("/api/v1/values/bulk/", [1], format="json"), 400, "invalid_body")


def test_an_unreadable_body_is_parse_error(world, period, api_as):
    response = api_as("officer_a").put(value_url(world["a_rooms"], period), b"{not json",
                                       content_type="application/json")
    assert_code(response, 400, "parse_error")


def test_an_idempotency_key_too_long_is_invalid_header(world, period, api_as):
    response = api_as("officer_a").put(value_url(world["a_rooms"], period),
                                       {"value": 5, "status": "done", "version": 1}, format="json",
                                       HTTP_IDEMPOTENCY_KEY="k" * 256)
    assert_code(response, 400, "invalid_header")
    assert list(response.json()["errors"]) == ["Idempotency-Key"]


def test_each_refused_row_of_a_bulk_write_has_its_code(world, period, api_as):
    rows = [{"target": world["a_rooms"].pk, "period": period.pk, "value": 5, "status": "done", "version": 1},
            {"target": world["a_rooms"].pk, "period": period.pk, "value": 6, "status": "done", "version": 1},
            {"target": world["b_rate"].pk, "period": period.pk, "value": 1, "status": "done", "version": 0},
            {"target": world["a_rate"].pk, "period": period.pk + 999, "numerator": 1, "denominator": 2,
             "status": "done", "version": 0},
            {"target": world["a_rooms"].pk, "period": period.pk, "valeu": 5, "status": "done", "version": 1},
            "x"]
    response = api_as("officer_a").post("/api/v1/values/bulk/", {"rows": rows}, format="json")
    assert_code(response, 400, "invalid_rows")
    codes = [(row["row"], row["code"]) for row in response.json()["rows"]]
    assert codes == [(1, "duplicate"), (2, "not_found"), (3, "not_found"), (4, "unknown_field"), (5, "invalid_body")]
    assert all(code in CODES for _row, code in codes)
    leader = api_as("leader_a").post("/api/v1/values/bulk/", {"rows": rows[:1]}, format="json")
    assert [row["code"] for row in leader.json()["rows"]] == ["permission_denied"]


def test_the_other_refusals_carry_their_code(world, period, api_as, token_for):
    anonymous = APIClient()
    assert_code(anonymous.get("/api/v1/units/"), 401, "not_authenticated")
    bad = APIClient()
    bad.credentials(HTTP_AUTHORIZATION="Bearer nq71_0000000000_sai")
    assert_code(bad.get("/api/v1/units/"), 401, "authentication_failed")
    reader = api_as("officer_a", can_write=False)
    assert_code(reader.put(value_url(world["a_rooms"], period), {"value": 5, "status": "done", "version": 1},
                           format="json"), 403, "permission_denied")
    client = api_as("officer_a")
    assert_code(client.get("/api/v1/units/999999/"), 404, "not_found")
    assert_code(client.delete("/api/v1/units/"), 405, "method_not_allowed")
    assert_code(client.get("/api/v1/units/", HTTP_ACCEPT="application/xml"), 406, "not_acceptable")
    assert_code(client.put(value_url(world["a_rooms"], period), "value=5", content_type="text/plain"), 415,
                "unsupported_media_type")
    assert_code(client.put(value_url(world["a_rooms"], period), {"value": 5, "status": "done", "version": 9},
                           format="json"), 409, "stale")


# every code the API's modules (and the middlewares answering under /api/) write is listed and documented
WRITTEN = re.compile(r'"code":\s*"([a-z_]+)"|refused\(\s*"([a-z_]+)"|api_code = "([a-z_]+)"'
                     r'|(?:\}|\)|unknown|malformed), "([a-z_]+)",\s*None\b|\(\s*"[^"]+", \d{3}, "([a-z_]+)"')


def test_every_code_the_api_writes_is_listed_documented_and_in_the_schema(db):
    sources = [*sorted((ROOT / "api").glob("*.py")), ROOT / "config" / "failures.py", ROOT / "config" / "security.py"]
    written = {code for path in sources for match in WRITTEN.finditer(path.read_text()) for code in match.groups()
               if code}
    assert {"invalid_parameter", "unknown_field", "stale", "locked", "duplicate", "database_busy"} <= written
    assert written - set(CODES) == set()
    documented = (ROOT / "docs" / "api.md").read_text()
    assert [code for code in CODES if f"`{code}`" not in documented] == []
    schema = yaml.safe_load(APIClient().get("/api/schema/").content)
    responses = schema["paths"]["/api/v1/values/bulk/"]["post"]["responses"]
    for status in ("400", "404", "409"):
        code = responses[status]["content"]["application/json"]["schema"]["properties"]["code"]
        assert code["enum"] == list(CODES)
