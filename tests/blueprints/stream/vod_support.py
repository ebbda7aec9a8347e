"""Recordings for the VOD tests: real FLV files made by ffmpeg (a test pattern with a tone), named
as nginx-rtmp names them, in a test's recordings folder; the stream app's VOD settings pointed at
the test's folders or bucket."""
from __future__ import annotations

import dataclasses
import functools
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

NEEDS_FFMPEG = pytest.mark.skipif(shutil.which("ffmpeg") is None or shutil.which("ffprobe") is None,
                                  reason="the VOD graph needs ffmpeg and ffprobe (.ci/run installs them)")


@functools.cache
def pattern_flv(seconds: int = 2) -> bytes:
    with tempfile.TemporaryDirectory() as work:
        out = Path(work) / "pattern.flv"
        subprocess.run(["ffmpeg", "-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi", "-i",
                        "testsrc=size=160x120:rate=15", "-f", "lavfi", "-i", "sine", "-t", str(seconds),
                        "-c:v", "libx264", "-preset", "ultrafast", "-g", "15", "-c:a", "aac", "-f", "flv",
                        str(out)], check=True, capture_output=True)
        return out.read_bytes()


def recording(folder: Path, slug: str, epoch: int, data: bytes | None = None) -> Path:
    """A finished recording of ``slug`` that started at ``epoch`` (default content: 2 s of pattern)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{slug}-{epoch}.flv"
    path.write_bytes(pattern_flv() if data is None else data)
    return path


def use_vods(app, tmp_path: Path, **changes) -> dict:
    """The app's recordings in ``tmp_path/recordings`` and its VODs in ``tmp_path/vods`` (unless
    ``changes`` say otherwise); the folders."""
    folders = {"recordings": tmp_path / "recordings", "vods": tmp_path / "vods"}
    folders["recordings"].mkdir(parents=True, exist_ok=True)
    changes = {"recordings_dir": str(folders["recordings"]), "storage_url": f"file://{folders['vods']}",
               **changes}
    app.config["AXA_VOD"] = dataclasses.replace(app.config["AXA_VOD"], **changes)
    return folders


def probe_seconds(path: Path) -> float:
    out = subprocess.run(["ffprobe", "-v", "error", "-show_entries", "format=duration", "-of",
                          "default=noprint_wrappers=1:nokey=1", str(path)], check=True, capture_output=True)
    return float(out.stdout)


def stored(folder: Path) -> list[str]:
    """The objects under a folder storage, as keys."""
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())
