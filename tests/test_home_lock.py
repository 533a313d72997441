"""Several plansync commands starting at once on one fresh data folder (issue 19).

Before the set-up lock, two first commands at once failed six times in ten: tracebacks, "database
is locked", a server key beside the other process's certificate, and a folder left broken. Here
four real processes start at once on a fresh PLANSYNC_HOME; every one must succeed, the
list must hold each plan's rows exactly once, and the folder must work afterwards.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from sync.home_lock import SetupLockTimeout, setup_lock
from sync.local_server import serve_in_thread
from sync.local_server.tls import TlsFiles, server_context
from synced_plans import ANN, action_row, client, tracker

PROCESSES = 4
_CLI = "import sys; from plansync.cli import main; sys.exit(main())"


def plan_book(path: Path, plan: str, rows: int = 5) -> Path:
    return tracker(path, [action_row(f"1.{n}", action=f"Action {n} of {plan}") for n in range(1, rows + 1)], plan=plan)


def start_at_once(home: Path, books: list[Path]) -> list[subprocess.CompletedProcess]:
    env = {**os.environ, "PLANSYNC_HOME": str(home)}
    env.pop("PLANSYNC_CA_FILE", None)
    env.pop("PLANSYNC_TOKEN_CACHE", None)
    procs = [
        subprocess.Popen([sys.executable, "-c", _CLI, "sync", str(b), "--as", ANN], env=env,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for b in books
    ]
    outputs = [p.communicate(timeout=300) for p in procs]
    return [subprocess.CompletedProcess(p.args, p.returncode, out, err) for p, (out, err) in zip(procs, outputs)]


def test_commands_starting_at_once_on_a_fresh_data_folder_all_succeed(tmp_path):
    home = tmp_path / "home"
    books = [plan_book(tmp_path / f"plan{n}.xlsx", f"Plan {n}") for n in range(PROCESSES)]
    done = start_at_once(home, books)
    assert [0] * PROCESSES == [d.returncode for d in done], [d.stderr for d in done]
    assert not any("Traceback" in d.stderr or "locked" in d.stderr for d in done)
    # One key and one certificate, made for each other: the server can present it.
    tls = home / "tls"
    server_context(TlsFiles(tls / "ca.pem", tls / "server.pem", tls / "server-key.pem"))
    # The folder works afterwards, and the list holds every plan's rows exactly once.
    with serve_in_thread(home) as server, client(server) as gc:
        site = gc.get_site(None, "/sites/plansync")
        lst = gc.get_list(site["id"], "Actions")
        keys = [i["fields"]["RowKey"] for i in gc.iter_items(site["id"], lst["id"])]
    assert sorted(keys) == sorted(f"plan-{n}:1.{r}" for n in range(PROCESSES) for r in range(1, 6))


def test_a_process_waits_for_the_set_up_lock_and_says_so_when_it_waits_too_long(tmp_path):
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import sys, time; from sync.home_lock import setup_lock\n"
         f"with setup_lock({str(tmp_path)!r}):\n    print('held', flush=True); time.sleep(30)"],
        stdout=subprocess.PIPE, text=True)
    try:
        assert "held" == holder.stdout.readline().strip()
        with pytest.raises(SetupLockTimeout) as err:
            with setup_lock(tmp_path, timeout=0.2):
                pass
        assert str(err.value).startswith(f"Another plansync command has been setting up the data folder {tmp_path}")
    finally:
        holder.kill()
        holder.communicate()
    # The OS let go of the lock with the process: nothing is left locked.
    with setup_lock(tmp_path, timeout=5):
        pass
