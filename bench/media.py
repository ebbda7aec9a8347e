"""Media: a 4000x3000 JPEG through the whole graph, from the upload until the row is ready,
against Pillow doing the same decode, resize and encode in this process.

The real path: the upload is stored by socweb's own code in this process, as a request would
(axa/blueprints/socweb/media/service.py ``upload``: the original into storage, the row and its
``media.uploaded`` outbox row committed together), the clock starting before it; the outbox row is
published as a request's end publishes it (``publish_added``) to the configured broker; the
``socweb.media`` worker, started as ``make run`` starts it (ops.run.worker_groups /
pool_options), runs the graph: ``check_upload`` (type and pixel limit from the header) then
``make_derivatives`` (decode, EXIF orientation, small and large WebP, stored; the row ready). The
clock stops when the row reads ``ready`` (watched every 2 ms). The reference: the same bytes
through ``axa.platform.images.derivatives`` (the very decode, resize and encode the worker runs),
timed alone. Each round uploads new bytes (the JPEG's comment differs: identical bytes would be
stored once and not processed again); the ratio is the reference's total time over the graph's.

    python -m bench.media [--rounds N] [--quick]
"""
from __future__ import annotations

import argparse
import io
import os
import sys
import tempfile
import time
from contextlib import ExitStack

from bench import environment
from bench.ingest_processes import PipelineWorker
from ops.settings import load_ops_settings

NAME = "media"
TARGET = 0.6  # of Pillow alone
QUEUES = ("socweb.media",)
WARM_UP_ROUNDS = 2
TIMEOUT = 60.0
OWNER = 1


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.media", description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=5, help="timed uploads (default 5)")
    parser.add_argument("--size", default="4000x3000", help="the JPEG's width x height (default 4000x3000)")
    parser.add_argument("--concurrency", type=int, default=load_ops_settings().worker_concurrency,
                        help="the worker's most processes (default: AXA_WORKER_CONCURRENCY or 2, "
                             "as make run)")
    parser.add_argument("--duration", type=float, help="ignored: media measures a fixed amount of work")
    parser.add_argument("--quick", action="store_true", help="tiny sizes, for the smoke test")
    args = parser.parse_args(argv)
    if args.quick:
        args.rounds, args.size = 1, "800x600"
    args.width, args.height = (int(n) for n in args.size.split("x"))
    return args


def photo(width: int, height: int):
    """A deterministic picture with detail everywhere (a Mandelbrot set in colour)."""
    from PIL import Image
    gray = Image.effect_mandelbrot((width, height), (-2.2, -1.2, 1.0, 1.2), 120)
    return Image.merge("RGB", (gray, gray.rotate(180), gray.transpose(Image.Transpose.FLIP_LEFT_RIGHT)))


def jpeg(picture, comment: str) -> bytes:
    out = io.BytesIO()
    picture.save(out, "JPEG", quality=90, comment=comment.encode())
    return out.getvalue()


def seed(app) -> None:
    """socweb's media emptied, and the uploading user."""
    from axa.models.socweb import Media, User, db
    with app.app_context():
        db.session.execute(db.delete(Media))
        User.apply_snapshots([{"id": OWNER, "email": "bench-media@example.com", "display_name": "Bench",
                               "status": "active", "roles": [], "version": 10**6}])
        db.session.commit()


def through_the_graph(app, data: bytes) -> float:
    """Seconds from the upload until its row is ready."""
    from axa.blueprints.socweb.media.service import upload
    from axa.models.socweb import Media, db
    from axa.tasks.socweb.feeds import publish_added
    with app.app_context():
        started = time.monotonic()
        media_id = upload(OWNER, data, None).id
        if publish_added() != 1:
            raise SystemExit("the upload's outbox row was not published")
        state_of = db.select(Media.state).where(Media.id == media_id)
        while (state := db.session.scalar(state_of)) == "processing":
            db.session.rollback()
            if time.monotonic() - started > TIMEOUT:
                raise SystemExit(f"media {media_id} was not processed within {TIMEOUT:.0f} s")
            time.sleep(0.002)
        seconds = time.monotonic() - started
        db.session.rollback()
    if state != "ready":
        raise SystemExit(f"media {media_id} ended {state}")
    return seconds


def pillow_alone(app, data: bytes) -> float:
    from axa.models.socweb import media as store
    from axa.platform import images
    with app.app_context():
        sizes, max_pixels = store.sizes(), store.settings().max_pixels
    started = time.monotonic()
    images.derivatives(data, sizes, max_pixels)
    return time.monotonic() - started


def measure(args, app) -> list[tuple[float, float]]:
    picture, rounds = photo(args.width, args.height), []
    for number in range(WARM_UP_ROUNDS + args.rounds):
        data = jpeg(picture, f"round {number} {time.time_ns()}")
        graph = through_the_graph(app, data)
        alone = pillow_alone(app, data)
        if number >= WARM_UP_ROUNDS:
            rounds.append((graph, alone))
    return rounds


def report(rounds: list[tuple[float, float]], args) -> None:
    graph, alone = (sum(column) / len(rounds) for column in zip(*rounds, strict=True))
    ratio = alone / graph
    verdict = "PASS" if ratio >= TARGET else "BELOW"
    print(f"   graph         {graph * 1000:8.1f} ms from the upload to ready")
    print(f"   Pillow alone  {alone * 1000:8.1f} ms decode, resize and encode")
    print(f"   rounds (graph / alone ms): {', '.join(f'{g * 1000:.0f}/{a * 1000:.0f}' for g, a in rounds)}")
    print(f"   Pillow alone / graph = {ratio:.2f} (target >= {TARGET})")
    print(f"RESULT {NAME} ratio={ratio:.2f} target>={TARGET} {verdict} graph_ms={graph * 1000:.1f} "
          f"pillow_ms={alone * 1000:.1f} size={args.width}x{args.height}")


def main(argv=None) -> int:
    args = parse_args(argv)
    environment.configure()
    folder = tempfile.mkdtemp(prefix="axa-bench-media-")
    os.environ["AXA_MEDIA_STORAGE_URL"] = f"file://{folder}"  # this process and the worker
    environment.prepare_databases()
    from axa.apps import FACTORIES
    from axa.platform.celery_app import celery
    celery.loader.import_default_modules()
    app = FACTORIES["socweb"]()
    seed(app)
    with ExitStack() as stack:
        worker = PipelineWorker({}, args.concurrency, QUEUES, "media")
        stack.callback(worker.close)
        worker.wait_ready()
        environment.header(NAME, [
            f"a {args.width}x{args.height} JPEG: upload (stored, row and outbox committed) -> broker -> "
            f"socweb.media worker (check_upload -> make_derivatives, as make run starts it) -> ready, "
            f"vs axa.platform.images.derivatives on the same bytes in this process",
            f"{args.rounds} timed rounds after {WARM_UP_ROUNDS} untimed"])
        report(measure(args, app), args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
