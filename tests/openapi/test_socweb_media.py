"""The media operations on a real upload (generated files are never valid images): the upload,
its state once the eager graph made it ready, and a derivative served from folder storage, each
answering its success status and holding its spec."""
from __future__ import annotations

import dataclasses
from urllib.parse import urlsplit

from tests.blueprints.socweb.media_support import image_bytes
from tests.conftest import bearer, login, register
from tests.openapi.checks import json_headers_conform, success_status_documented
from tests.openapi.specs import SPECS

CHECKS = [json_headers_conform, success_status_documented]


def call(headers, label: str, **case):
    method, path = label.split(" ", 1)
    response = SPECS["socweb"][path][method].Case(**case).call_and_validate(headers=headers,
                                                                            additional_checks=CHECKS)
    return response


def test_every_media_operation_on_a_real_upload_holds_its_spec(callers, tmp_path):
    auth = callers.market.apps["auth"].test_client(use_cookies=False)
    assert register(auth, email="photographer@example.com").status_code == 201
    headers = bearer(login(auth, email="photographer@example.com").get_json()["session_id"])
    app = SPECS["socweb"].app
    kept = app.config["AXA_MEDIA"]
    app.config["AXA_MEDIA"] = dataclasses.replace(kept, storage_url=f"file://{tmp_path}")
    try:
        sent = call(headers, "POST /api/v1/media", media_type="multipart/form-data",
                    body={"file": image_bytes("PNG", (900, 600)), "description": "A red field"})
        assert sent.status_code == 202, sent.text[:500]
        media = call(headers, "GET /api/v1/media/{media_id}", path_parameters={"media_id": sent.json()["id"]})
        assert media.status_code == 200 and media.json()["state"] == "ready", media.text[:500]
        *_, sha256, name = urlsplit(media.json()["small"]["url"]).path.split("/")
        served = call(headers, "GET /api/v1/media/files/{sha256}/{name}.webp",
                      path_parameters={"sha256": sha256, "name": name.removesuffix(".webp")})
        assert served.status_code == 200 and served.headers["content-type"] == ["image/webp"]
    finally:
        app.config["AXA_MEDIA"] = kept
