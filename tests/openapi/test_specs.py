"""Every operation of every app's live OpenAPI spec, exercised by schemathesis through the WSGI app.

For each operation: the spec's examples, schemathesis' coverage cases (boundaries, missing and
wrong-typed values, undocumented methods) and a fixed number of generated requests, valid and
invalid, with a fixed seed, signed in as conftest.Callers says. Every response must be no server
error, carry a documented status, content type and headers, conform to the documented schema
(including JSON headers), reject invalid requests, and accept valid ones unless the spec says why
not (checks.py). A 405 must carry ``Allow``.
"""
from __future__ import annotations

import schemathesis
from schemathesis.config import SchemathesisConfig

from axa.platform.apps import FACTORIES
from axa.platform.config import SUBSYSTEMS
from tests.openapi.checks import json_headers_conform, schema_valid_requests_accepted

EXAMPLES = 12  # generated requests per operation and mode, beyond the coverage cases
CONFIG = SchemathesisConfig.from_dict({
    "seed": 20260617,
    "generation": {"mode": "all", "max-examples": EXAMPLES, "deterministic": True, "database": "none"},
    "phases": {"stateful": {"enabled": False}},
    "checks": {"positive_data_acceptance": {"enabled": False}},  # schema_valid_requests_accepted
})


SPECS = {sub: schemathesis.openapi.from_wsgi("/api/v1/docs/openapi.json", FACTORIES[sub]({"TESTING": True}),
                                             config=CONFIG)
         for sub in SUBSYSTEMS}


@schemathesis.pytest.parametrize(**SPECS)
def test_every_operation_holds_its_spec(case, callers):
    case.call_and_validate(headers=callers.headers_for(case),
                           additional_checks=[json_headers_conform, schema_valid_requests_accepted])
