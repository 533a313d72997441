"""Serving the app over HTTPS on loopback: in a thread (tests, embedded use) or as a process."""

from __future__ import annotations

import logging
import os
import shutil
import socket
import tempfile
import threading
from pathlib import Path

from werkzeug.serving import WSGIRequestHandler, make_server

from sync.local_server.app import LocalGraphApp, Options
from sync.home_lock import setup_lock
from sync.local_server.faults import NetworkFaults
from sync.local_server.identity import TENANT
from sync.local_server.tls import ensure_certificates, server_context

__all__ = ["RunningServer", "create_app", "serve_in_thread"]


def create_app(home: Path | None = None, *, latency_ms: float = 0, throttle_rate: float = 0.0, fail_rate: float = 0.0,
               token_lifetime: int = 3600, page_size: int = 200, seed: int | None = None,
               client_secret: str | None = None, retry_after: float = 1.0,
               device_poll_interval: int = 5, site_owners: tuple[str, ...] = (),
               hang_seconds: float = 5.0) -> LocalGraphApp:
    """The local list server as a WSGI app; ``home=None`` keeps its data in memory.

    Example::

        app = create_app()
        client = httpx.Client(transport=httpx.WSGITransport(app=app), base_url="https://local")
    """
    if page_size < 1:
        raise ValueError(f"page_size must be 1 or more, got {page_size}")
    options = Options(latency_ms=latency_ms, throttle_rate=throttle_rate, fail_rate=fail_rate,
                      token_lifetime=token_lifetime, page_size=page_size, seed=seed, client_secret=client_secret,
                      retry_after=retry_after, device_poll_interval=device_poll_interval,
                      site_owners=tuple(site_owners), hang_seconds=hang_seconds)
    return LocalGraphApp(Path(home) if home is not None else None, options)


class _QuietHandler(WSGIRequestHandler):
    """No per-request log lines: the server prints its three ready lines and nothing else."""

    def log_request(self, code="-", size="-") -> None:
        pass

    def connection_dropped(self, error, environ=None) -> None:
        # Take no further request on a connection that was dropped (an injected fault, faults.py):
        # closing it is what the client sees.
        self.close_connection = True


class RunningServer:
    """A server on ``127.0.0.1`` in a background thread; a context manager that stops it on exit."""

    def __init__(self, home: Path | None, *, port: int = 0, **options) -> None:
        self._temp = None
        if home is None:
            # Certificates need a folder even when the data stays in memory.
            self._temp = tempfile.mkdtemp(prefix="plansync-server-")
            cert_home = Path(self._temp)
        else:
            cert_home = Path(home)
        # Commands starting at once on a fresh data folder: one of them creates the key, the
        # certificate and the database, the others wait and then use them (sync.home_lock).
        with setup_lock(cert_home):
            self.app = create_app(home, **options)
            try:
                files = ensure_certificates(cert_home)
            except BaseException:
                self.app.close()
                raise
        self.ca_path = files.ca_path
        logging.getLogger("werkzeug").setLevel(logging.ERROR)
        # Bind here rather than in werkzeug, which prints and exits on a port in use: the caller
        # gets the OSError and can say what to do.
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        if os.name != "nt":  # restart on the same port at once (TIME_WAIT); on Windows it would allow sharing
            listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            listener.bind(("127.0.0.1", port))
            listener.listen(128)
            # Over a real socket, failures also include hung and dropped connections (faults.py).
            self.app.faults.network = True
            self._server = make_server("127.0.0.1", port, NetworkFaults(self.app, self.app.faults), threaded=True, request_handler=_QuietHandler,
                                       ssl_context=server_context(files), fd=listener.fileno())
        except BaseException:
            self.app.close()
            raise
        finally:
            listener.close()  # werkzeug works on its own duplicate of the socket
        self.port = self._server.port
        self.graph_url = f"https://127.0.0.1:{self.port}/v1.0"
        self.authority = f"https://127.0.0.1:{self.port}/{TENANT}"
        # A short poll: stopping waits for the serving loop's next poll, and every sync and pull
        # stops the embedded server when it is done (werkzeug's default 0.5 s showed on each click).
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
                                        name=f"plansync-server-{self.port}", daemon=True)
        self._thread.start()

    def ready_lines(self) -> list[str]:
        return [f"graph: {self.graph_url}", f"authority: {self.authority}", f"ca: {self.ca_path}"]

    def stop(self) -> None:
        if self._thread.is_alive():
            self._server.shutdown()
            self._thread.join()
            self._server.server_close()
            self.app.close()
            if self._temp:
                shutil.rmtree(self._temp, ignore_errors=True)

    def __enter__(self) -> RunningServer:
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


def serve_in_thread(home: Path | None, *, port: int = 0, **options) -> RunningServer:
    """Start the server on ``127.0.0.1:port`` (0 = any free port) and return once it listens."""
    return RunningServer(home, port=port, **options)
