"""Every query parameter the schema documents, on every GET operation, sent values no form would accept: a NUL
character (which PostgreSQL's text cannot hold), a very long string, non-ASCII digits, a number beyond any id.
Each answer is a 4xx in JSON, never a server error: no view reads a parameter without its form."""

import pytest
from django.urls import reverse

HOSTILE = ["\x00", "a\x00b", "x" * 5000, "²", "٣", "99999999999999999999999", "-1", "1e3", " ", "true\x00",
           "4484-07-21T05:51:27+22:46", "9999-12-31T23:59:59-23:59"]


def _get_operations(client):
    schema = client.get(reverse("api:schema"), {"format": "json"}).json()
    for path, operations in schema["paths"].items():
        if "get" not in operations or "{" in path:
            continue
        names = [parameter["name"] for parameter in operations["get"].get("parameters", [])
                 if parameter["in"] == "query"]
        if names:
            yield path, names


def test_no_query_parameter_makes_a_server_error(world, api_as):
    client = api_as("admin")
    operations = list(_get_operations(client))
    assert len(operations) >= 8
    sent = 0
    for path, names in operations:
        for name in names:
            for value in HOSTILE:
                response = client.get(path, {name: value})
                sent += 1
                assert response.status_code < 500, (path, name, repr(value), response.status_code)
                if response.status_code >= 400:
                    assert response["Content-Type"].startswith("application/json"), (path, name, repr(value))
    assert sent >= 8 * len(HOSTILE)


@pytest.mark.parametrize("path", ["/api/v1/periods/", "/api/v1/units/", "/api/v1/values/"])
def test_a_nul_in_a_filter_is_refused_in_vietnamese(world, api_as, path):
    response = api_as("admin").get(path, {"kind": "\x00", "indicator": "\x00"})
    assert response.status_code == 400
    assert "không hợp lệ" in str(response.json()).lower() or "NUL" in str(response.json())


def test_an_unknown_choice_names_the_allowed_ones(world, api_as):
    response = api_as("admin").get("/api/v1/periods/", {"kind": "mua-he"})
    assert response.status_code == 400
    assert "kind" in response.json()


def test_a_nul_in_a_page_address_is_refused(client, personas, tree):
    client.force_login(personas["officer_a"])
    for url in ["/bao-cao/tao-bao-cao/da-tao/?unit=%00", "/?plan=%00", "/bao-cao/bang-dieu-khien/?unit=1%002"]:
        response = client.get(url)
        assert response.status_code == 400, url
        assert "ký tự không hợp lệ" in response.content.decode()


def test_non_ascii_digits_in_a_page_filter_are_ignored_not_a_server_error(client, personas, tree):
    client.force_login(personas["officer_a"])
    for url in ["/bao-cao/tao-bao-cao/da-tao/?unit=²", "/bao-cao/tao-bao-cao/da-tao/?unit=٣&page=²"]:
        assert client.get(url).status_code == 200, url
