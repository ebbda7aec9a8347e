"""The "Swagger aggregator": one page listing all six subsystems' OpenAPI specs."""
from __future__ import annotations

import json

from flask import Blueprint, current_app

from axa.platform.config import PORTS

bp = Blueprint("all_docs", __name__)
PAGE = """<!doctype html><html><head><meta charset="utf-8"><title>AXA Platform APIs</title>
<link rel="stylesheet" href="https://cdn.jsdelivr.net/npm/swagger-ui-dist@5/swagger-ui.css"></head>
<body><ul id="specs">{links}</ul><div id="swagger-ui"></div>
<script src="https://cdn.jsdelivr.net/npm/swagger-ui-dist@5/swagger-ui-bundle.js"></script>
<script src="https://cdn.jsdelivr.net/npm/swagger-ui-dist@5/swagger-ui-standalone-preset.js"></script>
<script>window.ui = SwaggerUIBundle({{urls: {urls}, dom_id: '#swagger-ui',
presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset], layout: 'StandaloneLayout'}});
</script></body></html>"""


def spec_urls() -> list[dict]:
    base = current_app.config.get("AXA_DOCS_HOST", "http://localhost")
    return [{"name": sub, "url": f"{base}:{port}/api/v1/docs/openapi.json"} for sub, port in PORTS.items()]


@bp.get("/api/v1/docs/all")
def all_specs():
    urls = spec_urls()
    links = "".join(f'<li><a href="{u["url"]}">{u["name"]}</a></li>' for u in urls)
    return current_app.response_class(PAGE.format(links=links, urls=json.dumps(urls)),
                                      mimetype="text/html")
