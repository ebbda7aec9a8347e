"""RFC 9110: a 405 names the methods the resource allows (``Allow``), on every route of every app
(API, health, docs, Swagger UI files), and keeps the platform's JSON error shape (socweb's Conduit
face its own, RealWorld's)."""
from urllib.parse import urlsplit

import pytest

from axa.apps import FACTORIES
from axa.platform.config import SUBSYSTEMS

METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
SAMPLES = {"sha256": "0" * 64, "name": "small"}  # arguments "1" cannot fill (socweb's media files)


def url_of(urls, rule) -> str:
    try:
        return urls.build(rule.endpoint, dict.fromkeys(rule.arguments, "1"))
    except ValueError:
        return urls.build(rule.endpoint, {arg: SAMPLES.get(arg, "1") for arg in rule.arguments})


@pytest.mark.parametrize("sub", SUBSYSTEMS)
def test_every_route_answers_a_method_it_lacks_with_405_and_allow(sub):
    app = FACTORIES[sub]({"TESTING": True})
    client, urls = app.test_client(), app.url_map.bind("localhost")
    checked = 0
    for rule in app.url_map.iter_rules():
        path = urlsplit(url_of(urls, rule)).path  # a WebSocket rule (stream's chat) builds as ws://…
        allowed = urls.allowed_methods(path) or sorted(rule.methods)
        for method in set(METHODS) - set(allowed):
            response = client.open(path, method=method)
            assert response.status_code == 405, (method, path)
            assert set(response.headers["Allow"].split(", ")) == set(allowed), (method, path)
            message = "The method is not allowed for the requested URL."
            if path.startswith("/conduit/api/"):
                assert response.get_json() == {"errors": {"method": [message]}}
            else:
                assert response.get_json() == {"code": 405, "status": "Method Not Allowed", "message": message}
            checked += 1
    assert checked >= len(list(app.url_map.iter_rules()))
