"""Schemathesis against the schema, in process (the WSGI app, the test's database): every operation with a few
generated requests, as the admin with a read-write token over the fixtures' data; no answer may be a server
error or break the schema it documents. EXAMPLES per operation keeps it a few seconds long."""

import schemathesis
from django.core.wsgi import get_wsgi_application
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


def test_every_operation_keeps_to_its_schema(world, personas, settings):
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
