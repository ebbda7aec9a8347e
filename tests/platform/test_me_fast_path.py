"""``/api/v1/me`` from the Redis copy of the replica, fetched by the session check itself; the
copy stays coherent with PostgreSQL; the session check still runs on every request.

The copy (axa/models/replica.py) only holds versions PostgreSQL committed, a version only
replaces an older one, and the sync writes only users a request has cached (or leased).
"""
from __future__ import annotations

from types import SimpleNamespace

from sqlalchemy import update

from axa.models import replica
from axa.models.socweb import User, db
from axa.platform.redis_client import client_for
from axa.platform.sessions import SESSION_PREFIX, hash_id
from tests.conftest import bearer, login, register


def _redis(app):
    return client_for(app.config["AXA"].redis_url)


def _signed_in(clients) -> tuple[int, str]:
    assert register(clients["auth"]).status_code == 201
    body = login(clients["auth"]).get_json()
    return body["user"]["id"], body["session_id"]


def _snapshot(user_id, version, **changes):
    return {"id": user_id, "email": "ada@example.com", "display_name": "Ada", "status": "active",
            "roles": [], "version": version, **changes}


def _cached(app, user_id) -> dict:
    return _redis(app).hgetall(replica.cache_key("socweb", user_id))


def _sync(app, *snapshots) -> int:
    with app.app_context():
        return User.apply_snapshots(list(snapshots))


def test_a_miss_reads_the_database_and_fills_the_copy_then_hits_skip_the_database(apps, clients):
    user_id, sid = _signed_in(clients)
    socweb = apps["socweb"]
    assert _cached(socweb, user_id) == {}  # the sync writes only users a request has cached
    first = clients["socweb"].get("/api/v1/me", headers=bearer(sid))
    assert first.status_code == 200
    cached = _cached(socweb, user_id)
    assert (cached["email"], cached["status"], cached["version"]) == ("ada@example.com", "active", "1")
    assert 0 < _redis(socweb).ttl(replica.cache_key("socweb", user_id)) <= replica.CACHE_SECONDS
    with socweb.app_context():  # change the row behind the cache's back: a hit does not see it
        db.session.execute(update(User).where(User.id == user_id).values(display_name="Hidden"))
        db.session.commit()
    second = clients["socweb"].get("/api/v1/me", headers=bearer(sid))
    assert second.status_code == 200 and second.get_json() == first.get_json()
    assert first.get_json()["display_name"] == "Ada"


def test_a_newer_version_replaces_the_copy_and_an_older_one_never_does(apps, clients):
    user_id, sid = _signed_in(clients)
    socweb, me = apps["socweb"], clients["socweb"]
    assert me.get("/api/v1/me", headers=bearer(sid)).get_json()["version"] == 1
    assert _sync(socweb, _snapshot(user_id, 3, display_name="Ada Three")) == 1
    body = me.get("/api/v1/me", headers=bearer(sid)).get_json()
    assert (body["display_name"], body["version"]) == ("Ada Three", 3)
    with socweb.app_context():
        stored = User.read_through(user_id)
    assert body["synced_at"] == stored["synced_at"].isoformat()
    assert _sync(socweb, _snapshot(user_id, 2, display_name="Ada Two")) == 0
    assert _cached(socweb, user_id)["version"] == "3"
    with socweb.app_context():  # a stale fill (read before the sync committed) is refused too
        old = SimpleNamespace(**{**stored, "version": 2, "display_name": "Stale"})
        assert replica.cache_put([old]) == 0
    body = me.get("/api/v1/me", headers=bearer(sid)).get_json()
    assert (body["display_name"], body["version"]) == ("Ada Three", 3)


def test_disabled_in_the_replica_means_401_from_the_copy(apps, clients):
    user_id, sid = _signed_in(clients)
    socweb, me = apps["socweb"], clients["socweb"]
    assert me.get("/api/v1/me", headers=bearer(sid)).status_code == 200
    assert _sync(socweb, _snapshot(user_id, 2, status="disabled")) == 1
    assert _cached(socweb, user_id)["status"] == "disabled"
    response = me.get("/api/v1/me", headers=bearer(sid))
    assert response.status_code == 401 and response.get_json()["code"] == 401


def test_an_unsynced_user_gets_404_and_a_sync_during_the_lease_fills_the_copy(apps, clients):
    user_id, sid = _signed_in(clients)
    socweb, me = apps["socweb"], clients["socweb"]
    with socweb.app_context():
        db.session.execute(User.__table__.delete())
        db.session.commit()
    assert me.get("/api/v1/me", headers=bearer(sid)).status_code == 404
    assert set(_cached(socweb, user_id)) == {"lease"}  # nothing cached but the miss's lease
    assert _sync(socweb, _snapshot(user_id, 4, display_name="Ada Four")) == 1
    assert _cached(socweb, user_id)["version"] == "4"
    assert me.get("/api/v1/me", headers=bearer(sid)).get_json()["display_name"] == "Ada Four"


def test_logout_is_seen_on_the_next_request_even_with_the_row_cached(apps, clients):
    _, sid = _signed_in(clients)
    assert clients["socweb"].get("/api/v1/me", headers=bearer(sid)).status_code == 200
    assert clients["auth"].post("/api/v1/auth/logout", headers=bearer(sid)).status_code == 204
    assert clients["socweb"].get("/api/v1/me", headers=bearer(sid)).status_code == 401


def test_a_failed_cache_write_makes_the_sync_task_retry(apps, clients, monkeypatch):
    import redis

    from axa.tasks.socweb.sync import upsert_users
    user_id, sid = _signed_in(clients)
    assert clients["socweb"].get("/api/v1/me", headers=bearer(sid)).status_code == 200
    put, calls = replica.cache_put, []

    def flaky(rows):
        calls.append(len(rows))
        if len(calls) == 1:
            raise redis.ConnectionError("Redis went away")
        return put(rows)

    monkeypatch.setattr(replica, "cache_put", flaky)
    assert upsert_users.apply(args=([_snapshot(user_id, 5)],), throw=False).get() == 0
    assert calls == [1, 1]  # the retry found the row committed, and still refreshed the copy
    assert _cached(apps["socweb"], user_id)["version"] == "5"


def test_a_failed_fill_still_answers_from_the_database(apps, clients, monkeypatch):
    import redis
    _, sid = _signed_in(clients)

    def broken(rows):
        raise redis.ConnectionError("Redis went away")

    monkeypatch.setattr(replica, "cache_put", broken)
    assert clients["socweb"].get("/api/v1/me", headers=bearer(sid)).status_code == 200


def test_seen_is_refreshed_only_past_the_slack_and_idle_expiry_is_never_late(apps, clients):
    clock = [1_000_000.0]
    for client in clients.values():
        client.application.config["AXA_CLOCK"] = lambda: clock[0]
    _, sid = _signed_in(clients)
    key = SESSION_PREFIX + hash_id(sid)
    r, me = _redis(apps["socweb"]), clients["socweb"]
    idle = apps["socweb"].config["AXA"].session_idle_seconds
    slack = min(60, idle // 10)
    clock[0] += slack - 1
    assert me.get("/api/v1/me", headers=bearer(sid)).status_code == 200
    assert float(r.hget(key, "seen")) == 1_000_000.0  # within the slack: no write
    clock[0] += 1
    assert me.get("/api/v1/me", headers=bearer(sid)).status_code == 200
    refreshed = float(r.hget(key, "seen"))
    assert refreshed == clock[0]
    clock[0] += slack - 1  # a request inside the slack does not extend the session...
    assert me.get("/api/v1/me", headers=bearer(sid)).status_code == 200
    clock[0] = refreshed + idle  # ...so it ends idle seconds after the last refresh
    assert me.get("/api/v1/me", headers=bearer(sid)).status_code == 401
    assert not r.exists(key)


def test_session_and_replica_row_take_one_round_trip(apps, clients, monkeypatch):
    import redis as redis_py
    _, sid = _signed_in(clients)
    me = clients["socweb"]
    assert me.get("/api/v1/me", headers=bearer(sid)).status_code == 200  # fills the copy
    sent, real = [], redis_py.client.Pipeline.execute

    def execute(pipe, *args, **kwargs):
        sent.append([command[0][0] for command in pipe.command_stack])
        return real(pipe, *args, **kwargs)
    monkeypatch.setattr(redis_py.client.Pipeline, "execute", execute)
    assert me.get("/api/v1/me", headers=bearer(sid)).get_json()["email"] == "ada@example.com"
    assert sent == [["EVALSHA", "EVALSHA"]]


def test_the_replica_row_script_reads_nothing_for_an_ended_session(apps, clients):
    from axa.platform.lua import in_one_round_trip
    from axa.platform.sessions import CHECK
    user_id, sid = _signed_in(clients)
    r, key = _redis(apps["socweb"]), SESSION_PREFIX + hash_id(sid)
    assert clients["socweb"].get("/api/v1/me", headers=bearer(sid)).status_code == 200
    row = replica.ROW(r, [key], [replica.PREFIX.format(subsystem="socweb"), 30, 1.0])
    assert dict(zip(row[::2], row[1::2], strict=True))["id"] == str(user_id)

    def ended(pipe):  # an absolute lifetime of 1 s: the check deletes the session first
        CHECK.queue(pipe, [key], [9e9, 3600, 1, 60])
        replica.queue_row(pipe, key, "socweb")
    assert in_one_round_trip(r, ended) == [None, None]
