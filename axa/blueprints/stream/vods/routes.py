"""Recordings: a channel's recording setting (anyone reads it, its owner sets it), its VODs (newest
first; ``ready`` ones for everyone, all of them for the owner), the owner's delete, and, with folder
storage (AXA_VOD_STORAGE_URL=file://...), the files themselves with byte ranges (players seek)."""
from __future__ import annotations

from flask import send_file
from flask.views import MethodView
from flask_smorest import abort

from axa.blueprints.stream.channels import service as channels
from axa.blueprints.stream.channels.routes import NOT_YOURS, SLUG
from axa.blueprints.stream.channels.schemas import OPTIONAL_SESSION
from axa.blueprints.stream.vods import service
from axa.blueprints.stream.vods.schemas import RecordingSchema, VodSchema
from axa.models.stream import Vod, db, vod_files
from axa.platform.api import RETRY_AFTER, Blueprint
from axa.platform.auth_hook import current_session
from axa.platform.keyset import LINK_HEADER, KeysetQuerySchema, keyset_page, link_header
from axa.platform.storage import FolderStorage

blp = Blueprint("vods", __name__, url_prefix="/api/v1",
                description="Recordings: each live session of a recording channel becomes a VOD")
VOD_ID = {"in": "path", "name": "vod_id", "description": "The VOD's id", "schema": {"type": "integer"}}
BINARY = {"type": "string", "format": "binary"}


@blp.route("/channels/<slug>/recording", parameters=[SLUG])
class Recording(MethodView):
    @blp.response(200, RecordingSchema)
    @blp.alt_response(404, description="No channel has this address")
    def get(self, slug):
        """Whether the channel records its live sessions, and how long it keeps them"""
        return service.setting(channels.by_slug_or_404(slug))

    @blp.login_required
    @blp.arguments(RecordingSchema)
    @blp.response(200, RecordingSchema)
    @blp.alt_response(403, description=NOT_YOURS)
    @blp.alt_response(404, description="No channel has this address")
    def put(self, data, slug):
        """Turn recording on or off for one of my channels, and set its retention (from the next
        recording on; the retention applies to every VOD at once)"""
        channel = channels.owned_or_403(current_session().user_id, slug, lock=True)
        return service.save_setting(channel, data)


@blp.route("/channels/<slug>/vods", parameters=[SLUG])
class Vods(MethodView):
    @blp.doc(security=OPTIONAL_SESSION)
    @blp.arguments(KeysetQuerySchema, location="query")
    @blp.response(200, VodSchema(many=True), headers=LINK_HEADER)
    @blp.alt_response(404, description="No channel has this address")
    def get(self, args, slug):
        """The channel's VODs, newest first"""
        channel = channels.by_slug_or_404(slug)
        owner = channels.viewer_id() == channel.user_id
        page = keyset_page(db.session, Vod.listing(channel.id, owner), Vod.id, args)
        return service.present(page.items, channel), link_header(page)


@blp.route("/channels/<slug>/vods/<int:vod_id>", parameters=[SLUG, VOD_ID])
class VodById(MethodView):
    @blp.doc(security=OPTIONAL_SESSION)
    @blp.response(200, VodSchema)
    @blp.alt_response(404, description="No channel has this address, or no such VOD on it")
    def get(self, slug, vod_id):
        """One VOD"""
        channel = channels.by_slug_or_404(slug)
        vod = service.one_or_404(channel, vod_id, channels.viewer_id() == channel.user_id)
        return service.present([vod], channel)[0]

    @blp.login_required
    @blp.response(204)
    @blp.alt_response(403, description=NOT_YOURS)
    @blp.alt_response(404, description="No channel has this address, or no such VOD on it")
    @blp.alt_response(503, description="The VOD storage is unavailable; nothing was deleted",
                      headers=RETRY_AFTER)
    def delete(self, slug, vod_id):
        """Delete a VOD of my channel (its files and its row)"""
        channel = channels.owned_or_403(current_session().user_id, slug)
        service.delete(service.one_or_404(channel, vod_id, owner=True, lock=True))


def serve(channel_id: int, name: str, mimetype: str):
    folder = vod_files.storage()
    path = folder.local_path(f"vods/{channel_id}/{name}") if isinstance(folder, FolderStorage) else None
    if path is None or not path.is_file():
        abort(404, message="No such file.")
    response = send_file(path, mimetype=mimetype, conditional=True, max_age=3600)
    response.headers["Content-Disposition"] = "inline"
    return response


FILE_RESPONSES = [(206, "The byte range asked for (`Range`)"), (304, "Not modified since the copy held"),
                  (404, "No such file, or the storage is a bucket (its own URLs)"),
                  (416, "The range asked for is outside the file")]


def file_responses(view):
    for status, text in FILE_RESPONSES:
        view = blp.alt_response(status, description=text)(view)
    return view


@blp.route("/vod-files/<int:channel_id>/<int:vod_id>.mp4")
class VodFile(MethodView):
    @blp.response(200, BINARY, content_type="video/mp4", description="The VOD's MP4")
    @file_responses
    def get(self, channel_id, vod_id):
        """A VOD's MP4 kept in folder storage"""
        return serve(channel_id, f"{vod_id}.mp4", vod_files.VIDEO_TYPE)


@blp.route("/vod-files/<int:channel_id>/<int:vod_id>.jpg")
class VodThumbnail(MethodView):
    @blp.response(200, BINARY, content_type="image/jpeg", description="The VOD's thumbnail")
    @file_responses
    def get(self, channel_id, vod_id):
        """A VOD's thumbnail kept in folder storage"""
        return serve(channel_id, f"{vod_id}.jpg", vod_files.THUMBNAIL_TYPE)
