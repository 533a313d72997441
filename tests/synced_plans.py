"""Helpers for the tests that sync small plans to a local list server and pull them back
(tests/test_sync_e2e.py, tests/test_pull.py): the plan's columns, a signed-in Graph client, cell edits."""

from __future__ import annotations

import contextlib
import ssl
from pathlib import Path

import httpx
import openpyxl

from sync.graph import GraphClient

ANN = "ann@council.gov.uk"
SITE_OWNER = "site.owner@council.gov.uk"  # the owner of the test servers' site
HEADER = ["Ref", "Action", "Lead", "Owner sign-in", "Target date", "Status", "Progress"]
COL = {name: n for n, name in enumerate(HEADER, start=1)}


class DevToken:
    """A development identity's tokens from the local server (password grant, password 'local-dev'),
    for Graph or, through ``for_resource``, for the server's SharePoint REST API, as msal gives them."""

    def __init__(self, server, email: str, scope: str = "Sites.ReadWrite.All") -> None:
        self.server, self.user, self.scope = server, email, scope
        self._value: str | None = None

    def token(self, *, force_refresh: bool = False) -> str:
        if self._value is None or force_refresh:
            context = ssl.create_default_context(cafile=str(self.server.ca_path))
            for _ in range(20):  # a throttled server throttles sign-in too
                answer = httpx.post(
                    f"{self.server.authority}/oauth2/v2.0/token",
                    data={"client_id": "tests", "grant_type": "password", "username": self.user, "password": "local-dev",
                          "scope": self.scope},
                    verify=context,
                )
                if answer.status_code == 200:
                    self._value = answer.json()["access_token"]
                    break
            else:
                raise AssertionError(answer.text)
        return self._value

    def for_resource(self, resource: str) -> "DevToken":
        return DevToken(self.server, self.user, f"{resource}/.default")


def token(server, email: str) -> DevToken:
    """A development identity's tokens from the local server."""
    return DevToken(server, email)


def grant(server, email: str, group: str = "plansync support", *, owner: str = SITE_OWNER, remove: bool = False) -> None:
    """The site owner gives ``email`` a plansync role (``remove``: takes it away) over SharePoint REST."""
    from sync.roles import add_role, remove_role
    from sync.sharepoint import SharePointRest

    site = server.graph_url.rsplit("/v1.0", 1)[0] + "/sites/plansync"
    sp = SharePointRest(site, auth=token(server, owner).for_resource(SharePointRest.resource_of(site)), verify=server.ca_path)
    role = "support" if group == "plansync support" else "signoff"
    with contextlib.closing(sp):
        (remove_role if remove else add_role)(sp, email, role)


def client(server, email: str = ANN, **options) -> GraphClient:
    """A Graph client signed in as ``email`` that waits no time on Retry-After."""
    return GraphClient(server.graph_url, auth=token(server, email), verify=server.ca_path, sleep=lambda s: None, **options)


def edit(path: Path, cells: dict[tuple[int, str], object], *, delete_rows=()) -> None:
    """Type values into the Actions sheet ((row, column heading) -> value), then delete rows."""
    wb = openpyxl.load_workbook(path)
    ws = wb["Actions"]
    for (r, name), value in cells.items():
        ws.cell(r, COL[name], value)
    for r in sorted(delete_rows, reverse=True):
        ws.delete_rows(r)
    wb.save(path)
