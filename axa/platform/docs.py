"""The OpenAPI document and its Swagger UI, as every subsystem serves them.

- Decimals are documented as ``type: string, format: decimal`` (``DecimalString``).
- A header whose schema is an object (flask-smorest's ``X-Pagination``) is documented as the JSON
  text it is sent as: ``content: application/json`` instead of ``schema`` (an object ``schema``
  would mean the ``simple`` style, ``total,3,total_pages,1``, which is not what is sent).
- Swagger UI's scripts and styles come from the app itself, from the files of the pinned
  ``flask-swagger-ui`` package, so the docs pages work without internet access.
"""
from __future__ import annotations

from importlib.resources import files

from apispec import BasePlugin
from flask import Blueprint, Flask

from axa.platform.api import Api
from axa.platform.fields import DecimalString

DOCS_PREFIX = "/api/v1/docs"
SWAGGER_UI_ASSETS = f"{DOCS_PREFIX}/swagger-ui"
SWAGGER_UI_CONFIG = {"validatorUrl": None}  # never send the spec to the public validator


class JsonHeaders(BasePlugin):
    """Document object-valued response headers as JSON text (``content: application/json``)."""

    def header_helper(self, header: dict, **kwargs) -> dict:
        schema = header.get("schema")
        if isinstance(schema, dict) and ("$ref" in schema or schema.get("type") == "object"):
            header["content"] = {"application/json": {"schema": header.pop("schema")}}
        return header


def settings() -> dict:
    """The flask-smorest settings of the docs pages."""
    return {"OPENAPI_URL_PREFIX": DOCS_PREFIX, "OPENAPI_JSON_PATH": "openapi.json",
            "OPENAPI_SWAGGER_UI_PATH": "/", "OPENAPI_SWAGGER_UI_URL": f"{SWAGGER_UI_ASSETS}/",
            "OPENAPI_SWAGGER_UI_CONFIG": SWAGGER_UI_CONFIG}


def swagger_ui_assets() -> Blueprint:
    """Swagger UI's files (swagger-ui-bundle.js, swagger-ui.css, …) under SWAGGER_UI_ASSETS."""
    return Blueprint("swagger_ui", __name__, static_folder=str(files("flask_swagger_ui") / "dist"),
                     static_url_path=SWAGGER_UI_ASSETS)


def create_api(app: Flask) -> Api:
    """The app's flask-smorest ``Api``, with decimals documented as strings and the Swagger UI
    assets served by the app."""
    api = Api(app, spec_kwargs={"extra_plugins": [JsonHeaders()]})
    api.register_field(DecimalString, "string", "decimal")
    app.register_blueprint(swagger_ui_assets())
    return api
