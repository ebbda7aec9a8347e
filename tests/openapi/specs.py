"""The six apps' live specs as schemathesis loads them, with the suite's bounded, seeded settings."""
from __future__ import annotations

import schemathesis
from schemathesis.config import SchemathesisConfig

from axa.apps import FACTORIES
from axa.platform.config import SUBSYSTEMS

EXAMPLES = 12  # generated requests per operation and mode, beyond the examples and coverage cases
CONFIG = SchemathesisConfig.from_dict({
    "seed": 20260617,
    "suppress-health-check": ["too_slow"],  # the one time-based check: a busy 2-core CI must not fail it
    "generation": {"mode": "all", "max-examples": EXAMPLES, "deterministic": True, "database": "none"},
    "phases": {"stateful": {"enabled": False}},
    "checks": {"positive_data_acceptance": {"enabled": False}},  # checks.schema_valid_requests_accepted
})
SPECS = {sub: schemathesis.openapi.from_wsgi("/api/v1/docs/openapi.json", FACTORIES[sub]({"TESTING": True}),
                                             config=CONFIG)
         for sub in SUBSYSTEMS}


@schemathesis.hook.apply_to(path="/api/v1/media", method="POST")
def filter_body(ctx, body):
    """A multipart form carries text and files only: a description generated as a number, a boolean
    or null arrives as its text (a valid description), and one generated as an empty array does not
    arrive at all (a valid upload without one). Such bodies are not the invalid requests they look
    like; the others (a list of several: repeated parts, a file that is not a file part, unknown
    fields) are generated and must be refused."""
    if not isinstance(body, dict) or "description" not in body:
        return True
    description = body["description"]
    return isinstance(description, str) or (isinstance(description, list) and len(description) > 1)
