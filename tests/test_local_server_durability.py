"""``kill -9`` of a running server mid-burst loses no acknowledged write and tears no item."""

from __future__ import annotations

import os
import signal
import ssl
import subprocess
import sys
import threading

import httpx

from sync.local_server import serve_in_thread

WRITERS = 4
KILL_AFTER = 120  # acknowledged writes before the kill


def _start(home) -> tuple[subprocess.Popen, dict[str, str]]:
    process = subprocess.Popen([sys.executable, "-m", "sync.local_server", "--home", str(home), "--port", "0"],
                               stdout=subprocess.PIPE, text=True)
    lines = dict(process.stdout.readline().strip().split(": ", 1) for _ in range(3))
    return process, lines


def _token(lines: dict[str, str], context: ssl.SSLContext) -> str:
    response = httpx.post(f"{lines['authority']}/oauth2/v2.0/token", verify=context, data={
        "client_id": "plansync", "grant_type": "password", "username": "writer@example.org",
        "password": "local-dev", "scope": "Sites.ReadWrite.All"})
    return response.json()["access_token"]


def _expected(key: str, version: int) -> dict:
    title = f"{key}-v{version}"
    return {"RowKey": key, "Title": title, "Progress": title * 200}


def test_kill_9_during_a_burst_of_writes_keeps_every_acknowledged_write(tmp_path):
    home = tmp_path / "home"
    process, lines = _start(home)
    context = ssl.create_default_context(cafile=lines["ca"])
    headers = {"Authorization": "Bearer " + _token(lines, context)}
    with httpx.Client(base_url=lines["graph"] + "/", verify=context, headers=headers) as graph:
        site = graph.get("sites/localhost:/sites/plansync").json()["id"]
        graph.post(f"sites/{site}/lists", json={"displayName": "Burst", "columns": [
            {"name": "RowKey", "text": {}, "indexed": True, "enforceUniqueValues": True},
            {"name": "Progress", "text": {"allowMultipleLines": True}}]})
    items = f"sites/{site}/lists/Burst/items"
    acknowledged: dict[str, tuple[str, int]] = {}  # key -> (item id, version acknowledged)
    lock = threading.Lock()
    enough = threading.Event()

    def write(writer: int) -> None:
        with httpx.Client(base_url=lines["graph"] + "/", verify=context, headers=headers, timeout=10) as graph:
            for n in range(100_000):
                key = f"w{writer}-{n}"
                try:
                    created = graph.post(items, json={"fields": _expected(key, 1)})
                    if created.status_code != 201:
                        return
                    with lock:
                        acknowledged[key] = (created.json()["id"], 1)
                    patched = graph.patch(f"{items}/{created.json()['id']}/fields", json=_expected(key, 2))
                    if patched.status_code != 200:
                        return
                    with lock:
                        acknowledged[key] = (created.json()["id"], 2)
                        if len(acknowledged) >= KILL_AFTER:
                            enough.set()
                except httpx.HTTPError:
                    return

    def write_batches() -> None:
        with httpx.Client(base_url=lines["graph"] + "/", verify=context, headers=headers, timeout=10) as graph:
            for n in range(100_000):
                keys = [f"b{n}-{i}" for i in range(10)]
                requests = [{"id": key, "method": "POST", "url": "/" + items, "headers": {
                    "Content-Type": "application/json"}, "body": {"fields": _expected(key, 2)}} for key in keys]
                try:
                    answer = graph.post("$batch", json={"requests": requests})
                except httpx.HTTPError:
                    return
                if answer.status_code != 200:
                    return
                with lock:
                    for entry in answer.json()["responses"]:
                        if entry["status"] == 201:
                            acknowledged[entry["id"]] = (entry["body"]["id"], 2)

    threads = [threading.Thread(target=write, args=(w,)) for w in range(WRITERS)]
    threads.append(threading.Thread(target=write_batches))
    for thread in threads:
        thread.start()
    enough.wait(120)
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    for thread in threads:
        thread.join()
    process.stdout.close()

    with serve_in_thread(home) as server:
        with httpx.Client(base_url=server.graph_url + "/", verify=ssl.create_default_context(cafile=str(server.ca_path)),
                          headers=headers) as graph:
            stored, url = {}, f"{items}?expand=fields(select=RowKey,Title,Progress)&$top=500"
            while url:
                body = graph.get(url).json()
                stored.update({i["fields"]["RowKey"]: (i["id"], {k: i["fields"][k] for k in ("RowKey", "Title", "Progress")})
                               for i in body["value"]})
                url = body.get("@odata.nextLink")
    assert len(acknowledged) >= KILL_AFTER
    lost = [k for k in acknowledged if k not in stored]
    behind = [k for k, (item_id, version) in acknowledged.items()
              if k in stored and (stored[k][0] != item_id or stored[k][1] not in [_expected(k, v) for v in range(version, 3)])]
    torn = [k for k, (_, fields) in stored.items() if fields not in (_expected(k, 1), _expected(k, 2))]
    assert any(k.startswith("b") for k in acknowledged) and any(k.startswith("w") for k in acknowledged)
    assert ([], [], []) == (lost, behind, torn)
