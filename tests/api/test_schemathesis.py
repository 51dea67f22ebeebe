"""Schemathesis against the schema, in process (the WSGI app, the test's database): every operation with a few
generated requests, as the admin with a read-write token over the fixtures' data; no answer may be a server
error or break the schema it documents. EXAMPLES per operation keeps it a few seconds long."""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from schemathesis import checks

from api.actions import issue_token

EXAMPLES = 8
# no server error, and every answer as its schema documents it (status, content type, body, headers). Whether a
# schema-valid body is accepted is not checked: the pages' forms decide that (a numerator above its denominator,
# a target out of scope), which the schema does not describe
CHECKS = [checks.not_a_server_error, checks.status_code_conformance, checks.content_type_conformance,
          checks.response_schema_conformance, checks.response_headers_conformance]


@pytest.fixture
def connections_kept_open():
    """The WSGI app closes "old" connections around each request, as in production; inside the test's
    transaction that closes the test's own connection on PostgreSQL. Django's test client does the same."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def test_every_operation_keeps_to_its_schema(world, personas, settings, connections_kept_open):
    settings.API_RATE_LIMIT = "100000/minute"
    _, token = issue_token(user=personas["admin"], name="schemathesis", can_write=True, by=personas["admin"])
    schema = schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application())
    checked = []
    for result in schema.get_all_operations():
        operation = result.ok()

        @given(case=operation.as_strategy())
        @hypothesis_settings(max_examples=EXAMPLES, deadline=None, database=None, suppress_health_check=list(HealthCheck))
        def check(case):
            case.call_and_validate(headers={"Authorization": f"Bearer {token}"}, checks=CHECKS)
            checked.append(case)

        check()
    assert len({case.operation.label for case in checked}) >= 20
