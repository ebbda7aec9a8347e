"""What the VOD endpoints do: the channel's recording setting, the VODs as JSON, the owner's delete.

A VOD still ``processing`` or ``failed`` is its owner's business: others see only ``ready`` ones
(and 404 for the rest)."""
from __future__ import annotations

from datetime import timedelta

from flask_smorest import abort
from sqlalchemy import select

from axa.models.stream import Channel, ChannelRecording, Vod, db, vod_files


def default_days() -> int:
    return vod_files.settings().retention_days


def setting(channel: Channel) -> dict:
    row = ChannelRecording.of(channel.id)
    if row is None:
        return {"recording": False, "retention_days": default_days()}
    return {"recording": row.recording, "retention_days": row.retention_days}


def save_setting(channel: Channel, data: dict) -> dict:
    row = ChannelRecording.of(channel.id, lock=True)
    if row is None:
        row = ChannelRecording(channel_id=channel.id)
        db.session.add(row)
    row.recording, row.retention_days = data["recording"], data["retention_days"]
    db.session.commit()
    return setting(channel)


def present(vods: list[Vod], channel: Channel) -> list[dict]:
    days = setting(channel)["retention_days"]
    return [{"id": v.id, "channel": channel.slug, "session_id": v.session_id, "part": v.part,
             "state": v.state, "reason": v.reason, "detail": v.detail, "recorded_at": v.recorded_at,
             "duration_ms": v.duration_ms, "size_bytes": v.size_bytes,
             "playback_url": vod_files.url_of(v.video_key),
             "thumbnail_url": vod_files.url_of(v.thumbnail_key),
             "expires_at": v.recorded_at + timedelta(days=days), "created_at": v.created_at,
             "ready_at": v.ready_at} for v in vods]


def one_or_404(channel: Channel, vod_id: int, owner: bool, lock: bool = False) -> Vod:
    stmt = select(Vod).where(Vod.id == vod_id, Vod.channel_id == channel.id)
    vod = db.session.scalar(stmt.with_for_update() if lock else stmt)
    if vod is None or not (owner or vod.state == "ready"):
        abort(404, message="No such VOD on this channel.")
    return vod


def delete(vod: Vod) -> None:
    """Its files first (a storage that does not answer: 503, nothing deleted), then the row; a
    graph still making it finds the row gone and deletes what it stored."""
    vod_files.delete(vod)
    db.session.delete(vod)
    db.session.commit()
