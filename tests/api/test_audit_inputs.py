"""The API's answers to odd requests found by an audit and a schemathesis run (28/11/2026): never a server error,
never a value kept as Python's text of a list, every refusal in Vietnamese."""

from reports.models import SchoolReport
from targets.models import ProgressValue
from tests.api.test_writes import bulk_rows, report_url


def test_options_on_the_export_asked_as_csv_describes_it_in_json(world, tree, period, api_as):
    response = api_as("officer_a").options(f"/api/v1/export/?format=csv&unit={tree['A'].pk}&period={period.pk}")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/json")
    assert response.json()["name"]


def test_an_export_in_a_format_not_offered_is_refused_saying_which_are(world, tree, period, api_as):
    response = api_as("officer_a").get(f"/api/v1/export/?format=xml&unit={tree['A'].pk}&period={period.pk}")
    assert response.status_code == 400
    assert response.json()["format"] == ["Chỉ xuất được định dạng json hoặc csv."]


def test_a_list_where_a_text_goes_is_refused_not_kept_as_its_python_text(world, tree, period, api_as):
    response = api_as("principal_a").put(report_url(tree["A-TH1"], period), {
        "version": 1, "entries": {"so-giao-vien": 42}, "highlights": ["a"]}, format="json")
    assert response.status_code == 400
    assert "không phải danh sách" in response.json()["highlights"][0]
    assert SchoolReport.objects.get(school=tree["A-TH1"], period=period).highlights == ""


def test_a_list_as_a_figure_of_a_school_report_names_its_item(world, tree, period, api_as):
    response = api_as("principal_a").put(report_url(tree["A-TH1"], period), {
        "version": 1, "entries": {"so-giao-vien": [42]}}, format="json")
    assert response.status_code == 400 and "entries.so-giao-vien" in response.json()


def test_a_bulk_row_with_a_list_for_a_note_is_that_rows_error_and_nothing_is_saved(world, period, api_as):
    rows = bulk_rows(world, period)
    rows[1]["note"] = ["ghi chú"]
    before = list(ProgressValue.objects.values_list("pk", "version"))
    response = api_as("officer_a").post("/api/v1/values/bulk/", {"rows": rows}, format="json")
    assert response.status_code == 400
    assert response.json()["rows"] == [{"row": 1, "code": "invalid", "errors": {"note": [
        "Phải là một giá trị (số hoặc chuỗi), không phải danh sách hay đối tượng."]}}]
    assert list(ProgressValue.objects.values_list("pk", "version")) == before


def test_a_body_that_is_not_json_is_refused_in_vietnamese(world, tree, period, api_as):
    client = api_as("principal_a")
    broken = client.put(report_url(tree["A-TH1"], period), "{not json", content_type="application/json")
    assert broken.status_code == 400 and broken.json()["detail"] == "Nội dung gửi lên không phải JSON hợp lệ."
    form = client.put(report_url(tree["A-TH1"], period), "version=1", content_type="text/plain")
    assert form.status_code == 415
    assert form.json()["detail"] == "Chỉ nhận nội dung JSON (Content-Type: application/json)."


def test_a_submission_with_a_bad_version_says_so_in_plain_vietnamese(world, tree, period, api_as):
    response = api_as("principal_a").post(report_url(tree["A-TH1"], period, submit=True), {"version": "abc"},
                                          format="json")
    assert response.status_code == 400
    assert response.json()["version"] == ["Phiên bản (version) phải là một số nguyên không âm."]
