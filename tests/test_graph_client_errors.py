"""Every httpx exception plansync knows about maps to plansync's tree, in one place."""

from __future__ import annotations

import httpx
import pytest

from plansync.errors import GraphError, PlansyncError, SettingsError, SyncError
from sync.http_errors import map_httpx_error

URL = "https://graph.example.test/v1.0/sites/root"
REQUEST = httpx.Request("GET", URL)

# Each foreign exception with the plansync class it must become and how its message begins.
FOREIGN = [
    (httpx.ConnectError("refused", request=REQUEST), SyncError, "Could not connect to graph.example.test (refused)."),
    (httpx.ConnectError("[SSL: CERTIFICATE_VERIFY_FAILED] self-signed", request=REQUEST), SyncError,
     "graph.example.test presented a certificate plansync does not trust"),
    (httpx.ConnectTimeout("slow", request=REQUEST), SyncError, "Could not connect to graph.example.test (slow)."),
    (httpx.ReadTimeout("slow", request=REQUEST), SyncError, "graph.example.test did not answer GET /v1.0/sites/root in time."),
    (httpx.WriteTimeout("slow", request=REQUEST), SyncError, "graph.example.test did not answer"),
    (httpx.PoolTimeout("slow", request=REQUEST), SyncError, "graph.example.test did not answer"),
    (httpx.ReadError("reset", request=REQUEST), SyncError, "The connection to graph.example.test broke during GET"),
    (httpx.WriteError("reset", request=REQUEST), SyncError, "The connection to graph.example.test broke"),
    (httpx.CloseError("reset", request=REQUEST), SyncError, "The connection to graph.example.test broke"),
    (httpx.RemoteProtocolError("bad", request=REQUEST), SyncError, "The connection to graph.example.test broke"),
    (httpx.ProxyError("407", request=REQUEST), SyncError, "The proxy refused the connection to graph.example.test"),
    (httpx.UnsupportedProtocol("no http", request=REQUEST), SettingsError, "The Graph address"),
    (httpx.InvalidURL("bad"), SettingsError, "The Graph address"),
    (httpx.TooManyRedirects("loop", request=REQUEST), GraphError, "graph.example.test redirected GET"),
    (httpx.LocalProtocolError("bad", request=REQUEST), GraphError, "graph.example.test answered GET /v1.0/sites/root in a way"),
    (httpx.DecodingError("gzip", request=REQUEST), GraphError, "graph.example.test answered GET /v1.0/sites/root in a way"),
]


@pytest.mark.parametrize("exc, expected, start", FOREIGN, ids=[type(e).__name__ + str(i) for i, (e, _, _) in enumerate(FOREIGN)])
def test_each_foreign_exception_maps_to_a_plansync_error(exc, expected, start):
    mapped = map_httpx_error(exc, method="GET", url=URL)
    assert type(mapped) is expected
    assert str(mapped).startswith(start)


def test_every_httpx_request_error_class_is_in_the_list():
    # A new httpx release adding an exception class makes this fail, so its mapping gets reviewed.
    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    known = {type(e) for e, _, _ in FOREIGN}
    abstract = {httpx.TransportError, httpx.TimeoutException, httpx.NetworkError, httpx.ProtocolError}
    assert set() == set(subclasses(httpx.RequestError)) - known - abstract


def test_mapped_errors_are_all_plansync_errors():
    assert all(isinstance(map_httpx_error(e, method="GET", url=URL), PlansyncError) for e, _, _ in FOREIGN)


@pytest.mark.parametrize("name", ["auth", "batching", "graph", "http_errors", "list_schema", "msal_apps", "msal_tokens", "signin_cache", "signin_errors", "target", "transport"])
def test_each_client_module_exports_a_sorted_public_surface(name):
    import importlib

    module = importlib.import_module(f"sync.{name}")
    assert sorted(module.__all__) == list(module.__all__)
    assert all(hasattr(module, n) for n in module.__all__)
