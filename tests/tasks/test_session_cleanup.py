"""Beat session cleanup: dead index entries pruned, live ones kept, audit trail trimmed."""
from datetime import UTC, datetime, timedelta

from axa.models.auth import AuthEvent, db
from axa.platform.redis_client import client_for
from axa.platform.sessions import INDEX_KEY, SESSION_PREFIX, hash_id
from axa.tasks.auth.sessions import prune_sessions
from tests.conftest import login, register


def test_prune_drops_only_dead_index_entries(client, auth_app):
    register(client)
    devices = [auth_app.test_client(use_cookies=False) for _ in range(3)]
    bodies = [login(d).get_json() for d in devices]
    uid = bodies[0]["user"]["id"]
    r = client_for(auth_app.config["AXA"].redis_url)
    index = INDEX_KEY.format(uid=uid)
    assert r.scard(index) == 3
    dead = [hash_id(b["session_id"]) for b in bodies[1:]]
    r.delete(*(SESSION_PREFIX + h for h in dead))  # as if their TTL ran out
    with auth_app.app_context():
        result = prune_sessions.apply().get()
    assert result["index_entries_pruned"] == 2
    assert r.scard(index) == 1
    listing = devices[0].get("/api/v1/auth/sessions",
                             headers={"Authorization": f"Bearer {bodies[0]['session_id']}"})
    assert listing.status_code == 200 and len(listing.get_json()) == 1


def test_prune_trims_audit_rows_past_retention(client, auth_app):
    register(client)
    login(client)
    with auth_app.app_context():
        db.session.add(AuthEvent(kind="login", user_id=1, at=datetime.now(UTC) - timedelta(days=400)))
        db.session.commit()
        result = prune_sessions.apply().get()
        kinds = [e.kind for e in db.session.query(AuthEvent)]
    assert result["audit_rows_trimmed"] == 1
    assert kinds == ["login"]
