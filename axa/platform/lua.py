"""Lua scripts, each kept in its own ``.lua`` file beside the module that uses it (DESIGN.md §4.12).

    CHECK = LuaScript(__file__, "session_check")   # reads session_check.lua next to this module
    CHECK(client, keys=[...], args=[...])          # one EVALSHA (the script is loaded on NOSCRIPT)
    in_one_round_trip(client, queue)               # several commands and scripts in one pipeline

Scripts run by EVALSHA. A Redis that does not know a script yet (just started, or after
``SCRIPT FLUSH``) answers NOSCRIPT; the script is then loaded and the call made again (in a
pipeline: every script of the process is loaded, they are few).
"""
from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

import redis
from redis.exceptions import NoScriptError


class LuaScript:
    known: dict[str, LuaScript] = {}  # every script of the process, by SHA-1

    def __init__(self, module_file: str, name: str):
        self.name = name
        self.source = (Path(module_file).resolve().parent / f"{name}.lua").read_text()
        self.sha = hashlib.sha1(self.source.encode()).hexdigest()  # noqa: S324 - Redis names scripts so
        LuaScript.known[self.sha] = self

    def __call__(self, client: redis.Redis, keys: Sequence = (), args: Iterable = ()):
        """Run the script on its own: one round trip."""
        try:
            return client.evalsha(self.sha, len(keys), *keys, *args)
        except NoScriptError:
            client.script_load(self.source)
            return client.evalsha(self.sha, len(keys), *keys, *args)

    def queue(self, pipe: redis.client.Pipeline, keys: Sequence = (), args: Iterable = ()) -> None:
        """Add a run of the script to ``pipe`` (run it with ``in_one_round_trip``)."""
        pipe.evalsha(self.sha, len(keys), *keys, *args)

    def __repr__(self) -> str:
        return f"LuaScript({self.name!r})"


def in_one_round_trip(client: redis.Redis, queue: Callable[[redis.client.Pipeline], None]) -> list:
    """The results of the commands ``queue(pipe)`` adds, sent in one pipeline (no MULTI): one
    round trip. If Redis did not know a script, every script is loaded and the pipeline is sent
    once more (its commands must therefore be safe to repeat). A command's error is raised."""
    for attempt in range(2):
        with client.pipeline(transaction=False) as pipe:
            queue(pipe)
            results = pipe.execute(raise_on_error=False)
        if attempt or not any(isinstance(result, NoScriptError) for result in results):
            break
        for script in list(LuaScript.known.values()):
            client.script_load(script.source)
    for result in results:
        if isinstance(result, Exception):
            raise result
    return results
