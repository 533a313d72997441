"""``plansync serve`` and ``python -m sync.local_server`` print three ready lines and serve."""

from __future__ import annotations

import re
import signal
import ssl
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from sync.local_server import TENANT


def _run(command: list[str], home) -> list[str]:
    process = subprocess.Popen(command + ["--home", str(home), "--port", "0"], stdout=subprocess.PIPE, text=True)
    try:
        lines = [process.stdout.readline().rstrip("\n") for _ in range(3)]
        ca = lines[2].removeprefix("ca: ")
        status = httpx.get(lines[0].removeprefix("graph: ") + "/sites/root",
                           verify=ssl.create_default_context(cafile=ca)).status_code
        assert 401 == status
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(30)
        process.stdout.close()
    assert 0 == process.returncode
    return lines


@pytest.mark.parametrize("command", [[sys.executable, "-m", "sync.local_server"],
                                     [str(Path(sys.executable).parent / "plansync"), "serve"]])
def test_server_prints_graph_authority_and_ca_then_serves_until_stopped(tmp_path, command):
    lines = _run(command, tmp_path / "home")
    assert re.fullmatch(r"graph: https://127\.0\.0\.1:\d+/v1\.0", lines[0])
    assert re.fullmatch(rf"authority: https://127\.0\.0\.1:\d+/{TENANT}", lines[1])
    assert f"ca: {tmp_path / 'home' / 'tls' / 'ca.pem'}" == lines[2]


def test_home_defaults_to_plansync_home(tmp_path):
    from sync.local_server.__main__ import default_home

    assert tmp_path == default_home({"PLANSYNC_HOME": str(tmp_path)})


def test_a_port_in_use_is_reported_with_what_to_do(tmp_path):
    from click.testing import CliRunner

    from plansync.cli import main
    from sync.local_server import serve_in_thread

    with serve_in_thread(tmp_path / "first") as first:
        result = CliRunner().invoke(main, ["serve", "--home", str(tmp_path / "second"), "--port", str(first.port)])
    assert (1, f"Error: Port {first.port} on 127.0.0.1 is already in use (perhaps another plansync serve). Stop that "
            "server, or choose another port with --port (0 picks a free one).\n") == (result.exit_code, result.output)
