"""The OpenAPI schema: valid, without warnings, with a Vietnamese description of every field and parameter; the
documentation page from vendored files."""

import re

import pytest
import yaml
from django.core.management import call_command
from rest_framework.test import APIClient


@pytest.fixture
def schema(db):
    response = APIClient().get("/api/schema/")
    assert response.status_code == 200
    return yaml.safe_load(response.content)


def test_the_schema_generates_without_warnings_and_validates(db, tmp_path, capsys):
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml"))


def test_every_field_of_every_component_has_a_vietnamese_description(schema):
    missing = []
    for name, component in schema["components"]["schemas"].items():
        for field, spec in component.get("properties", {}).items():
            if not spec.get("description"):
                missing.append(f"{name}.{field}")
    assert missing == []
    target = schema["components"]["schemas"]["Target"]["properties"]
    assert target["baseline_value"]["description"] == "Giá trị nền"
    assert target["scope_units"]["description"] == "Để trống: toàn bộ đơn vị ban hành kế hoạch."


def test_every_parameter_has_a_description(schema):
    missing = [f"{method.upper()} {path} {parameter['name']}"
               for path, operations in schema["paths"].items() for method, operation in operations.items()
               for parameter in operation.get("parameters", []) if not parameter.get("description")]
    assert missing == []


def test_the_schema_lists_the_versioned_endpoints_with_token_authentication(schema):
    assert {"/api/v1/units/", "/api/v1/values/bulk/", "/api/v1/evaluation/", "/api/v1/export/",
            "/api/v1/schools/{school_pk}/reports/{period_pk}/submit/"} <= set(schema["paths"])
    assert schema["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"


def test_the_documentation_page_loads_its_scripts_from_the_portal(db):
    page = APIClient().get("/api/docs/").content.decode()
    sources = re.findall(r'<(?:script|link)[^>]+(?:src|href)="([^"]+)"', page)
    assert sources and all(source.startswith(("/static/", "/api/")) for source in sources), sources
    assert "<script>" not in page.replace(" ", "")  # no inline script: the page runs under script-src 'self'
