"""Every market endpoint is in its app's OpenAPI, documenting 401 (and 403 for admin), and every
list documents its X-Pagination header."""
import pytest

PATHS = {
    "stocks": {"/api/v1/instruments": True, "/api/v1/instruments/{instrument_id}": False,
               "/api/v1/instruments/{instrument_id}/history": True, "/api/v1/quotes": False,
               "/api/v1/bonds": True},
    "cmc": {"/api/v1/listings": True, "/api/v1/coins/{key}": False, "/api/v1/coins/{key}/history": True,
            "/api/v1/global-metrics": False},
}
ADMIN = {"/api/v1/admin/refresh": False, "/api/v1/admin/runs": True, "/api/v1/admin/runs/{run_id}": False,
         "/api/v1/admin/datasets": True, "/api/v1/admin/quarantine": True}


@pytest.mark.parametrize("sub", ["stocks", "cmc"])
def test_openapi_documents_every_endpoint(market, sub):
    spec = market.client(sub).get("/api/v1/docs/openapi.json").get_json()
    for path, is_list in {**PATHS[sub], **ADMIN}.items():
        operations = spec["paths"][path]
        assert operations, path
        for method, operation in operations.items():
            if method == "parameters":
                continue
            responses = operation["responses"]
            assert "401" in responses and operation["summary"], (path, method)
            assert ("403" in responses) == path.startswith("/api/v1/admin"), (path, method)
            success = responses["202" if method == "post" else "200"]
            assert ("X-Pagination" in success.get("headers", {})) == is_list, (path, method)
    quotes_or_listings = "/api/v1/quotes" if sub == "stocks" else "/api/v1/listings"
    assert "422" in spec["paths"][quotes_or_listings]["get"]["responses"]
