"""``plansync refresh``: the list re-rated on a later day, over HTTPS against the local list server (issue 18)."""

from __future__ import annotations

import json
import ssl
import stat
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import httpx
import openpyxl
import pytest
from click.testing import CliRunner

from plansync.cli import main
from plansync.commands.refresh import refresh_list
from sync.graph import GraphClient
from sync.local_server import serve_in_thread
from sync.plan_rules import plans_list_name, read_rules, rules_from_json, store_rules
from validation.rag import RagRules
import synced_plans
from synced_plans import ANN, action_row, client, https_server, items_by, per_test_list, token, tracker

DAY = date(2026, 1, 15)
LATER = DAY + timedelta(days=30)  # 14 February 2026
DERIVED = ("Due", "RAG", "Overdue", "DaysOverdue")


server = https_server(site_owners=())
list_name = per_test_list("refresh-", 50)


@pytest.fixture(autouse=True)
def home(tmp_path, monkeypatch):
    # The refresh cache, its log and sync's record of stored rules go to the data folder.
    folder = tmp_path / "home"
    monkeypatch.setenv("PLANSYNC_HOME", str(folder))
    return folder


# ref, target as written, status: on 15/01/2026 and 30 days later.
ROWS = [
    ("1.1", "31/01/2026", "On track"),  # Amber (due in 16 days) -> Red, 14 days overdue
    ("1.2", "01/03/2026", "On track"),  # Green (45 days)        -> Amber (15 days)
    ("1.3", "July 2026", "On track"),  # Green                   -> Green
    ("1.4", "31/12/2025", "Complete"),  # Blue                   -> Blue
    ("1.5", "Ongoing", "On track"),  # Green, never overdue     -> Green
    ("1.6", "10/01/2026", "On track"),  # Red, 5 days overdue    -> Red, 35 days overdue
]


def make_book(path: Path, rows=ROWS, *, plan="York 2022", amber_days=None) -> Path:
    amber = [] if amber_days is None else [("Amber window (days)", amber_days)]
    return tracker(path, [action_row(ref, target=target, status=status) for ref, target, status in rows], plan=plan, settings=amber)


def sync(path: Path, server, list_name: str, today: date = DAY):
    return synced_plans.sync(path, server, list_name, today=today, now=datetime(2026, 1, 15, 9))


def refresh(server, list_name: str, today: date = LATER, gc=None, **kw):
    with gc or client(server) as gc:
        return refresh_list(client=gc, list_name=list_name, today=today, **kw)


def by_ref(server, list_name: str) -> dict[str, dict]:
    return items_by(server, list_name, "Ref")


def derived(item: dict) -> tuple:
    due, rag, overdue, days = (item["fields"].get(name) for name in DERIVED)
    return (due[:10] if due else due, rag, bool(overdue), days)


def typed(item: dict) -> dict:
    """Every field a person types (or sync writes as typed): all but the derived and system ones."""
    skip = {*DERIVED, "Modified", "_UIVersionString", "@odata.etag"}
    return {k: v for k, v in item["fields"].items() if k not in skip}


def test_a_later_day_rerates_exactly_the_items_whose_dates_crossed_a_threshold(server, list_name, tmp_path):
    sync(make_book(tmp_path / "plan.xlsx"), server, list_name)
    before = by_ref(server, list_name)
    assert ("Amber", "Green", "Red") == tuple(before[r]["fields"]["RAG"] for r in ("1.1", "1.2", "1.6"))

    result = refresh(server, list_name)

    assert ["1.1", "1.2", "1.6"] == sorted(c.ref for c in result.changes)
    assert (3, 6, 0) == (result.written, result.rated, result.exit_code)
    after = by_ref(server, list_name)
    assert ("2026-01-31", "Red", True, 14) == derived(after["1.1"])
    assert ("2026-03-01", "Amber", False, None) == derived(after["1.2"])
    assert ("2026-01-10", "Red", True, 35) == derived(after["1.6"])
    # Only the changed items were written; no field a person types was touched.
    assert {r: before[r]["eTag"] for r in ("1.3", "1.4", "1.5")} == {r: after[r]["eTag"] for r in ("1.3", "1.4", "1.5")}
    assert {r: typed(i) for r, i in before.items()} == {r: typed(i) for r, i in after.items()}


def test_the_list_after_a_refresh_is_what_a_sync_on_that_day_would_send(server, list_name, tmp_path):
    path = make_book(tmp_path / "plan.xlsx")
    sync(path, server, list_name)
    refresh(server, list_name)
    # The same core rated both: a sync on the later day finds nothing to update.
    again = sync(path, server, list_name, today=LATER)
    assert ([], 6) == (again.plan.updates, len(again.plan.unchanged))


def test_after_the_first_run_a_refresh_reads_the_changes_only(server, list_name, tmp_path):
    sync(make_book(tmp_path / "plan.xlsx"), server, list_name)
    first = refresh(server, list_name, today=DAY)
    assert (True, 6, []) == (first.full, first.read, first.changes)
    second = refresh(server, list_name)
    # One delta round (nothing changed in the list), one read of the plans' rules, one batch.
    assert (False, 0, 3, 3) == (second.full, second.read, second.written, second.requests)
    third = refresh(server, list_name)
    assert (0, 2) == (len(third.changes), third.requests)


def test_a_dry_run_lists_what_would_change_and_why_and_changes_nothing(server, list_name, tmp_path, home, monkeypatch):
    monkeypatch.setenv("PLANSYNC_CA_FILE", str(server.ca_path))
    sync(make_book(tmp_path / "plan.xlsx"), server, list_name)
    before = by_ref(server, list_name)
    args = ["refresh", "--graph-url", server.graph_url, "--list", list_name, "--as", ANN, "--today", LATER.isoformat()]

    dry = CliRunner().invoke(main, [*args, "--dry-run"])

    assert 0 == dry.exit_code, dry.output
    assert [
        "Would re-rate 1.1 (York 2022): Amber → Red: due 31/01/2026, 14 days overdue",
        "Would re-rate 1.2 (York 2022): Green → Amber: due 01/03/2026",
        "Would re-rate 1.6 (York 2022): Red: due 10/01/2026, 35 days overdue (was 5)",
    ] == sorted(dry.stdout.splitlines())
    assert before == by_ref(server, list_name)
    assert not (home / "refresh").exists()
    log = (home / "refresh.log").read_text().splitlines()
    assert 1 == len(log) and "3 re-rated, 3 would write, 0 refused, 0 in conflict, 0 not rated;" in log[0]


def test_the_cli_writes_one_log_line_per_run_and_keeps_its_cache_private(server, list_name, tmp_path, home, monkeypatch):
    monkeypatch.setenv("PLANSYNC_CA_FILE", str(server.ca_path))
    sync(make_book(tmp_path / "plan.xlsx"), server, list_name)
    args = ["refresh", "--graph-url", server.graph_url, "--list", list_name, "--as", ANN, "--today", LATER.isoformat(), "--json"]
    done = CliRunner().invoke(main, args)
    assert 0 == done.exit_code, done.output
    counts = json.loads(done.stdout)
    assert (6, 3, 3, []) == (counts["rated"], counts["rerated"], counts["written"], counts["refused"])
    assert "Red" == next(c["to"]["rag"] for c in counts["changes"] if c["ref"] == "1.1")
    (cache,) = (home / "refresh").iterdir()
    assert 0o600 == stat.S_IMODE(cache.stat().st_mode)
    assert 0o600 == stat.S_IMODE((home / "refresh.log").stat().st_mode)
    line = (home / "refresh.log").read_text().strip()
    assert f"plansync refresh list {list_name!r} as at 2026-02-14: 6 actions (whole list read), 6 rated, 3 re-rated, 3 written" in line
    assert "Bearer" not in line and "token" not in line.lower()


class EditBeforeBatches(httpx.BaseTransport):
    """Real HTTPS; just before each of the job's first ``times`` batches of writes, a manager edits an item."""

    def __init__(self, ca_path, meddle, times: int = 1) -> None:
        self.inner = httpx.HTTPTransport(verify=ssl.create_default_context(cafile=str(ca_path)))
        self.meddle, self.times = meddle, times

    def handle_request(self, request):
        if request.url.path.endswith("/$batch") and b'"PATCH"' in request.read() and self.times > 0:
            self.times -= 1
            self.meddle(self.times)
        return self.inner.handle_request(request)


def manager_edits(server, list_name, ref, fields):
    def meddle(_left):
        item = by_ref(server, list_name)[ref]
        with client(server) as gc:
            site = gc.get_site(None, "/sites/plansync")
            gc.update_fields(site["id"], gc.get_list(site["id"], list_name)["id"], item["id"], fields)

    return meddle


def test_a_managers_edit_between_read_and_write_wins_and_the_item_is_rated_again(server, list_name, tmp_path):
    sync(make_book(tmp_path / "plan.xlsx"), server, list_name)
    meddle = manager_edits(server, list_name, "1.1", {"Status": "Complete", "Progress": "Done on 30 January"})
    gc = GraphClient(server.graph_url, auth=token(server, ANN), transport=EditBeforeBatches(server.ca_path, meddle), sleep=lambda s: None)

    result = refresh(server, list_name, gc=gc)

    item = by_ref(server, list_name)["1.1"]["fields"]
    assert ("Complete", "Done on 30 January", "Blue", False, None) == (
        item["Status"], item["Progress"], item["RAG"], bool(item.get("Overdue")), item.get("DaysOverdue"))
    assert ([], 0) == (result.conflicts, result.exit_code)
    assert "Re-rated 1.1 (York 2022): Amber → Blue: due 31/01/2026" in result.lines()


def test_an_item_changed_again_on_the_second_try_is_a_conflict_and_left_alone(server, list_name, tmp_path):
    sync(make_book(tmp_path / "plan.xlsx"), server, list_name)
    edits = iter(["First change", "Second change"])
    meddle = lambda left: manager_edits(server, list_name, "1.1", {"Progress": next(edits)})(left)  # noqa: E731
    gc = GraphClient(
        server.graph_url, auth=token(server, ANN), sleep=lambda s: None, transport=EditBeforeBatches(server.ca_path, meddle, times=2)
    )

    result = refresh(server, list_name, gc=gc)

    item = by_ref(server, list_name)["1.1"]["fields"]
    assert (["1.1"], 1) == ([c.ref for c in result.conflicts], result.exit_code)
    assert ("Second change", "Amber") == (item["Progress"], item["RAG"])
    assert "Red" == by_ref(server, list_name)["1.6"]["fields"]["RAG"] and 2 == result.written


class LoseTheAnswer(httpx.BaseTransport):
    """Real HTTPS; the job's first batch of writes is carried out, but its answer never comes."""

    def __init__(self, ca_path) -> None:
        self.inner = httpx.HTTPTransport(verify=ssl.create_default_context(cafile=str(ca_path)))
        self.lost = 0

    def handle_request(self, request):
        if request.url.path.endswith("/$batch") and b'"PATCH"' in request.read() and not self.lost:
            self.lost += 1
            self.inner.handle_request(request).read()
            raise httpx.ReadTimeout("the answer never came", request=request)
        return self.inner.handle_request(request)


class AppToken:
    """The app's own sign-in (client credentials), as the unattended job signs in: SharePoint names no person."""

    user = "plansync"

    def __init__(self, server) -> None:
        self.server = server

    def token(self, *, force_refresh: bool = False) -> str:
        answer = httpx.post(f"{self.server.authority}/oauth2/v2.0/token", verify=ssl.create_default_context(cafile=str(self.server.ca_path)),
                            data={"client_id": self.user, "grant_type": "client_credentials", "client_secret": "any",
                                  "scope": "https://graph.microsoft.com/.default"})
        return answer.raise_for_status().json()["access_token"]


@pytest.mark.parametrize("signed_in", ["person", "app"])
def test_writes_whose_answer_was_lost_are_counted_as_written_once(server, list_name, tmp_path, signed_in):
    sync(make_book(tmp_path / "plan.xlsx"), server, list_name)
    lose = LoseTheAnswer(server.ca_path)
    auth = token(server, ANN) if signed_in == "person" else AppToken(server)
    gc = GraphClient(server.graph_url, auth=auth, transport=lose, sleep=lambda s: None)

    result = refresh(server, list_name, gc=gc)

    # Sent again, the writes were refused (412: done already); read again, they are found ours (sync.lost_answers).
    assert 1 == lose.lost
    assert ["1.1", "1.2", "1.6"] == sorted(c.ref for c in result.changes)
    assert (3, [], 0) == (result.written, result.conflicts, result.exit_code)
    item = by_ref(server, list_name)["1.1"]
    assert ("2026-01-31", "Red", True, 14) == derived(item)
    assert {"person": ANN, "app": None}[signed_in] == item["lastModifiedBy"]["user"].get("email")
    assert "Re-rated 1.1 (York 2022): Amber → Red: due 31/01/2026, 14 days overdue" in result.lines()


def test_each_plan_is_rated_by_the_rules_it_was_last_synced_with(server, list_name, tmp_path):
    # The plan's Settings give a 60-day amber window.
    path = make_book(tmp_path / "plan.xlsx", [("1.1", "31/03/2026", "On track")], amber_days=60)
    sync(path, server, list_name)
    assert "Green" == by_ref(server, list_name)["1.1"]["fields"]["RAG"]  # 75 days ahead
    result = refresh(server, list_name)
    # 45 days ahead on 14/02: Amber by the plan's 60-day window (Green by the default 30).
    assert (["1.1"], "Amber") == ([c.ref for c in result.changes], by_ref(server, list_name)["1.1"]["fields"]["RAG"])


def test_rules_changed_in_settings_are_stored_again_by_the_next_sync(server, list_name, tmp_path):
    path = make_book(tmp_path / "plan.xlsx", [("1.1", "31/03/2026", "On track")], amber_days=60)
    sync(path, server, list_name)
    wb = openpyxl.load_workbook(path)
    wb["Settings"]["B2"] = 10
    wb.save(path)
    sync(path, server, list_name)
    with client(server) as gc:
        site = gc.get_site(None, "/sites/plansync")
        (item,) = list(gc.iter_items(site["id"], gc.get_list(site["id"], plans_list_name(list_name))["id"]))
    assert ("york-2022", 10) == (item["fields"]["PlanId"], rules_from_json(item["fields"]["Rules"]).amber_days)


def test_items_of_a_plan_without_stored_rules_are_rated_by_the_default_rules(server, list_name, tmp_path):
    # Sync stores only rules that differ from plansync's defaults, so a plan without stored rules keeps them.
    sync(make_book(tmp_path / "plan.xlsx"), server, list_name)
    with client(server) as gc:
        site = gc.get_site(None, "/sites/plansync")
        lst = gc.get_list(site["id"], list_name)
        gc.create_item(site["id"], lst["id"], {"RowKey": "leeds:1.1", "Ref": "1.1", "TargetText": "31/01/2026", "RAG": "Green"})
    result = refresh(server, list_name)  # 14 February 2026: two weeks past its target
    assert ({}, 0) == (result.not_rated, result.exit_code)
    leeds = next(i for i in by_ref(server, list_name).values() if i["fields"]["RowKey"] == "leeds:1.1")["fields"]
    assert ("Red", True) == (leeds["RAG"], leeds["Overdue"])


def test_a_list_that_does_not_exist_is_exit_code_2_with_what_to_do(server, tmp_path, monkeypatch):
    monkeypatch.setenv("PLANSYNC_CA_FILE", str(server.ca_path))
    done = CliRunner().invoke(main, ["refresh", "--graph-url", server.graph_url, "--list", "No such list", "--as", ANN])
    assert 2 == done.exit_code
    assert "Error: There is no list 'No such list'" in done.stderr and "sync a plan to that list first" in done.stderr


def test_rules_a_person_broke_in_the_plans_list_are_reported_and_that_plan_is_not_rated(server, list_name, tmp_path):
    sync(make_book(tmp_path / "plan.xlsx", amber_days=60), server, list_name)  # rules other than the defaults are stored
    with client(server) as gc:
        site = gc.get_site(None, "/sites/plansync")
        plans = gc.get_list(site["id"], plans_list_name(list_name))["id"]
        item = next(i for i in gc.iter_items(site["id"], plans) if i["fields"]["PlanId"] == "york-2022")
        gc.update_fields(site["id"], plans, item["id"], {"Rules": '{"amber_days": "thirty"}'})
    result = refresh(server, list_name)
    assert ({"york-2022": 6}, 0, 1) == (result.not_rated, result.written, result.exit_code)
    assert (
        f"Not rated: the rules stored for plan 'york-2022' in the list '{list_name} plan rules' (item {item['id']}) cannot be read "
        "(amber_days is 'thirty', not a whole number of days); sync the plan's workbook again to store them afresh."
    ) in result.lines()


def test_sync_stores_a_plans_rules_once_and_checks_them_against_the_list_a_day_later(server, list_name, home):
    where, rules, then = {"server": "here", "list": list_name}, RagRules(amber_days=20), datetime(2026, 1, 15, 9, tzinfo=timezone.utc)
    with client(server) as gc:
        site = gc.get_site(None, "/sites/plansync")["id"]
        store = lambda hours: store_rules(gc, site, ["york"], rules, list_name=list_name, home=home, where=where, now=then + timedelta(hours=hours))  # noqa: E731
        sent = gc.requests
        assert ["york"] == store(0)
        assert 3 == gc.requests - sent  # the rules list looked up, created, the plan's item written
        sent = gc.requests
        assert ([], sent) == (store(5), gc.requests)  # unchanged rules cost a sync nothing
        rules_list = gc.get_list(site, plans_list_name(list_name))["id"]
        (item,) = gc.iter_items(site, rules_list)
        gc.delete_item(site, rules_list, item["id"])  # someone tidies the rules list by hand
        sent = gc.requests
        assert ["york"] == store(25)
        assert 2 == gc.requests - sent  # a day later: the list read, the item written again
        assert {"york": rules} == read_rules(gc, site, "", list_name)[1]


@pytest.fixture(scope="module")
def guarded(tmp_path_factory):
    # A server that accepts only its own app secret, as SharePoint accepts only the registered app's.
    with serve_in_thread(tmp_path_factory.mktemp("guarded"), client_secret="s3cret") as running:
        yield running


@pytest.mark.parametrize("secret, code", [("s3cret", 0), ("wrong", 2)])
def test_unattended_the_job_signs_in_as_the_app_and_says_how_it_ended(guarded, list_name, tmp_path, home, monkeypatch, secret, code):
    sync(make_book(tmp_path / "plan.xlsx"), guarded, list_name)
    before = by_ref(guarded, list_name)
    for name, value in {"PLANSYNC_CA_FILE": str(guarded.ca_path), "PLANSYNC_TOKEN_CACHE": str(tmp_path / "tokens.bin"),
                        "PLANSYNC_CLIENT_SECRET": secret}.items():
        monkeypatch.setenv(name, value)
    done = CliRunner().invoke(main, ["refresh", "--graph-url", guarded.graph_url, "--list", list_name, "--today", LATER.isoformat()])
    assert code == done.exit_code, done.output
    log = (home / "refresh.log").read_text().splitlines()
    assert 1 == len(log) and secret not in log[0]
    if code == 0:
        assert "3 re-rated, 3 written" in log[0]
        assert "Red" == by_ref(guarded, list_name)["1.1"]["fields"]["RAG"]
    else:
        assert f"\nError: {guarded.graph_url} refused the app sign-in of plansync (invalid_client" in done.stderr
        assert "plansync refresh failed: " in log[0]
        assert before == by_ref(guarded, list_name)


class RefuseOneWrite(httpx.BaseTransport):
    """Real HTTPS; the list refuses the first write of each batch, as SharePoint does an item the app may not change."""

    def __init__(self, ca_path) -> None:
        self.inner = httpx.HTTPTransport(verify=ssl.create_default_context(cafile=str(ca_path)))

    def handle_request(self, request):
        sent = json.loads(request.read()) if request.url.path.endswith("/$batch") else {}
        if not any(r["method"] == "PATCH" for r in sent.get("requests", [])):
            return self.inner.handle_request(request)
        first, *rest = sorted(sent["requests"], key=lambda r: int(r["id"]))
        headers = {k: v for k, v in request.headers.items() if k.lower() != "content-length"}
        answer = self.inner.handle_request(httpx.Request("POST", request.url, headers=headers, json={"requests": rest}))
        body = json.loads(answer.read())
        denied = "Access denied. You do not have permission to perform this action or access this resource."
        body["responses"].append({"id": first["id"], "status": 403, "body": {"error": {"code": "accessDenied", "message": denied}}})
        return httpx.Response(200, json=body, request=request)


def test_an_item_the_list_refuses_is_reported_and_the_job_ends_with_exit_code_1(server, list_name, tmp_path):
    sync(make_book(tmp_path / "plan.xlsx"), server, list_name)
    gc = GraphClient(server.graph_url, auth=token(server, ANN), transport=RefuseOneWrite(server.ca_path), sleep=lambda s: None)
    result = refresh(server, list_name, gc=gc)
    assert (1, 2, 1) == (len(result.refused), result.written, result.exit_code)
    item_id = by_ref(server, list_name)["1.1"]["id"]
    assert [
        "Re-rated 1.2 (York 2022): Green → Amber: due 01/03/2026",
        "Re-rated 1.6 (York 2022): Red: due 10/01/2026, 35 days overdue (was 5)",
        f"Refused 1.1 (York 2022) (item {item_id}): the list refused the write (403 accessDenied: Access denied. You do not "
        "have permission to perform this action or access this resource.). Give the account the job signs in with edit "
        "rights to every item of the list (docs/refresh.md, permissions).",
    ] == result.lines()
    # Refused, it keeps its old rating in the cache: the next run tries again.
    again = refresh(server, list_name)
    assert (["1.1"], 0) == ([c.ref for c in again.changes], again.exit_code)


def test_a_sync_whose_rules_cannot_be_stored_still_syncs_and_says_so(server, list_name, tmp_path, monkeypatch, caplog):
    import plansync.commands.refresh as refresh_command
    from plansync.errors import GraphError

    def refuse(*args, **kwargs):
        raise GraphError("Access denied to the list 'Actions plan rules'.", status=403)

    monkeypatch.setattr(refresh_command, "store_rules", refuse)
    result = sync(make_book(tmp_path / "plan.xlsx"), server, list_name)
    assert (6, []) == (len(result.plan.creates), result.failed)
    assert ["plansync could not store the plan's BRAG rules for plansync refresh (Access denied to the list "
            "'Actions plan rules'.). The next sync tries again."] == [r.getMessage() for r in caplog.records]
