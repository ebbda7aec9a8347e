"""python -m ops.sandbox [--host 127.0.0.1] [--port 8099] [--threads 4] [--quiet]: serve the vendor
sandbox under gunicorn (ops/sandbox/server.py) until Ctrl-C or SIGTERM."""
from __future__ import annotations

import argparse
import logging

from ops.sandbox.server import THREADS, serve
from ops.sandbox.state import SandboxConfig


def warm_up(seed: int) -> None:
    """Build the universes before serving (well under a second of CPU), so no first request waits."""
    from ops.sandbox.synth.bonds import bond_universe
    from ops.sandbox.synth.crypto import crypto_universe
    from ops.sandbox.synth.equities import equity_universe
    equity_universe(seed)
    crypto_universe(seed)
    bond_universe(seed)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m ops.sandbox", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1", help="bind address (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8099, help="port (default 8099)")
    parser.add_argument("--threads", type=int, default=THREADS, help=f"request threads (default {THREADS})")
    parser.add_argument("--quiet", action="store_true", help="no access log")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    config = SandboxConfig.from_env()

    def factory():  # in gunicorn's worker process
        from ops.sandbox.app import create_sandbox_app
        warm_up(config.seed)
        logging.getLogger("ops.sandbox").info(
            "vendor sandbox on http://%s:%s (fmp, cmc, cbonds, terrapin; control API /_sandbox; tick %ss)",
            args.host, args.port, config.tick_seconds)
        return create_sandbox_app(config)

    serve(factory, args.host, args.port, quiet=args.quiet, threads=args.threads)


if __name__ == "__main__":
    main()
