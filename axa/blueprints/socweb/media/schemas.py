"""Schemas of the media endpoints: the multipart upload (the file and its description, read from
one ``multipart/form-data`` body) and the media entity every face sends (uploads, post
attachments)."""
from __future__ import annotations

from flask_smorest import abort
from marshmallow import Schema, ValidationError, fields, validate
from webargs.flaskparser import FlaskParser
from werkzeug.datastructures import CombinedMultiDict, FileStorage

from axa.blueprints.auth.account.schemas import NO_NUL
from axa.models.socweb.media import DESCRIPTION_MAX, STATES
from axa.platform.api import ArgumentsParser, Blueprint
from axa.platform.fields import Timestamp

REASONS = {"empty": "The file is empty",
           "unsupported_type": "Not a JPEG, PNG, WebP or GIF image (sniffed from the bytes)",
           "too_many_pixels": "Width x height over the pixel limit (a decompression bomb, or just too big)",
           "truncated": "The image data ends early", "corrupt": "The image cannot be decoded",
           "missing_original": "The stored upload is gone"}


class MultipartParser(ArgumentsParser):
    """The platform's parser with a ``multipart`` location: a form's fields and files together."""

    __location_map__ = {**FlaskParser.__location_map__, "multipart": "load_multipart"}

    def load_multipart(self, req, schema):
        form = CombinedMultiDict([req.files, req.form])
        repeated = sorted({name for name in form if len(form.getlist(name)) > 1})
        if repeated:
            abort(422, message="A field is sent more than once.",
                  errors={"multipart": {name: ["Send it once."] for name in repeated}})
        return self._makeproxy(form, schema)


class MediaBlueprint(Blueprint):
    ARGUMENTS_PARSER = MultipartParser()
    DEFAULT_LOCATION_CONTENT_TYPE_MAPPING = {**Blueprint.DEFAULT_LOCATION_CONTENT_TYPE_MAPPING,
                                             "multipart": "multipart/form-data"}


class File(fields.Field):
    """A file part of a multipart body (a plain field of that name is not one: 422)."""

    def __init__(self, **kwargs):
        super().__init__(metadata={"type": "string", "format": "binary", **kwargs.pop("metadata", {})},
                         **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, FileStorage):
            raise ValidationError("Send the image as a file part of a multipart/form-data body.")
        return value


class MediaUploadSchema(Schema):
    file = File(required=True, metadata={"description": (
        "The image: JPEG, PNG, WebP or GIF (the first frame), told from its bytes, not its name or "
        "Content-Type. Over the size limit (AXA_MEDIA_MAX_BYTES): 413")})
    description = fields.String(validate=[validate.Length(max=DESCRIPTION_MAX), NO_NUL],
                                metadata={"description": f"Alt text, up to {DESCRIPTION_MAX} characters"})


class DerivativeSchema(Schema):
    url = fields.String(required=True, metadata={"description": (
        "A WebP without metadata; this app's /api/v1/media/files/... (folder storage) or the "
        "bucket's URL, public or pre-signed (S3)")})
    width = fields.Integer(required=True)
    height = fields.Integer(required=True)


class MediaSchema(Schema):
    id = fields.Integer(required=True)
    state = fields.String(required=True, metadata={"enum": list(STATES)})
    reason = fields.String(required=True, allow_none=True, metadata={
        "enum": [*REASONS, None], "description": "Why it failed (null unless failed): " +
        "; ".join(f"`{code}`: {text}" for code, text in REASONS.items())})
    description = fields.String(required=True, allow_none=True)
    type = fields.String(required=True, allow_none=True, metadata={
        "description": "The type sniffed from the bytes (null until checked, or when refused)"})
    size = fields.Integer(required=True, metadata={"description": "Bytes uploaded"})
    width = fields.Integer(required=True, allow_none=True, metadata={"description": "Of the upload"})
    height = fields.Integer(required=True, allow_none=True)
    small = fields.Nested(DerivativeSchema, required=True, allow_none=True,
                          metadata={"description": "Null until ready"})
    large = fields.Nested(DerivativeSchema, required=True, allow_none=True,
                          metadata={"description": "Null until ready"})
    created_at = Timestamp(required=True)
