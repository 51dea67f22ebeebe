"""Writes: a target's value (versions, refusals, the form's rules), many values at once (all or nothing,
Idempotency-Key), a school's report (save, submit)."""

from decimal import Decimal

import pytest
from django.utils import timezone

from api.models import ApiWrite, IdempotentRequest
from reports.models import ReportStatus, SchoolReport
from targets.models import ProgressValue, ProgressValueChange


def value_url(target, period):
    return f"/api/v1/targets/{target.pk}/values/{period.pk}/"


# --- one value ---------------------------------------------------------------------------------------------


def test_an_officer_enters_a_rate_as_counts_and_the_page_shows_it(world, period, api_as):
    from targets.queries import target_row

    response = api_as("officer_a").put(value_url(world["a_rate"], period), {
        "numerator": "1.318", "denominator": 1500, "status": "in_progress", "note": "Số liệu tháng 1", "version": 0},
        format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["numerator"] == "1318.0000" and body["version"] == 1
    row = target_row(world["a_rate"], period)
    assert row.entry.pk == body["id"] and row.figure.value == Decimal(1318) * 100 / 1500


@pytest.mark.parametrize("persona, status", [("leader_a", 403), ("reviewer", 403), ("principal_a", 403),
                                             ("officer_b", 404), ("principal_b", 404), ("admin", 200),
                                             ("officer_a", 200)])
def test_who_may_change_a_wards_value(world, period, api_as, persona, status):
    response = api_as(persona).put(value_url(world["a_rooms"], period),
                                   {"value": 5, "status": "in_progress", "version": 1}, format="json")
    assert response.status_code == status, response.json()
    world["entered"].refresh_from_db()
    assert world["entered"].value == (Decimal(5) if status == 200 else Decimal(4))


def test_a_stale_write_is_refused_with_409_and_the_current_value(world, period, api_as):
    client = api_as("officer_a")
    url = value_url(world["a_rooms"], period)
    assert client.put(url, {"value": 6, "status": "in_progress", "version": 1}, format="json").status_code == 200
    stale = client.put(url, {"value": 7, "status": "done", "version": 1}, format="json")
    assert stale.status_code == 409
    body = stale.json()
    assert body["code"] == "stale" and body["current"]["value"] == "6.0000" and body["current"]["version"] == 2
    assert ProgressValue.objects.get(pk=world["entered"].pk).value == 6


def test_values_are_checked_by_the_pages_form(world, period, api_as):
    client = api_as("officer_a")
    response = client.put(value_url(world["a_rate"], period), {
        "numerator": 60, "denominator": 50, "status": "in_progress", "version": 0}, format="json")
    assert response.status_code == 400
    assert response.json()["numerator"] == ["Tử số không được lớn hơn mẫu số."]
    response = client.put(value_url(world["a_rooms"], period), {"value": "abc", "status": "nope", "version": 1},
                          format="json")
    errors = response.json()
    assert response.status_code == 400 and "không phải là một số" in errors["value"][0] and "status" in errors
    assert client.put(value_url(world["a_rooms"], period), {"value": -1, "status": "done", "version": 1},
                      format="json").json()["value"] == ["Giá trị không được âm."]
    assert ProgressValueChange.objects.count() == 1  # only the fixture's first save


def test_a_milestone_takes_true_or_false(world, period, tree, api_as):
    from tests.factories import make_indicator, make_target

    milestone = make_target(world["plan_a"], make_indicator("ke-hoach-cds", "Ban hành kế hoạch CĐS", "milestone",
                                                            "none"), 3, None, comparator="achieve")
    response = api_as("officer_a").put(value_url(milestone, period), {"achieved": True, "status": "done",
                                                                      "version": 0}, format="json")
    assert response.status_code == 201 and response.json()["achieved"] is True


def test_reading_a_targets_value_gives_its_version(world, period, api_as):
    client = api_as("leader_a")
    assert client.get(value_url(world["a_rooms"], period)).json()["version"] == 1
    missing = client.get(value_url(world["a_rate"], period))
    assert missing.status_code == 404 and missing.json()["code"] == "no_value"


def test_a_locked_period_refuses_the_write(world, period, api_as):
    from datetime import timedelta

    from django.utils import timezone

    today = timezone.localdate()
    period.start, period.end, period.deadline = today - timedelta(days=200), today - timedelta(days=100), \
        today - timedelta(days=90)
    period.save(update_fields=["start", "end", "deadline"])
    response = api_as("officer_a").put(value_url(world["a_rooms"], period),
                                       {"value": 5, "status": "in_progress", "version": 1}, format="json")
    assert response.status_code == 409 and response.json()["code"] == "locked"
    assert "đã khóa" in response.json()["detail"]


# --- many values at once ---------------------------------------------------------------------------------------


def bulk_rows(world, period, rooms=5):
    return [{"target": world["a_rate"].pk, "period": period.pk, "numerator": 40, "denominator": 50,
             "status": "in_progress", "version": 0},
            {"target": world["a_rooms"].pk, "period": period.pk, "value": rooms, "status": "in_progress",
             "version": 1}]


def test_a_bulk_write_saves_every_row_and_records_the_token(world, period, api_as):
    response = api_as("officer_a").post("/api/v1/values/bulk/", {"rows": bulk_rows(world, period)}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["saved"] == 2
    assert ProgressValue.objects.get(target=world["a_rate"]).numerator == 40
    assert ApiWrite.objects.filter(token__isnull=False).count() == 2


def test_a_bulk_write_with_one_bad_row_saves_nothing(world, period, api_as):
    rows = bulk_rows(world, period)
    rows.append({"target": world["a_rate"].pk, "period": period.pk, "numerator": 9, "denominator": 3,
                 "status": "in_progress", "version": 0})  # the same target again, and more trained than teachers
    rows.append({"target": world["b_rate"].pk, "period": period.pk, "numerator": 1, "denominator": 3,
                 "status": "in_progress", "version": 0})  # ward B's target
    response = api_as("officer_a").post("/api/v1/values/bulk/", {"rows": rows}, format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["detail"] == "Không lưu dòng nào: 2 dòng có lỗi."
    assert body["rows"] == [
        {"row": 2, "code": "duplicate", "errors": {"non_field_errors": ["Chỉ tiêu và kỳ này đã có ở dòng 0."]}},
        {"row": 3, "code": "not_found", "errors": {"target": ["Không tìm thấy chỉ tiêu."]}}]
    assert not ProgressValue.objects.filter(target=world["a_rate"]).exists()
    assert ProgressValue.objects.get(pk=world["entered"].pk).value == 4


def test_a_bulk_write_with_one_invalid_value_saves_nothing(world, period, api_as):
    rows = bulk_rows(world, period)
    rows[0]["numerator"] = 60
    response = api_as("officer_a").post("/api/v1/values/bulk/", {"rows": rows}, format="json")
    assert response.status_code == 400
    assert response.json()["rows"] == [{"row": 0, "code": "invalid",
                                        "errors": {"numerator": ["Tử số không được lớn hơn mẫu số."]}}]
    assert ProgressValue.objects.get(pk=world["entered"].pk).version == 1


def test_a_bulk_write_with_one_stale_row_saves_nothing(world, period, api_as):
    rows = bulk_rows(world, period)
    rows[1]["version"] = 0  # read before the ward's first entry
    response = api_as("officer_a").post("/api/v1/values/bulk/", {"rows": rows}, format="json")
    assert response.status_code == 409
    assert response.json()["rows"][0]["row"] == 1 and response.json()["rows"][0]["current"]["version"] == 1
    assert not ProgressValue.objects.filter(target=world["a_rate"]).exists()


def test_a_bulk_write_retried_with_its_idempotency_key_returns_the_first_answer_and_changes_nothing(
        world, period, api_as):
    client = api_as("officer_a")
    first = client.post("/api/v1/values/bulk/", {"rows": bulk_rows(world, period)}, format="json",
                        HTTP_IDEMPOTENCY_KEY="lan-gui-1")
    assert first.status_code == 200
    changes = ProgressValueChange.objects.count()
    retry = client.post("/api/v1/values/bulk/", {"rows": bulk_rows(world, period)}, format="json",
                        HTTP_IDEMPOTENCY_KEY="lan-gui-1")
    assert retry.status_code == 200 and retry.json() == first.json() and retry["Idempotent-Replayed"] == "true"
    assert ProgressValueChange.objects.count() == changes
    assert ProgressValue.objects.get(pk=world["entered"].pk).version == 2
    # the same key with another body is refused; without a key the rows are stale now
    other = client.post("/api/v1/values/bulk/", {"rows": bulk_rows(world, period, rooms=9)}, format="json",
                        HTTP_IDEMPOTENCY_KEY="lan-gui-1")
    assert other.status_code == 422 and other.json()["code"] == "idempotency_key_reused"
    assert client.post("/api/v1/values/bulk/", {"rows": bulk_rows(world, period)}, format="json").status_code == 409


def test_idempotency_keys_belong_to_their_token(world, period, api_as):
    first = api_as("officer_a").post("/api/v1/values/bulk/", {"rows": bulk_rows(world, period)}, format="json",
                                     HTTP_IDEMPOTENCY_KEY="k")
    assert first.status_code == 200
    # another token with the same key is a new request: its rows are stale now
    again = api_as("officer_a").post("/api/v1/values/bulk/", {"rows": bulk_rows(world, period)}, format="json",
                                     HTTP_IDEMPOTENCY_KEY="k")
    assert again.status_code == 409
    assert IdempotentRequest.objects.count() == 2


def test_kept_answers_are_forgotten_after_the_keeping_time(world, period, api_as, settings):
    from datetime import timedelta

    from api.tasks import sweep_idempotency_keys

    settings.API_IDEMPOTENCY_KEEP_HOURS = 48
    client = api_as("officer_a")
    assert client.post("/api/v1/values/bulk/", {"rows": bulk_rows(world, period)}, format="json",
                       HTTP_IDEMPOTENCY_KEY="cu").status_code == 200
    fresh = client.post("/api/v1/values/bulk/", {"rows": bulk_rows(world, period, rooms=9)}, format="json",
                        HTTP_IDEMPOTENCY_KEY="moi")
    assert fresh.status_code == 409  # stale rows; kept all the same, as the first answer to "moi"
    IdempotentRequest.objects.filter(key="cu").update(created_at=timezone.now() - timedelta(hours=49))
    # an expired key counts as new even before the sweep: the same body is now stale, not replayed
    again = client.post("/api/v1/values/bulk/", {"rows": bulk_rows(world, period)}, format="json",
                        HTTP_IDEMPOTENCY_KEY="cu")
    assert again.status_code == 409 and "Idempotent-Replayed" not in again
    IdempotentRequest.objects.filter(key="cu").update(created_at=timezone.now() - timedelta(hours=49))
    assert sweep_idempotency_keys() == {"deleted": 1}  # the task body, in this transaction
    assert set(IdempotentRequest.objects.values_list("key", flat=True)) == {"moi"}


def test_a_bulk_body_must_hold_rows(world, api_as):
    client = api_as("officer_a")
    assert client.post("/api/v1/values/bulk/", {"rows": []}, format="json").json()["rows"] == [
        "Cần một danh sách dòng (rows) không rỗng."]
    assert client.post("/api/v1/values/bulk/", [1, 2], format="json").status_code == 400
    assert client.post("/api/v1/values/bulk/", {"rows": [3]}, format="json").json()["rows"][0]["errors"] == {
        "non_field_errors": ["Mỗi dòng phải là một đối tượng JSON."]}


# --- a school's report -----------------------------------------------------------------------------------------


def report_url(school, period, submit=False):
    return f"/api/v1/schools/{school.pk}/reports/{period.pk}/" + ("submit/" if submit else "")


def test_a_principal_saves_and_submits_the_schools_report(world, tree, period, api_as):
    client = api_as("principal_a")
    saved = client.put(report_url(tree["A-TH1"], period), {
        "version": 1, "entries": {"so-giao-vien": 42}, "highlights": "Hoàn thành bồi dưỡng"}, format="json")
    assert saved.status_code == 200, saved.json()
    assert saved.json()["entries"] == {"so-giao-vien": "42"} and saved.json()["version"] == 2
    submitted = client.post(report_url(tree["A-TH1"], period, submit=True), {"version": 2}, format="json")
    assert submitted.status_code == 200, submitted.json()
    report = SchoolReport.objects.get(school=tree["A-TH1"], period=period)
    assert report.status == ReportStatus.SUBMITTED
    assert [e["action"] for e in submitted.json()["events"]][:2] == ["submitted", "saved"]
    assert ApiWrite.objects.filter(report_event__report=report).count() == 2


def test_a_stale_report_save_is_refused_with_the_current_report(world, tree, period, api_as):
    client = api_as("principal_a")
    assert client.put(report_url(tree["A-TH1"], period), {"version": 1, "entries": {"so-giao-vien": 40}},
                      format="json").status_code == 200
    stale = client.put(report_url(tree["A-TH1"], period), {"version": 1, "entries": {"so-giao-vien": 41}},
                       format="json")
    assert stale.status_code == 409 and stale.json()["current"]["entries"] == {"so-giao-vien": "40"}
    assert client.post(report_url(tree["A-TH1"], period, submit=True), {"version": 1},
                       format="json").status_code == 409


def test_a_report_is_checked_by_the_schools_form(world, tree, period, api_as):
    client = api_as("principal_a")
    response = client.put(report_url(tree["A-TH1"], period), {"version": 1, "entries": {"so-giao-vien": -3,
                                                                                         "khong-co": 1}},
                          format="json")
    assert response.status_code == 400 and response.json()["entries"] == {
        "khong-co": ["Mục này không có trong báo cáo của trường."]}
    response = client.put(report_url(tree["A-TH1"], period), {"version": 1, "entries": {"so-giao-vien": -3}},
                          format="json")
    assert response.json()["entries"] == {"so-giao-vien": ["Giá trị không được âm."]}


def test_submitting_an_incomplete_report_is_refused(world, tree, period, api_as):
    response = api_as("principal_a").post(report_url(tree["A-TH1"], period, submit=True), {"version": 1},
                                          format="json")
    assert response.status_code == 409 and response.json()["detail"].startswith("Chưa thể nộp")


@pytest.mark.parametrize("persona, status", [("officer_a", 403), ("leader_a", 403), ("reviewer", 403),
                                             ("principal_b", 404), ("officer_b", 404)])
def test_only_the_schools_staff_fill_its_report(world, tree, period, api_as, persona, status):
    response = api_as(persona).put(report_url(tree["A-TH1"], period), {"version": 1, "entries": {"so-giao-vien": 1}},
                                   format="json")
    assert response.status_code == status
    assert SchoolReport.objects.get(school=tree["A-TH1"]).version == 1


def test_a_schools_writing_service_account_fills_its_report(world, tree, period, service):
    _, client = service("A-TH1", can_write=True, by="principal_a")
    response = client.put(report_url(tree["A-TH1"], period), {"version": 1, "entries": {"so-giao-vien": 12}},
                          format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["events"][0]["by"] == "Hệ thống của A-TH1"


def test_the_sweep_of_kept_answers_is_scheduled():
    from django.conf import settings

    from config.celery import app

    entry = settings.CELERY_BEAT_SCHEDULE["sweep-idempotency-keys"]
    app.loader.import_default_modules()
    assert entry["task"] in app.tasks
