"""Server hooks every gunicorn here runs: the platform's apps (ops/gunicorn.conf.py) and every app
the benchmarks serve (bench/servers.py, ``-c python:ops.gunicorn_hooks``)."""
import gc


def post_worker_init(worker) -> None:
    """The worker has built its app: what it made at start-up (routes, schemas, mappers, pools;
    ~220k objects in a platform app) moves to the collector's permanent generation
    (``gc.freeze``), so a full collection walks only what requests made since. Unfrozen, each full
    collection walked them all: ~110 ms, once every few thousand requests of a worker."""
    gc.freeze()
