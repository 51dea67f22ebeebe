"""What a school system or a province's tools meet when they call the API as its schema describes it: JSON numbers,
retries, concurrent writers, error bodies."""

from decimal import Decimal

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
    assert response.json()["rows"] == [{"row": 0, "errors": {"value": ["Phải là số nguyên, không có phần thập phân."]}}]
    assert ProgressValue.objects.get(pk=world["entered"].pk).value == Decimal(4)
