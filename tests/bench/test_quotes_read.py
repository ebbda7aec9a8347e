"""The quotes_read benchmark's reference answers exactly the body it was given, as JSON."""
import json

from bench.quotes_read import bare_quotes_app


def test_bare_reference_answers_the_same_body(tmp_path):
    body = {"quotes": {"AAA": {"price": "10.50", "stale": False}}, "missing": ["ZZZ"]}
    path = tmp_path / "body.json"
    path.write_text(json.dumps(body))
    response = bare_quotes_app(str(path)).test_client().get("/api/v1/quotes?symbols=AAA,ZZZ")
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert response.get_json() == body
