"""Lua scripts in .lua files (axa/platform/lua.py): EVALSHA, loaded again when Redis lost them,
alone or in a pipeline; errors are raised, not returned."""
from __future__ import annotations

import pytest
import redis as redis_py

from axa.platform.lua import LuaScript, in_one_round_trip
from axa.platform.redis_client import client_for
from axa.platform.sessions import CHECK


@pytest.fixture
def redis(live_apps):
    return client_for(live_apps["auth"].config["AXA"].redis_url)


def test_every_script_is_a_file_beside_its_module_and_known_by_its_sha():
    assert CHECK.source.startswith("-- The session check")
    assert LuaScript.known[CHECK.sha] is CHECK
    import axa.models.latest_quotes
    import axa.models.replica  # noqa: F401
    assert {s.name for s in LuaScript.known.values()} >= {
        "session_check", "replica_row", "replica_put", "latest_quotes_read", "latest_quotes_write"}


def test_a_flushed_script_is_loaded_again_alone_and_in_a_pipeline(redis):
    redis.set("k", "1")
    redis.script_flush()
    assert CHECK(redis, ["axa:sess:none"], [1, 10, 10, 1]) is None
    redis.script_flush()

    def queue(pipe):
        pipe.get("k")
        CHECK.queue(pipe, ["axa:sess:none"], [1, 10, 10, 1])
    assert in_one_round_trip(redis, queue) == ["1", None]


def test_a_command_error_in_the_pipeline_is_raised(redis):
    redis.set("k", "text")

    def queue(pipe):
        pipe.incr("k")
    with pytest.raises(redis_py.ResponseError):
        in_one_round_trip(redis, queue)
