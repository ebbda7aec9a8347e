"""Media: upload an image (processed by the ``socweb.media`` graph), follow its state, and, with
folder storage, the derivatives themselves (``/api/v1/media/files/<sha256>/<small|large>.webp``)."""
from __future__ import annotations

import functools
import io
import re

from flask import request, send_file
from flask.views import MethodView
from flask_smorest import abort

from axa.blueprints.market.schemas import ID
from axa.blueprints.socweb.media import service
from axa.blueprints.socweb.media.schemas import MediaBlueprint, MediaSchema, MediaUploadSchema
from axa.blueprints.socweb.viewer import active_user_id
from axa.models.socweb import media as store
from axa.platform import ratelimit
from axa.platform.api import RETRY_AFTER
from axa.platform.auth_hook import current_session
from axa.platform.storage import FolderStorage

blp = MediaBlueprint("media", __name__, url_prefix="/api/v1/media",
                     description="Images: upload, processing state, derivatives")
FORM_OVERHEAD = 64 * 1024  # the description and the multipart framing around the file
SHA256 = "string(length=64)"
HEX = re.compile(r"[0-9a-f]{64}")
VARIANT = "any(small, large)"


@blp.before_request
def _upload_size_limit():
    """An upload's body may reach AXA_MEDIA_MAX_BYTES (the app's own limit is smaller): 413 past it."""
    if request.method == "POST":
        request.max_content_length = store.settings().max_bytes + FORM_OVERHEAD


def limited(func):
    """Per-user upload limits (AXA_MEDIA_UPLOAD_LIMITS): 429 with Retry-After past them."""
    documented = blp.alt_response(429, "TOO_MANY_REQUESTS", headers=RETRY_AFTER)(func)

    @functools.wraps(documented)
    def wrapper(*args, **kwargs):
        ratelimit.hit("socweb.media", str(current_session().user_id), store.settings().upload_limits)
        return func(*args, **kwargs)
    return wrapper


@blp.route("")
class Uploads(MethodView):
    @blp.login_required
    @limited
    @blp.arguments(MediaUploadSchema, location="multipart")
    @blp.response(202, MediaSchema)
    @blp.alt_response(403, description="The account is not active")
    @blp.alt_response(409, description="The account has not reached the social web yet")
    @blp.alt_response(413, description="The body is over the upload limit")
    @blp.alt_response(503, description="The media storage is unavailable; nothing was kept")
    def post(self, form):
        """Upload an image; it is checked and resized in the background (poll it until `ready`)

        The same bytes uploaded again by the same user give the same media (a new `description`
        replaces the old one). Refused images end `failed` with a `reason`."""
        owner_id = active_user_id()
        data = service.read_upload(form["file"])
        return service.card(service.upload(owner_id, data, form.get("description")))


@blp.route(f"/<{ID}:media_id>")
class MediaById(MethodView):
    @blp.login_required
    @blp.response(200, MediaSchema)
    @blp.alt_response(404, description="No such media of yours")
    def get(self, media_id):
        """One of my uploads: its state (`processing`, `ready`, `failed` with a reason) and, when
        ready, its derivatives"""
        return service.card(service.own_or_404(media_id, current_session().user_id))


@blp.route(f"/files/<{SHA256}:sha256>/<{VARIANT}:name>.webp")
class MediaFile(MethodView):
    @blp.response(200, {"type": "string", "format": "binary"}, content_type="image/webp",
                  description="The derivative (WebP, no metadata)")
    @blp.alt_response(404, description="No such file, or the storage is a bucket (its own URLs)")
    def get(self, sha256, name):
        """A derivative kept in folder storage (AXA_MEDIA_STORAGE_URL=file://...)"""
        folder = store.storage()
        try:
            if not (isinstance(folder, FolderStorage) and HEX.fullmatch(sha256)):
                raise KeyError(sha256)
            data = folder.get(store.derivative_key(sha256, name))
        except KeyError:
            abort(404, message="No such file.")
        response = send_file(io.BytesIO(data), mimetype="image/webp", max_age=31536000, conditional=True,
                             etag=f"{sha256}-{name}")  # a few hundred KiB at most, and immutable
        response.headers["Content-Disposition"] = "inline"
        return response
