"""The WSGI app: Graph v1.0 routes under ``/v1.0``, OAuth under ``/{tenant}``, one error mapping.

Order of work for a Graph call: injected latency, bearer token (401 ``InvalidAuthenticationToken``
with ``WWW-Authenticate``), injected throttling/failure, then the handler. ``$batch`` draws the
injected faults per inner request instead of for the whole batch.
"""

from __future__ import annotations

import json
import logging
import random
import re
import threading
import uuid
from dataclasses import dataclass
from datetime import timedelta
from email.utils import formatdate
from pathlib import Path
from urllib.parse import parse_qsl

from werkzeug.exceptions import MethodNotAllowed, NotFound
from werkzeug.routing import Map, Rule
from werkzeug.wrappers import Request, Response

from sync.local_server import delta, items, lists, permissions, sharepoint_rest, versions
from sync.local_server.batch import run_batch
from sync.local_server.calls import Call, Result
from sync.local_server.datafiles import private_database
from sync.local_server.errors import GraphError, error_body
from sync.local_server.faults import Faults
from sync.local_server.identity import TENANT, app_identity, person
from sync.local_server.oauth import GRAPH_AUDIENCE, OAuth
from sync.local_server.store import Store
from sync.local_server.tokens import Signer, TokenInvalid, load_key

__all__ = ["LocalGraphApp", "Options"]

DB_FILE = "plansync-lists.db"
_TOMBSTONE_RETENTION = timedelta(days=60)  # deleted items older than this are forgotten at start
_JSON = "application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8"
_log = logging.getLogger(__name__)
_SITE_BY_PATH = re.compile(r"^/sites/([^/,:]+):(/[^:]*?)(?::(/.*))?:?$")


@dataclass(frozen=True)
class Options:
    latency_ms: float = 0
    throttle_rate: float = 0.0
    fail_rate: float = 0.0
    token_lifetime: int = 3600
    page_size: int = 200
    seed: int | None = None
    client_secret: str | None = None
    retry_after: float = 1.0
    device_poll_interval: int = 5
    site_owners: tuple[str, ...] = ()  # members of every site's Owners group; "*": everyone (embedded server)
    hang_seconds: float = 5.0


_ROUTES = Map([
    Rule("/sites", endpoint=("GET", lists.search_sites), methods=["GET"]),
    Rule("/sites/<site>", endpoint=("GET", lists.get_site), methods=["GET"]),
    Rule("/sites/<site>/lists", endpoint=("GET", lists.get_lists), methods=["GET"]),
    Rule("/sites/<site>/lists", endpoint=("POST", lists.create_list), methods=["POST"]),
    Rule("/sites/<site>/lists/<lst>", endpoint=("GET", lists.get_list), methods=["GET"]),
    Rule("/sites/<site>/lists/<lst>/columns", endpoint=("GET", lists.get_columns), methods=["GET"]),
    Rule("/sites/<site>/lists/<lst>/columns", endpoint=("POST", lists.post_column), methods=["POST"]),
    Rule("/sites/<site>/lists/<lst>/items", endpoint=("GET", items.list_items), methods=["GET"]),
    Rule("/sites/<site>/lists/<lst>/items", endpoint=("POST", items.create_item), methods=["POST"]),
    Rule("/sites/<site>/lists/<lst>/items/delta", endpoint=("GET", delta.delta), methods=["GET"]),
    Rule("/sites/<site>/lists/<lst>/items/<item>", endpoint=("GET", items.get_item), methods=["GET"]),
    Rule("/sites/<site>/lists/<lst>/items/<item>", endpoint=("PATCH", items.update_item), methods=["PATCH"]),
    Rule("/sites/<site>/lists/<lst>/items/<item>", endpoint=("DELETE", items.delete_item), methods=["DELETE"]),
    Rule("/sites/<site>/lists/<lst>/items/<item>/fields", endpoint=("GET", items.get_fields), methods=["GET"]),
    Rule("/sites/<site>/lists/<lst>/items/<item>/fields", endpoint=("PATCH", items.update_fields), methods=["PATCH"]),
    # Item versions (issue 16): sync/local_server/versions.py
    Rule("/sites/<site>/lists/<lst>/items/<item>/versions", endpoint=("GET", versions.list_versions), methods=["GET"]),
    Rule("/sites/<site>/lists/<lst>/items/<item>/versions/<version>", endpoint=("GET", versions.get_version),
         methods=["GET"]),
    Rule("/sites/<site>/lists/<lst>/items/<item>/versions/<version>/restoreVersion",
         endpoint=("POST", versions.restore_version), methods=["POST"]),
    Rule("/sites/<site>/lists/<lst>/items/<item>/versions/<version>/restore",
         endpoint=("POST", versions.restore_version), methods=["POST"]),
], strict_slashes=False, merge_slashes=False)


class LocalGraphApp:
    """A Graph-compatible list server as a WSGI callable; ``home=None`` keeps data in memory."""

    def __init__(self, home: Path | None, options: Options) -> None:
        self.home = Path(home) if home is not None else None
        if self.home is not None:
            self.home.mkdir(parents=True, exist_ok=True)
        self.options = options
        self.store = Store(private_database(self.home / DB_FILE) if self.home is not None else None)
        self.signer = Signer(load_key(self.home))
        self.faults = Faults(latency_ms=options.latency_ms, throttle_rate=options.throttle_rate,
                             fail_rate=options.fail_rate, retry_after=options.retry_after, seed=options.seed,
                             hang_seconds=options.hang_seconds)
        self.oauth = OAuth(self)
        self._shuffle = random.Random(options.seed)
        self._shuffle_lock = threading.Lock()
        lists.seed_sites(self.store)
        self.principals = permissions.setup(self, options.site_owners)
        self.store.purge_tombstones(older_than=_TOMBSTONE_RETENTION)

    def close(self) -> None:
        self.store.close()

    # -- WSGI ---------------------------------------------------------------------------------
    def __call__(self, environ, start_response):
        request = Request(environ)
        path = request.path
        if path == "/v1.0" or path.startswith("/v1.0/"):
            response = self._graph(request)
        elif sharepoint_rest.is_sharepoint_path(path):
            response = sharepoint_rest.handle(self, request)
        else:
            response = self.oauth.handle(request, path) or self._not_found(request)
        return response(environ, start_response)

    def _not_found(self, request: Request) -> Response:
        return self._respond(Result(404, error_body("itemNotFound", f"There is no resource at {request.path}.",
                                                    request_id=self.new_request_id(), client_request_id=None)),
                             request_id=self.new_request_id(), client_request_id=None)

    def new_request_id(self) -> str:
        return str(uuid.uuid4())

    def shuffle(self, entries: list) -> None:
        with self._shuffle_lock:
            self._shuffle.shuffle(entries)

    def _graph(self, request: Request) -> Response:
        request_id = self.new_request_id()
        client_request_id = request.headers.get("client-request-id")
        call = Call(
            method=request.method,
            path=request.path[len("/v1.0"):] or "/",
            query=parse_qsl(request.query_string.decode("latin-1"), keep_blank_values=True),
            headers={k.lower(): v for k, v in request.headers.items()},
            raw_body=request.get_data() or None,
            base_url=request.host_url.rstrip("/") + "/v1.0",
        )
        self.faults.delay()
        try:
            call.caller = self._authenticate(request)
        except GraphError as exc:
            return self._respond(self._error_result(exc, request_id, client_request_id), request_id=request_id,
                                 client_request_id=client_request_id)
        if call.path.rstrip("/") == "/$batch" and call.method == "POST":
            result = self._safely(lambda: run_batch(self, call), request_id, client_request_id)
        else:
            result = self.run_call(call, request_id=request_id, inject_faults=True)
        return self._respond(result, request_id=request_id, client_request_id=client_request_id)

    def _respond(self, result: Result, *, request_id: str, client_request_id: str | None) -> Response:
        response = Response(status=result.status)
        if result.body is not None:
            response.set_data(json.dumps(result.body))
            response.headers["Content-Type"] = _JSON
        for key, value in result.headers.items():
            response.headers[key] = value
        response.headers["request-id"] = request_id
        response.headers["client-request-id"] = client_request_id or request_id
        response.headers["Date"] = formatdate(usegmt=True)
        return response

    # -- auth -----------------------------------------------------------------------------
    def _authenticate(self, request: Request) -> dict:
        header = request.headers.get("Authorization", "")
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise self._unauthenticated(request, "Access token is empty.")
        try:
            claims = self.signer.verify(token.strip(), kind="access")
        except TokenInvalid as exc:
            message = "Access token has expired or is not yet valid." if exc.expired else "Access token validation failure."
            raise self._unauthenticated(request, message) from None
        if claims.get("aud") != GRAPH_AUDIENCE:
            raise self._unauthenticated(request, "Access token validation failure. Invalid audience.")
        if claims.get("idtyp") == "app":
            return app_identity(claims["appid"])
        return person(claims["preferred_username"])

    def _unauthenticated(self, request: Request, message: str) -> GraphError:
        authority = f"{request.host_url.rstrip('/')}/{TENANT}/oauth2/authorize"
        challenge = (f'Bearer realm="", authorization_uri="{authority}", '
                     'client_id="00000003-0000-0000-c000-000000000000"')
        return GraphError(401, "InvalidAuthenticationToken", message, headers={"WWW-Authenticate": challenge})

    # -- one call -------------------------------------------------------------------------
    def run_call(self, call: Call, *, request_id: str, inject_faults: bool) -> Result:
        """Run one Graph call (top level or inside a batch) and always return a Result."""

        def work() -> Result:
            late = self.faults.check() if inject_faults else None
            match = _SITE_BY_PATH.match(call.path)
            if match:
                site = lists.resolve_site_path(self, call, match.group(1), match.group(2))
                call.path = f"/sites/{site['id']}{match.group(3) or ''}"
            delta.function_form(call)  # items/delta() and items/microsoft.graph.delta(), as SDKs send them
            adapter = _ROUTES.bind("localhost")
            try:
                (_, handler), args = adapter.match(call.path, method=call.method)
            except NotFound:
                raise GraphError(400, "invalidRequest", f"Resource not found for the segment '{call.path}'.") from None
            except MethodNotAllowed:
                raise GraphError(405, "invalidRequest", f"{call.method} is not allowed on {call.path}.") from None
            result = handler(self, call, **args)
            if late is not None:
                raise late  # an injected gateway timeout after the work was done: the answer is lost
            return result

        return self._safely(work, request_id, call.header("client-request-id"))

    def _safely(self, work, request_id: str, client_request_id: str | None) -> Result:
        """Run a handler; a bug becomes Graph's 500 ``generalException`` (its writes rolled back)."""
        try:
            return work()
        except GraphError as exc:
            return self._error_result(exc, request_id, client_request_id)
        except Exception:
            _log.exception("request %s failed", request_id)  # the request id only: never headers or tokens
            failure = GraphError(500, "generalException", "An unspecified error has occurred.")
            return self._error_result(failure, request_id, client_request_id)

    def _error_result(self, exc: GraphError, request_id: str, client_request_id: str | None) -> Result:
        body = error_body(exc.code, exc.message, request_id=request_id, client_request_id=client_request_id,
                          inner_code=exc.inner_code)
        return Result(exc.status, body, dict(exc.headers))
