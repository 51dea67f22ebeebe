"""What a school system or a province's tools meet when they call the API as its schema describes it: JSON numbers,
retries, concurrent writers, error bodies."""

from decimal import Decimal

import pytest

from targets.models import ProgressValue


def value_url(target, period):
    return f"/api/v1/targets/{target.pk}/values/{period.pk}/"


# --- JSON numbers ----------------------------------------------------------------------------------------------


def test_a_json_number_with_three_decimals_is_not_read_as_thousands(world, period, api_as):
    # {"value": 1.318} is one and a bit: the page's "1.318" (1,318) is text typed by a person, not a JSON number;
    # a count is a whole number, so it is refused and nothing changes
    response = api_as("officer_a").put(value_url(world["a_rooms"], period),
                                       {"value": 1.318, "status": "in_progress", "version": 1}, format="json")
    assert response.status_code == 400, response.json()
    assert response.json()["value"] == ["Phải là số nguyên, không có phần thập phân."]
    assert ProgressValue.objects.get(pk=world["entered"].pk).value == Decimal(4)


def test_json_numbers_keep_their_value(world, period, api_as):
    client = api_as("officer_a")
    url = value_url(world["a_rooms"], period)
    saved = client.put(url, {"value": 12.0, "status": "in_progress", "version": 1}, format="json")
    assert saved.status_code == 200, saved.json()
    assert saved.json()["value"] == "12.0000"
    saved = client.put(url, {"value": 1e3, "status": "in_progress", "version": 2}, format="json")
    assert saved.status_code == 200, saved.json()
    assert saved.json()["value"] == "1000.0000"


def test_a_bulk_row_with_a_json_number_of_three_decimals_saves_nothing(world, period, api_as):
    rows = [{"target": world["a_rooms"].pk, "period": period.pk, "value": 2.125, "status": "in_progress",
             "version": 1}]
    response = api_as("officer_a").post("/api/v1/values/bulk/", {"rows": rows}, format="json")
    assert response.status_code == 400, response.json()
    assert response.json()["rows"] == [{"row": 0, "code": "invalid", "errors": {"value": ["Phải là số nguyên, không có phần thập phân."]}}]
    assert ProgressValue.objects.get(pk=world["entered"].pk).value == Decimal(4)


# --- paging ----------------------------------------------------------------------------------------------------


def _follow(client, url, params=None):
    """Every page of a list by its next links: (ids in order, the first page's body)."""
    ids, body = [], client.get(url, params).json()
    first = body
    while True:
        ids += [row["id"] for row in body["results"]]
        if not body["next"]:
            return ids, first
        body = client.get(body["next"]).json()


def test_paging_through_values_loses_no_row_when_figures_are_written_again_between_pages(world, period, api_as):
    client = api_as("reviewer")
    everything = [row["id"] for row in client.get("/api/v1/values/", {"page_size": 1000}).json()["results"]]
    assert len(everything) == 4
    first = client.get("/api/v1/values/", {"page_size": 2}).json()
    assert [row["id"] for row in first["results"]] == everything[:2] and first["count"] == 4
    # a school's report approved again: its figure is deleted and written anew (reports.actions.write_report_values)
    old = ProgressValue.objects.get(pk=everything[0])
    old.delete()
    old.pk = None
    old.save()
    second = client.get(first["next"]).json()
    assert [row["id"] for row in second["results"]] == everything[2:4]
    last = client.get(second["next"]).json()
    assert [row["id"] for row in last["results"]] == [old.pk] and last["next"] is None


def test_pages_by_number_still_answer_and_a_bad_after_is_refused_in_vietnamese(world, api_as):
    client = api_as("reviewer")
    ids, _ = _follow(client, "/api/v1/values/", {"page_size": 3})
    numbered = client.get("/api/v1/values/", {"page_size": 3, "page": 2}).json()
    assert [row["id"] for row in numbered["results"]] == ids[3:] and numbered["previous"] is not None
    refused = client.get("/api/v1/values/", {"after": "abc"})
    assert refused.status_code == 400 and refused.json()["after"] == ["Nhập một số tổng thể."]
    assert refused.json()["code"] == "invalid_parameter" and refused.json()["errors"] == {"after": ["Nhập một số tổng thể."]}


# --- unknown fields --------------------------------------------------------------------------------------------

UNKNOWN = ["Yêu cầu này không có trường này (có thể viết sai tên): không có gì được lưu."]


def test_a_misspelt_field_of_a_value_is_refused_not_dropped(world, period, api_as):
    response = api_as("officer_a").put(value_url(world["a_rooms"], period), {
        "value": 5, "status": "in_progress", "notes": "Ghi chú bị gõ sai tên", "version": 1}, format="json")
    assert response.status_code == 400, response.json()
    assert response.json()["notes"] == UNKNOWN and response.json()["errors"] == {"notes": UNKNOWN}
    assert response.json()["code"] == "unknown_field"
    entered = ProgressValue.objects.get(pk=world["entered"].pk)
    assert entered.value == 4 and entered.version == 1


def test_a_value_read_from_the_api_may_be_sent_back_changed(world, period, api_as):
    client = api_as("officer_a")
    url = value_url(world["a_rooms"], period)
    read = client.get(url).json()
    saved = client.put(url, {**read, "value": 6}, format="json")
    assert saved.status_code == 200, saved.json()
    assert saved.json()["value"] == "6.0000" and saved.json()["note"] == "Đã lắp 4 phòng"


def test_a_bulk_row_with_a_misspelt_field_saves_nothing(world, period, api_as):
    rows = [{"target": world["a_rooms"].pk, "period": period.pk, "value": 6, "status": "in_progress", "version": 1,
             "achived": True}]
    response = api_as("officer_a").post("/api/v1/values/bulk/", {"rows": rows}, format="json")
    assert response.status_code == 400, response.json()
    assert response.json()["rows"] == [{"row": 0, "code": "unknown_field", "errors": {"achived": UNKNOWN}}]
    assert ProgressValue.objects.get(pk=world["entered"].pk).value == 4


def test_a_misspelt_narrative_does_not_empty_the_schools_report(world, tree, period, api_as):
    from reports.models import SchoolReport

    client = api_as("principal_a")
    url = f"/api/v1/schools/{tree['A-TH1'].pk}/reports/{period.pk}/"
    first = client.put(url, {"version": 1, "entries": {"so-giao-vien": 42}, "highlights": "Hoàn thành bồi dưỡng"},
                       format="json")
    assert first.status_code == 200, first.json()
    typo = client.put(url, {"version": 2, "entries": {"so-giao-vien": 43}, "highlight": "Thêm phòng học"},
                      format="json")
    assert typo.status_code == 400 and typo.json()["highlight"] == UNKNOWN
    assert typo.json()["code"] == "unknown_field" and typo.json()["errors"] == {"highlight": UNKNOWN}
    report = SchoolReport.objects.get(school=tree["A-TH1"], period=period)
    assert report.highlights == "Hoàn thành bồi dưỡng" and report.version == 2
    echoed = client.put(url, {**first.json(), "entries": {"so-giao-vien": 43}}, format="json")
    assert echoed.status_code == 200, echoed.json()
    assert echoed.json()["entries"] == {"so-giao-vien": "43"}
    assert echoed.json()["highlights"] == "Hoàn thành bồi dưỡng"


# --- addresses the API does not have ---------------------------------------------------------------------------


def test_an_unknown_address_of_the_api_answers_json(world, api_as):
    client = api_as("officer_a")
    client.handler.enforce_csrf_checks = True
    response = client.get("/api/v1/chi-tieu/")
    assert response.status_code == 404 and response["Content-Type"] == "application/json"
    posted = client.post("/api/v1/chi-tieu/", {}, format="json")
    assert posted.status_code == 404 and posted["Content-Type"] == "application/json"
    assert response.json() == {"detail": "Không có địa chỉ này trong API: xem các địa chỉ tại /api/schema/ hoặc "
                                         "/api/docs/.", "code": "not_found"}


def test_a_write_without_the_final_slash_is_told_where_to_go_and_saves_nothing(world, period, api_as):
    client = api_as("officer_a")
    client.handler.enforce_csrf_checks = True  # as a real client with a token: no CSRF cookie, and none is asked
    rows = [{"target": world["a_rooms"].pk, "period": period.pk, "value": 6, "status": "in_progress", "version": 1}]
    response = client.post("/api/v1/values/bulk", {"rows": rows}, format="json")
    assert response.status_code == 404 and response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "Địa chỉ của API kết thúc bằng “/”: hãy gửi lại yêu cầu tới "
                                         "/api/v1/values/bulk/", "code": "not_found"}
    assert ProgressValue.objects.get(pk=world["entered"].pk).value == 4
    read = client.get("/api/v1/units", {"kind": "school"})
    assert read.status_code == 301 and read["Location"] == "/api/v1/units/?kind=school"


# --- the schema says what the endpoints answer ----------------------------------------------------------------


def test_the_schema_documents_the_server_failures_retry_after_and_not_modified(db):
    import yaml
    from rest_framework.test import APIClient

    schema = yaml.safe_load(APIClient().get("/api/schema/").content)
    operations = {(method, path): operation for path, methods in schema["paths"].items() if path.startswith("/api/v1/")
                  for method, operation in methods.items()}
    for (method, path), operation in operations.items():
        responses = operation["responses"]
        for code in ("500", "503"):
            assert responses[code]["content"]["application/json"], (method, path, code)
        for code in ("429", "503"):
            assert "Retry-After" in responses[code]["headers"], (method, path, code)
    reads = operations[("get", "/api/v1/values/")]["responses"]
    assert "304" in reads and "ETag" in reads["200"]["headers"]
    assert "304" not in operations[("get", "/api/v1/outgoing-reports/{id}/files/{fmt}/")]["responses"]


# --- the body's encoding ---------------------------------------------------------------------------------------


def test_a_json_body_is_read_as_utf8_whatever_charset_it_is_labelled_with(world, period, api_as):
    import json

    client = api_as("officer_a")
    url = value_url(world["a_rooms"], period)
    body = json.dumps({"value": 5, "status": "in_progress", "version": 1, "note": "Đã lắp thêm phòng học"},
                      ensure_ascii=False).encode()
    saved = client.put(url, body, content_type="application/json; charset=iso-8859-1")
    assert saved.status_code == 200, saved.json()
    assert ProgressValue.objects.get(pk=world["entered"].pk).note == "Đã lắp thêm phòng học"
    with_bom = client.put(url, "\ufeff".encode() + body.replace(b'"version": 1', b'"version": 2'),
                          content_type="application/json")
    assert with_bom.status_code == 200, with_bom.json()
    latin1 = client.put(url, json.dumps({"value": 6, "status": "in_progress", "version": 3, "note": "Ghi chú"},
                                        ensure_ascii=False).encode("latin-1"), content_type="application/json")
    assert latin1.status_code == 400 and latin1.json()["code"] == "parse_error"
    assert ProgressValue.objects.get(pk=world["entered"].pk).version == 3


@pytest.mark.parametrize("body", [
    '{"rows": [{"\\u0000": 1, "target": 1, "period": 1, "version": 1}]}',  # a key named in the refusal
    '{"rows": [{"target": 1, "period": 1, "version": 1, "note": "a\\u0000b"}]}',
    '{"rows": [{"\\ud800x": [], "target": 1, "period": 1, "version": 1}]}',  # half of a UTF-16 pair
])
def test_a_body_holding_text_no_database_keeps_is_refused_not_a_server_error(world, api_as, body):
    # found by the schema fuzzing on PostgreSQL: an unknown field named "\u0000" was echoed in the refusal, which
    # the Idempotency-Key's record could not store (jsonb refuses NUL): 500 instead of an answer
    client = api_as("officer_a")
    response = client.generic("POST", "/api/v1/values/bulk/", body.encode(), content_type="application/json",
                              HTTP_IDEMPOTENCY_KEY="khoa-thu-1")
    assert response.status_code == 400 and response.json()["code"] == "parse_error"
    assert "không lưu được" in response.json()["detail"]
    assert ProgressValue.objects.get(pk=world["entered"].pk).value == 4


# --- dates in the address ------------------------------------------------------------------------------------


def test_changed_since_pasted_into_an_address_with_its_plus_sign_unencoded_is_read(world, api_as):
    from datetime import timedelta

    from django.utils import timezone

    client = api_as("reviewer")
    later = timezone.localtime() + timedelta(hours=1)
    for moment, count in ((later, 0), (later - timedelta(days=1), 4)):
        written = moment.strftime("%Y-%m-%dT%H:%M:%S+07:00")
        assert client.get(f"/api/v1/values/?changed_since={written}").json()["count"] == count, written
        encoded = written.replace("+", "%2B")
        assert client.get(f"/api/v1/values/?changed_since={encoded}").json()["count"] == count, encoded
    assert client.get("/api/v1/values/?changed_since=2026-01-15T08:00:00 7").status_code == 400


# --- ETags and If-Match ----------------------------------------------------------------------------------------


def test_a_write_whose_if_match_names_an_older_etag_is_refused_with_412(world, period, api_as):
    officer, other = api_as("officer_a"), api_as("admin")
    url = value_url(world["a_rooms"], period)
    read = officer.get(url)
    etag = read["ETag"]
    assert other.put(url, {"value": 7, "status": "in_progress", "version": 1}, format="json").status_code == 200
    refused = officer.put(url, {"value": 9, "status": "in_progress", "version": 2}, format="json",
                          HTTP_IF_MATCH=etag)
    assert refused.status_code == 412, refused.json()
    assert refused.json()["code"] == "precondition_failed" and refused.json()["current"]["value"] == "7.0000"
    assert ProgressValue.objects.get(pk=world["entered"].pk).value == 7
    fresh = officer.get(url)["ETag"]
    saved = officer.put(url, {"value": 9, "status": "in_progress", "version": 2}, format="json", HTTP_IF_MATCH=fresh)
    assert saved.status_code == 200, saved.json()
    assert officer.put(url, {"value": 10, "status": "in_progress", "version": 3}, format="json",
                       HTTP_IF_MATCH="*").status_code == 200
    first = value_url(world["a_rate"], period)
    assert officer.put(first, {"numerator": 1, "denominator": 2, "status": "in_progress", "version": 0},
                       format="json", HTTP_IF_MATCH="*").status_code == 412


# --- bulk rows that do not name their target and period as ids -----------------------------------------------


def test_a_bulk_row_without_ids_says_so_rather_than_not_found(world, period, api_as):
    rows = [{"period": period.pk, "value": 6, "status": "in_progress", "version": 1},
            {"target": str(world["a_rooms"].pk), "period": str(period.pk), "value": 6, "status": "in_progress",
             "version": 1}]
    response = api_as("officer_a").post("/api/v1/values/bulk/", {"rows": rows}, format="json")
    assert response.status_code == 400, response.json()
    as_text = "phải là một số nguyên dương (số JSON, không đặt trong ngoặc kép)."
    assert response.json()["rows"] == [
        {"row": 0, "code": "invalid", "errors": {"target": ["Thiếu mã số (id) của chỉ tiêu (target)."]}},
        {"row": 1, "code": "invalid", "errors": {"target": [f"Mã số (id) của chỉ tiêu {as_text}"],
                              "period": [f"Mã số (id) của kỳ báo cáo {as_text}"]}}]
    assert ProgressValue.objects.get(pk=world["entered"].pk).value == 4
