"""nginx-rtmp's ``on_record_done``: a finished recording handed to the ``stream.vod`` graph
(axa/tasks/stream/vod.py), which makes it a VOD when its channel records, and deletes it when not.

nginx-rtmp records every stream of its ``hls`` application (named by channel slug, never by key) into
AXA_VOD_RECORDINGS_DIR; the form names the stream (``name``) and the file (``path``). Only a file
of that folder named ``<name>-<epoch>.flv`` is taken (else 400 ``not_a_recording``, nothing done).
A broker that does not answer costs this VOD's hand-over (logged; the file stays for the operator,
and the next publish is not delayed).
"""
from __future__ import annotations

import logging

from flask_smorest import abort
from kombu.exceptions import OperationalError

from axa.models.stream import vod_files
from axa.tasks.stream.vod import recording_graph

log = logging.getLogger(__name__)
QUICK_RETRY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.2}


def hand_over(slug: str, path: str) -> None:
    source = vod_files.recording(path)
    if source is None or vod_files.slug_of(source.name) != slug:
        abort(400, message="Not a recording of this stream.", reason="not_a_recording")
    try:
        recording_graph(slug, str(source)).apply_async(retry_policy=QUICK_RETRY)
    except OperationalError as exc:
        log.error("recording %s not handed over: %s", source.name, exc)
