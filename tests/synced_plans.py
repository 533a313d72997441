"""Helpers for the tests that sync small plans to a local list server and pull them back
(tests/test_sync_e2e.py, tests/test_pull.py): the plan's columns, a signed-in Graph client, cell edits."""

from __future__ import annotations

import ssl
from pathlib import Path

import httpx
import openpyxl

from sync.auth import StaticToken
from sync.graph import GraphClient

ANN = "ann@council.gov.uk"
HEADER = ["Ref", "Action", "Lead", "Owner sign-in", "Target date", "Status", "Progress"]
COL = {name: n for n, name in enumerate(HEADER, start=1)}


def token(server, email: str) -> StaticToken:
    """A development identity's token from the local server (password grant, password 'local-dev')."""
    context = ssl.create_default_context(cafile=str(server.ca_path))
    for _ in range(20):  # a throttled server throttles sign-in too
        answer = httpx.post(
            f"{server.authority}/oauth2/v2.0/token",
            data={"client_id": "tests", "grant_type": "password", "username": email, "password": "local-dev", "scope": "Sites.ReadWrite.All"},
            verify=context,
        )
        if answer.status_code == 200:
            return StaticToken(answer.json()["access_token"], user=email)
    raise AssertionError(answer.text)


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
