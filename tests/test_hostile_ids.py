"""An id read from a query string or a form is one a 64-bit key can hold, or it names nothing: every page parses it
through units.access.parse_id. ?unit=99999999999999999999999 on the list of report builds was a server error
(OverflowError: it passed isdigit() but no database integer holds it)."""

import pytest
from django.urls import reverse

from tests.factories import make_period
from tests.test_access_crawl import crawled_patterns
from units.access import MAX_ID, parse_id

BEYOND = ["99999999999999999999999", str(MAX_ID + 1), "9" * 5000, "²", "٣", "-1", "1e3", " 7", ""]
ID_PARAMETERS = ["unit", "plan", "period", "parent", "of", "page", "trang", "document"]


@pytest.mark.parametrize(("value", "expected"), [
    ("12", 12), ("0", 0), (str(MAX_ID), MAX_ID), (12, 12), (MAX_ID + 1, None), (-1, None), (True, None),
    (None, None), ("", None), ("99999999999999999999999", None), (str(MAX_ID + 1), None), ("9" * 5000, None),
    ("²", None), ("٣", None), ("-1", None), ("+1", None), ("1e3", None), (" 7", None), ("7 ", None),
])
def test_parse_id(value, expected):
    assert parse_id(value) == expected


def test_a_number_beyond_any_id_filters_the_build_list_to_nothing(client, personas):
    client.force_login(personas["officer_a"])
    for value in BEYOND:
        response = client.get(reverse("reports:build_list"), {"unit": value})
        assert response.status_code == 200, repr(value)


@pytest.mark.parametrize("persona", ["admin", "officer_a"])
def test_no_page_makes_a_server_error_of_an_id_beyond_64_bits(client, personas, tree, persona):
    period = make_period()
    client.force_login(personas[persona])
    pages = [name for name, kwargs in crawled_patterns() if not kwargs]
    pages += ["units:unit_create"]
    for name in pages:
        for value in BEYOND[:3]:
            response = client.get(reverse(name), {parameter: value for parameter in ID_PARAMETERS})
            assert response.status_code < 500, (name, response.status_code)
    for value in BEYOND[:3]:
        # the pages whose id is in the path, their other ids in the query string
        assert client.get(reverse("reports:period_exception", args=[period.pk]),
                          {"unit": value}).status_code == 404
        response = client.post(reverse("reports:build_request"), {"unit": value, "period": value, "plan": value})
        assert response.status_code < 500
        response = client.get(reverse("units:unit_field_search"), {"scope": "tai-khoan", "name": "unit", "of": value})
        assert response.status_code == 404
