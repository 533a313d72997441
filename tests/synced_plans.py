"""Helpers for the tests that sync small plans to a local list server over HTTPS and pull them back
(test_sync_e2e, test_pull, test_history, test_roles, ...): the module's server and per-test list name
fixtures, a tracker workbook, a signed-in Graph client, a sync, the list's items, list and cell edits.

A module takes the fixtures by assigning them: ``server = https_server(SUE)``, ``list_name = per_test_list("pull-", 55)``.
"""

from __future__ import annotations

import contextlib
import ssl
from pathlib import Path

import httpx
import openpyxl
import pytest

from plansync.commands.sync import sync_workbook
from plansync.workbook.openpyxl_book import OpenpyxlWorkbook
from sync.graph import GraphClient
from sync.local_server import serve_in_thread

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


def site_rest(server, email: str = SITE_OWNER):
    """The plansync site's SharePoint REST API, signed in as ``email``."""
    from sync.sharepoint import SharePointRest

    site = server.graph_url.rsplit("/v1.0", 1)[0] + "/sites/plansync"
    return SharePointRest(site, auth=token(server, email).for_resource(SharePointRest.resource_of(site)), verify=server.ca_path)


def grant(server, email: str, group: str = "plansync support", *, owner: str = SITE_OWNER, remove: bool = False) -> None:
    """The site owner gives ``email`` a plansync role (``remove``: takes it away) over SharePoint REST."""
    from sync.roles import add_role, remove_role

    role = "support" if group == "plansync support" else "signoff"
    with contextlib.closing(site_rest(server, owner)) as sp:
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


def https_server(*support: str, site_owners: tuple[str, ...] = (SITE_OWNER,)):
    """A module-scoped fixture: the local list server over HTTPS for the module's tests, its site owned by
    ``site_owners``, the people in ``support`` given the support role (they may change anybody's row)."""

    @pytest.fixture(scope="module")
    def server(tmp_path_factory):
        with serve_in_thread(tmp_path_factory.mktemp("server"), site_owners=site_owners) as running:
            for email in support:
                grant(running, email)
            yield running

    return server


def per_test_list(prefix: str = "", most: int = 60):
    """A fixture: the name of a list of the test's own on the module's shared server."""

    @pytest.fixture
    def list_name(request):
        return prefix + request.node.name.replace("[", "-").replace("]", "")[:most]

    return list_name


def action_row(ref, *, action=None, lead="Ann Lead", owner=ANN, target="July 2026", status="On track", progress="Started") -> list:
    """One action's cells, in HEADER's order."""
    return [ref, action or f"Action {ref}", lead, owner, target, status, progress]


def tracker(path: Path, rows, *, plan: str = "York 2022", support=None, header=HEADER, settings=()) -> Path:
    """A team's tracker: ``rows`` under ``header`` on the Actions sheet, and a Settings sheet naming the plan,
    then, unless ``support`` is None, the support role sign-ins it shows (the line left blank for none),
    then the (label, value) lines of ``settings``."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Actions"
    ws.append(header)
    for line in rows:
        ws.append(line)
    sheet = wb.create_sheet("Settings")
    sheet.append(["Plan name", plan])
    if support is not None:
        sheet.append(["Support role sign-ins", ", ".join(support) or None])
    for line in settings:
        sheet.append(list(line))
    wb.save(path)
    return path


def sync(path: Path, server, list_name: str, user: str = ANN, *, gc: GraphClient | None = None, **options):
    """``sync_workbook`` of the workbook at ``path`` as ``user`` (or through ``gc``); a dry run opens it read-only."""
    book = OpenpyxlWorkbook.open(path, write=not options.get("dry_run", False))
    with gc or client(server, user) as signed_in:
        return sync_workbook(book, client=signed_in, list_name=list_name, **options)


@contextlib.contextmanager
def plansync_list(server, list_name: str, user: str = ANN):
    """(a client signed in as ``user``, the plansync site's id, the list or None when there is none)."""
    with client(server, user) as gc:
        site = gc.get_site(None, "/sites/plansync")
        yield gc, site["id"], gc.get_list(site["id"], list_name)


def items(server, list_name: str, user: str = ANN) -> list[dict]:
    """The list's items as Graph gives them to ``user`` ([] when there is no such list)."""
    with plansync_list(server, list_name, user) as (gc, site, lst):
        return [] if lst is None else list(gc.iter_items(site, lst["id"]))


def items_by(server, list_name: str, field: str = "RowKey", user: str = ANN) -> dict[str, dict]:
    """The list's items by the value of one of their fields."""
    return {i["fields"][field]: i for i in items(server, list_name, user)}


def update_item(server, list_name: str, item: dict, fields: dict, user: str = ANN) -> None:
    """``user`` changes ``fields`` of the list's ``item``, in the list itself."""
    with plansync_list(server, list_name, user) as (gc, site, lst):
        gc.update_fields(site, lst["id"], item["id"], fields)


def list_edit(server, list_name: str, key, fields: dict, user: str = ANN, *, field: str = "RowKey", seen_by: str = ANN) -> None:
    """``user`` changes ``fields`` of the item whose ``field`` is ``key``, found in the list as ``seen_by`` sees it."""
    found = next(i for i in items(server, list_name, seen_by) if i["fields"].get(field) == key)
    update_item(server, list_name, found, fields, user)


class EditBeforeFirstBatch(httpx.BaseTransport):
    """Real HTTPS; just before the sync's first batch goes out, someone edits an item in the list."""

    def __init__(self, ca_path, meddle) -> None:
        self.inner = httpx.HTTPTransport(verify=ssl.create_default_context(cafile=str(ca_path)))
        self.meddle = meddle

    def handle_request(self, request):
        if request.url.path.endswith("/$batch") and self.meddle:
            meddle, self.meddle = self.meddle, None
            meddle()
        return self.inner.handle_request(request)

    def close(self):
        self.inner.close()
