"""Declared task graphs of the socweb subsystem."""
from __future__ import annotations

from celery import chain, signature


def media_processing(media_id: int):
    """An upload made servable: its header checked (type, pixel limit), then its derivatives made
    (axa/tasks/socweb/media.py); each stage does nothing once the upload is no longer processing."""
    return chain(signature("socweb.media.check_upload", args=(media_id,), immutable=True),
                 signature("socweb.media.make_derivatives", args=(media_id,), immutable=True))
