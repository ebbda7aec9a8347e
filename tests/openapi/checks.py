"""Checks schemathesis' built-in ones leave out, run on every generated request.

``success_status_documented``: a 2xx or 3xx answer has its own entry in the operation's
responses; flask-smorest's ``default`` response (the error body, for any other status) would
otherwise make every status "documented".

``json_headers_conform``: a header documented as JSON text (``content: application/json``, how
the platform documents ``X-Pagination``) parses as JSON and matches its schema; schemathesis
validates only headers documented with a ``schema``.

``schema_valid_requests_accepted`` (in place of the built-in ``positive_data_acceptance``): a
request the spec declares valid is answered 2xx, or refused for a reason the spec gives: not
signed in or not allowed (401, 403), not found (404), a conflict (409), rate limited (429), a
status this operation documents with a reason of its own (``400: Unknown, expired or used
token``), or a 422 naming only fields whose description states the rule (``… after `to`: 422``);
a 422 in the Conduit face's shape (``{"errors": {"username": ["has already been taken"]}}``) names
fields of the body's envelope or parameters.
"""
from __future__ import annotations

import json
from http import HTTPStatus

import jsonschema_rs

REFUSALS = {401, 403, 404, 409, 429}
WEBARGS_LOCATIONS = {"headers": "header", "cookies": "cookie"}  # error locations -> OpenAPI `in`


def _resolve(spec: dict, node: dict) -> dict:
    while isinstance(node, dict) and "$ref" in node:
        target = spec
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        node = target
    return node


def _documented_response(case, status: int) -> dict:
    spec = case.operation.schema.raw_schema
    responses = case.operation.definition.raw.get("responses", {})
    return _resolve(spec, responses.get(str(status)) or responses.get("default") or {})


def json_headers_conform(ctx, response, case) -> None:
    spec = case.operation.schema.raw_schema
    for name, header in _documented_response(case, response.status_code).get("headers", {}).items():
        media = _resolve(spec, header).get("content", {}).get("application/json")
        values = response.headers.get(name.lower())
        if media is None or not values:
            continue
        try:
            value = json.loads(values[0])
        except ValueError:
            raise AssertionError(f"Header {name} is documented as JSON but is {values[0]!r}") from None
        validator = jsonschema_rs.validator_for({**media["schema"], "components": spec["components"]})
        problems = [error.message for error in validator.iter_errors(value)]
        assert not problems, f"Header {name}: {values[0]} does not match its schema: {problems}"


def _descriptions(case, location: str) -> dict[str, str]:
    """Field name -> its description in the spec, for one error location of the 422 body."""
    spec = case.operation.schema.raw_schema
    if location in ("json", "multipart"):
        media = "application/json" if location == "json" else "multipart/form-data"
        body = case.operation.definition.raw.get("requestBody", {})
        schema = _resolve(spec, body.get("content", {}).get(media, {}).get("schema", {}))
        return {name: _resolve(spec, prop).get("description", "")
                for name, prop in schema.get("properties", {}).items()}
    path_level = spec["paths"][case.operation.path].get("parameters", [])
    parameters = [_resolve(spec, p) for p in [*path_level, *case.operation.definition.raw.get("parameters", [])]]
    where = WEBARGS_LOCATIONS.get(location, location)
    return {p["name"]: p.get("description", "") for p in parameters if p.get("in") == where}


def _named_fields(case) -> dict[str, str]:
    """Field name -> description, for every parameter and every body property down to the
    envelope's fields (a Conduit body is ``{"user": {...}}``): what a Conduit error may name."""
    spec = case.operation.schema.raw_schema
    body = case.operation.definition.raw.get("requestBody", {})
    schema = _resolve(spec, body.get("content", {}).get("application/json", {}).get("schema", {}))
    found = {}
    for name, prop in schema.get("properties", {}).items():
        prop = _resolve(spec, prop)
        found[name] = prop.get("description", "")
        found |= {inner: _resolve(spec, p).get("description", "")
                  for inner, p in prop.get("properties", {}).items()}
    for location in ("path", "query", "header"):
        found |= _descriptions(case, location)
    return found


def _rule_documented(case, response) -> bool:
    errors = (response.json() or {}).get("errors") or {}
    if errors and all(isinstance(messages, list) for messages in errors.values()):  # Conduit's shape
        described = _named_fields(case)
        return all("422" in described.get(name, "") for name in errors)
    named = [(location, name) for location, fields in errors.items() for name in fields]
    return bool(named) and all("422" in _descriptions(case, location).get(name, "")
                               for location, name in named)


def _own_reason(case, status: int) -> bool:
    documented = case.operation.definition.raw.get("responses", {}).get(str(status))
    if documented is None or status == 422:
        return False
    description = _resolve(case.operation.schema.raw_schema, documented).get("description", "")
    return description not in ("", HTTPStatus(status).phrase)


def schema_valid_requests_accepted(ctx, response, case) -> None:
    meta = case.meta
    status = response.status_code
    if meta is None or not meta.generation.mode.is_positive or status < 400 or status >= 500:
        return
    if status in REFUSALS or _own_reason(case, status):
        return
    if status == 422 and _rule_documented(case, response):
        return
    raise AssertionError(f"A request valid by the spec was refused with {status} for a reason the spec "
                         f"does not give: {response.text[:500]}")


def success_status_documented(ctx, response, case) -> None:
    status = response.status_code
    if status < 400 and response.request.method == case.operation.method.upper():  # not Flask's OPTIONS
        documented = case.operation.definition.raw.get("responses", {})
        assert str(status) in documented, f"{status} is not among the documented {sorted(documented)}"
