"""`plansync validate` and `plansync rag` start without what they never use (issue 14: a
1,000-action plan validated and rated in a second, start-up included).

openpyxl builds plansync's own new workbooks and costs a tenth of a second to import; httpx and
msal talk to the list. A command that reads and patches a team's plan needs none of them: each
run here is a fresh process, as a person runs the command.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

# The command as the console script runs it, then the heavy modules it loaded, one line.
_RUN = (
    "import sys\n"
    "from plansync.cli import main\n"
    "try:\n"
    "    main(sys.argv[1:], standalone_mode=False)\n"
    "except SystemExit:\n"
    "    pass\n"
    "print('loaded:' + ''.join(' ' + m for m in ('openpyxl', 'httpx', 'msal') if m in sys.modules))\n"
)


@pytest.mark.parametrize("command", [["validate"], ["rag", "--today", "2022-07-31"]])
def test_validate_and_rag_load_neither_openpyxl_nor_the_graph_client(make_plan, tmp_path: Path, command: list[str]):
    plan = make_plan(
        [
            {"plan": "P", "recommendation": "1. Safer care", "ref": "1.1", "action": "Audit", "lead": "QA", "target": "July 2022", "status": "Not started"},
            {"plan": "P", "recommendation": "1. Safer care", "ref": "1.2", "action": "Train", "lead": "QA", "target": "Jully 2022", "progress": "Complete - done"},
        ]
    )
    env = {**os.environ, "PLANSYNC_HOME": str(tmp_path / "home")}
    out = subprocess.run([sys.executable, "-c", _RUN, command[0], str(plan), *command[1:]], capture_output=True, text=True, env=env, check=True)

    assert out.stdout.splitlines()[-1] == "loaded:", out.stdout + out.stderr
    assert "Actions!" in out.stdout  # it really ran: the table names the plan's cells
