"""The auth app served over real HTTP from a thread, as socweb's Conduit face calls it."""
from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from werkzeug.serving import make_server

from axa.clients.auth.client import close_clients


@contextmanager
def served(auth_app) -> Iterator[str]:
    """Serve ``auth_app`` on a free loopback port; yields its base URL (for ``AXA_AUTH_URL``)."""
    server = make_server("127.0.0.1", 0, auth_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="auth-for-conduit", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.port}"
    finally:
        close_clients()
        server.shutdown()
        server.server_close()
        thread.join(5)
