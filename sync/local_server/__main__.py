"""``python -m sync.local_server``: run the local list server as its own process.

Prints ``graph: ...``, ``authority: ...`` and ``ca: ...`` when ready, then serves until stopped
(Ctrl+C or SIGTERM). The app's client secret, when wanted, comes from the environment variable
``PLANSYNC_LOCAL_CLIENT_SECRET`` so it never shows in a process list.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import threading
from collections.abc import Callable, Mapping
from pathlib import Path

__all__ = ["default_home", "main", "run_forever", "start_problem"]


def default_home(environ: Mapping[str, str] = os.environ) -> Path:
    """``$PLANSYNC_HOME``, else the per-user data folder (the same one the sync commands use)."""
    if environ.get("PLANSYNC_HOME"):
        return Path(environ["PLANSYNC_HOME"])
    import platformdirs

    return Path(platformdirs.user_data_dir("plansync", appauthor=False))


def start_problem(exc: OSError, *, port: int, home: Path) -> str:
    """What went wrong when the server could not start, and what to do, for the person running it."""
    import errno

    if exc.errno == errno.EADDRINUSE:
        return (f"Port {port} on 127.0.0.1 is already in use (perhaps another plansync serve). "
                "Stop that server, or choose another port with --port (0 picks a free one).")
    if exc.errno in (errno.EACCES, errno.EPERM) and port and port < 1024:
        return f"Port {port} needs administrator rights; choose a port above 1023 with --port."
    return (f"The local list server could not start with its data folder {home}: {exc.strerror or exc}. "
            "Check that the folder can be written, or choose another with --home.")


def run_forever(home: Path, *, port: int = 0, echo: Callable[[str], None] = print,
                environ: Mapping[str, str] = os.environ, **options) -> None:
    """Serve until interrupted; ``echo`` receives the three ready lines."""
    from sync.local_server.server import serve_in_thread

    secret = environ.get("PLANSYNC_LOCAL_CLIENT_SECRET")
    if secret:
        options.setdefault("client_secret", secret)
    stop = threading.Event()
    server = serve_in_thread(home, port=port, **options)
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        for line in server.ready_lines():
            echo(line)
        sys.stdout.flush()
        while not stop.wait(0.5):
            pass
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m sync.local_server",
                                     description="Run plansync's local Graph-compatible list server.")
    parser.add_argument("--home", type=Path, default=None, help="data folder (default: $PLANSYNC_HOME or the "
                        "per-user data folder)")
    parser.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (default: any free port)")
    parser.add_argument("--latency-ms", type=float, default=0, help="delay added to every Graph call")
    parser.add_argument("--throttle-rate", type=float, default=0.0, help="share of Graph calls answered 429/503")
    parser.add_argument("--fail-rate", type=float, default=0.0,
                        help="share of Graph calls that fail: 500/502/503/504, hung or dropped connections")
    parser.add_argument("--hang-seconds", type=float, default=5.0, help="how long a hung connection hangs")
    parser.add_argument("--retry-after", type=float, default=1.0, help="Retry-After seconds on throttled calls")
    parser.add_argument("--token-lifetime", type=int, default=3600, help="access token lifetime in seconds")
    parser.add_argument("--page-size", type=int, default=200, help="items per page when no $top is given")
    parser.add_argument("--seed", type=int, default=None, help="seed for throttling and batch order")
    parser.add_argument("--site-owner", dest="site_owners", action="append", default=[], metavar="EMAIL",
                        help="an owner of the server's sites (repeatable; remembered in its data)")
    args = parser.parse_args(argv)
    home = args.home or default_home()
    try:
        run_forever(home, port=args.port, latency_ms=args.latency_ms, throttle_rate=args.throttle_rate,
                    fail_rate=args.fail_rate, retry_after=args.retry_after, token_lifetime=args.token_lifetime,
                    page_size=args.page_size, seed=args.seed, site_owners=tuple(args.site_owners),
                    hang_seconds=args.hang_seconds)
    except OSError as exc:
        print(f"Error: {start_problem(exc, port=args.port, home=home)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
