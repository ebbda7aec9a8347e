"""The "Swagger aggregator": one page listing all six subsystems' OpenAPI specs.

Swagger UI's files come from this app (axa.platform.docs), so the page works offline; the specs
are fetched from each subsystem's own origin, which the page's CSP names and nothing else.
"""
from __future__ import annotations

import json
from html import escape

from flask import Blueprint, current_app

from axa.platform.config import PORTS
from axa.platform.docs import SWAGGER_UI_ASSETS, SWAGGER_UI_CONFIG
from axa.platform.security import DOCS_CSP

bp = Blueprint("all_docs", __name__)
PAGE = """<!doctype html><html><head><meta charset="utf-8"><title>AXA Platform APIs</title>
<link rel="stylesheet" href="{assets}/swagger-ui.css"></head>
<body><ul id="specs">{links}</ul><div id="swagger-ui"></div>
<script src="{assets}/swagger-ui-bundle.js"></script>
<script src="{assets}/swagger-ui-standalone-preset.js"></script>
<script>window.ui = SwaggerUIBundle(Object.assign({config}, {{urls: {urls}, dom_id: '#swagger-ui',
presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset], layout: 'StandaloneLayout'}}));
</script></body></html>"""


def spec_origins() -> dict[str, str]:
    """Subsystem -> the origin its spec is served from (``AXA_DOCS_HOST``, ``AXA_DOCS_PORTS``)."""
    base = current_app.config.get("AXA_DOCS_HOST", "http://localhost")
    ports = current_app.config.get("AXA_DOCS_PORTS", PORTS)
    return {sub: f"{base}:{port}" for sub, port in ports.items()}


def spec_urls() -> list[dict]:
    return [{"name": sub, "url": f"{origin}/api/v1/docs/openapi.json"}
            for sub, origin in spec_origins().items()]


@bp.get("/api/v1/docs/all")
def all_specs():
    urls = spec_urls()
    links = "".join(f'<li><a href="{escape(u["url"])}">{escape(u["name"])}</a></li>' for u in urls)
    page = PAGE.format(assets=SWAGGER_UI_ASSETS, links=links, urls=json.dumps(urls),
                       config=json.dumps(SWAGGER_UI_CONFIG))
    response = current_app.response_class(page, mimetype="text/html")
    origins = " ".join(sorted(set(spec_origins().values())))
    response.headers["Content-Security-Policy"] = DOCS_CSP.replace(
        "connect-src 'self'", f"connect-src 'self' {origins}")
    return response
