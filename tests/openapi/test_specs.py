"""Every operation of every app's live OpenAPI spec, exercised by schemathesis through the WSGI app.

For each operation: the spec's examples, schemathesis' coverage cases (boundaries, missing and
wrong-typed values, undocumented methods) and a fixed number of generated requests, valid and
invalid, with a fixed seed (specs.py), signed in as conftest.Callers says. Every response must be
no server error, carry a documented status, content type and headers, conform to the documented
schema (JSON headers included), reject invalid requests, and accept valid ones unless the spec says
why not (checks.py). A 405 must carry ``Allow``.
"""
from __future__ import annotations

import schemathesis

from tests.openapi.checks import (
    json_headers_conform,
    schema_valid_requests_accepted,
    success_status_documented,
)
from tests.openapi.specs import SPECS

CHECKS = [json_headers_conform, schema_valid_requests_accepted, success_status_documented]


@schemathesis.pytest.parametrize(**SPECS)
def test_every_operation_holds_its_spec(case, callers):
    case.call_and_validate(headers=callers.headers_for(case), additional_checks=CHECKS)
