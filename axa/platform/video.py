"""Video files through ffmpeg and ffprobe (subprocesses; Debian's ``ffmpeg`` package): a
recording remuxed to MP4 without re-encoding, its duration, a thumbnail. Every failure is a
``VideoError`` with a short machine-readable ``reason`` and a line of detail."""
from __future__ import annotations

import json
import subprocess
from pathlib import Path

QUIET = ["-hide_banner", "-loglevel", "error", "-nostdin", "-y"]
THUMBNAIL_WIDTH = 640


class VideoError(Exception):
    def __init__(self, reason: str, detail: str = ""):
        super().__init__(f"{reason}: {detail}")
        self.reason, self.detail = reason, detail[:300]


def run(command: list[str], seconds: int, reason: str) -> str:
    """Run a tool; its stdout, or ``VideoError(reason)`` with the last line it complained with."""
    try:
        done = subprocess.run(command, capture_output=True, timeout=seconds, stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        raise VideoError(reason, f"{Path(command[0]).name} ran over {seconds} s") from None
    except OSError as exc:
        raise VideoError("tool_missing", f"{command[0]}: {exc.strerror}") from None
    if done.returncode != 0:
        lines = done.stderr.decode(errors="replace").strip().splitlines()
        detail = lines[-1] if lines else f"exit status {done.returncode}"
        for arg in command[1:]:  # the server's folders are nobody's business: file names only
            if "/" in arg:
                detail = detail.replace(arg, Path(arg).name)
        raise VideoError(reason, detail)
    return done.stdout.decode(errors="replace")


def remux(source: Path, target: Path, ffmpeg: str = "ffmpeg", seconds: int = 600) -> None:
    """``source`` (an FLV recording) as an MP4 with the same streams (``-c copy``), its index at the
    front (``+faststart``: playable while it downloads)."""
    run([ffmpeg, *QUIET, "-i", str(source), "-map", "0:v:0?", "-map", "0:a:0?", "-c", "copy",
         "-movflags", "+faststart", "-f", "mp4", str(target)], seconds, "unreadable_recording")


def duration(path: Path, ffprobe: str = "ffprobe", seconds: int = 60) -> float:
    """The file's duration in seconds, as ffprobe reads its container; ``empty_recording`` when it has
    none (no frames)."""
    out = run([ffprobe, "-v", "error", "-show_entries", "format=duration:stream=codec_type", "-of", "json",
               str(path)], seconds, "unreadable_recording")
    probed = json.loads(out or "{}")
    has_video = any(s.get("codec_type") == "video" for s in probed.get("streams", []))
    try:
        found = float(probed.get("format", {}).get("duration", 0))
    except (TypeError, ValueError):
        found = 0.0
    if not has_video or found <= 0:
        raise VideoError("empty_recording", "no video frames")
    return found


def thumbnail(source: Path, target: Path, at: float, ffmpeg: str = "ffmpeg", seconds: int = 60) -> None:
    """One frame at ``at`` seconds as a JPEG at most THUMBNAIL_WIDTH pixels wide."""
    run([ffmpeg, *QUIET, "-ss", f"{at:.3f}", "-i", str(source), "-frames:v", "1",
         "-vf", f"scale='min({THUMBNAIL_WIDTH},iw)':-2", "-q:v", "4", str(target)], seconds, "no_thumbnail")
    if not target.is_file() or target.stat().st_size == 0:
        raise VideoError("no_thumbnail", "ffmpeg wrote no frame")
