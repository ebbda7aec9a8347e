"""Internal hooks the media server calls (issue 11 item 3): not for browsers, not in the public
OpenAPI spec (a plain Flask blueprint, registered by the stream app's ``init_app``), every answer
JSON or empty, never a 500. Only configured media servers may call them (service.check_caller).

nginx-rtmp (ops/nginx-rtmp.conf.template; form POSTs, ``name`` is the stream key):

* ``POST /internal/ingest/nginx/publish`` (``on_publish``): an allowed key answers 302 with
  ``Location`` = AXA_STREAM_RELAY_URL for the channel (nginx-rtmp pushes the stream to its ``hls``
  application under the channel's slug: viewers never see a key); anything else 403.
* ``POST /internal/ingest/nginx/update`` (``on_update``, every 15 s while publishing): 204 while
  the key is still allowed, and the channel marked publishing again (a heartbeat: a lost publish
  event, or a second encoder's publish done, cannot take a streaming channel offline); 403 once
  the key is revoked or expired (nginx-rtmp then drops the stream).
* ``POST /internal/ingest/nginx/publish-done`` (``on_publish_done``): 204.
* ``POST /internal/ingest/nginx/record-done`` (``on_record_done`` of the ``hls`` application): the
  recording goes to the ``stream.vod`` graph (ingest/recordings.py); 204, or 400 when the form
  names no recording of the recordings folder.

MediaMTX (``authMethod: http``, ``authHTTPAddress: http://<stream app>/internal/ingest/mediamtx/auth``;
JSON ``user``, ``password``, ``token``, ``ip``, ``action``, ``path``, ``protocol``, ``id``,
``query``): ``publish`` to path ``<channel slug>`` with the channel's key as the password, the
token or ``?key=`` answers 204; ``read`` / ``playback`` of an existing channel's path 204;
anything else (another channel's key, api, metrics, pprof) 403. ``runOnNotReady`` may POST
``{"path": "$MTX_PATH"}`` to ``/internal/ingest/mediamtx/not-ready`` to end the publish.
"""
from __future__ import annotations

from flask import Blueprint, Response, request

from axa.blueprints.stream.ingest import recordings, service

blp = Blueprint("ingest_hooks", __name__, url_prefix="/internal/ingest")
NO_CONTENT = ("", 204)


@blp.before_request
def only_media_servers():
    service.check_caller()


@blp.post("/nginx/publish")
def nginx_publish():
    _, slug = service.publishing(request.form.get("name", ""))
    return Response(status=302, headers={"Location": service.relay_location(slug)})


@blp.post("/nginx/update")
def nginx_update():
    if request.form.get("call") == "update_publish":
        service.publishing(request.form.get("name", ""))
    return NO_CONTENT


@blp.post("/nginx/publish-done")
def nginx_publish_done():
    service.went_off(service.channel_of_stopped_key(request.form.get("name", "")))
    return NO_CONTENT


@blp.post("/nginx/record-done")
def nginx_record_done():
    recordings.hand_over(request.form.get("name", ""), request.form.get("path", ""))
    return NO_CONTENT


@blp.post("/mediamtx/auth")
def mediamtx_auth():
    body = service.json_body()
    if body.get("action") == "publish":
        if not body.get("path"):
            service.refuse()
        service.publishing(service.media_key(body), slug=body["path"])
    elif body.get("action") not in ("read", "playback") or service.channel_by_slug(body.get("path")) is None:
        service.refuse()
    return NO_CONTENT


@blp.post("/mediamtx/not-ready")
def mediamtx_not_ready():
    service.went_off(service.channel_by_slug(service.json_body().get("path")))
    return NO_CONTENT
