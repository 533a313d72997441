"""Every published plan in the corpus gives the figures its organisation published (issue 13)."""

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from plansync.cli import main

PLANS = Path(__file__).parent / "fixtures" / "plans"
EXPECTED = {k: v for k, v in json.loads((PLANS / "expected.json").read_text(encoding="utf-8")).items() if not k.startswith("_")}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_corpus_plan_gives_its_published_figures(name, tmp_path, monkeypatch):
    monkeypatch.setenv("PLANSYNC_HOME", str(tmp_path / "home"))
    want = EXPECTED[name]
    path = tmp_path / name
    shutil.copyfile(PLANS / name, path)
    result = CliRunner().invoke(main, ["report", str(path), "--today", want["as_of"], "--json"])
    assert 0 == result.exit_code, result.output
    got = json.loads(result.stdout)
    for key in ("recommendations", "actions", "complete", "fully_complete_recommendations"):
        if key in want:
            assert (key, want[key]) == (key, got[key])


def test_every_plan_built_from_a_document_is_rebuilt_as_committed(tmp_path):
    """The builder is the record of how each document's plan was laid out: it must still make them."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("build_plans", PLANS / "build_plans.py")
    builder = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(builder)
    from plansync.workbook.calamine_reader import read_grids

    built = {v["built_by"] for v in EXPECTED.values() if "built_by" in v}
    assert built == {f.__name__ for f in builder.BUILDERS.values()}
    for name, build in builder.BUILDERS.items():
        build(tmp_path / name)
        fresh = [(g.name, g.values) for g in read_grids(tmp_path / name)]
        kept = [(g.name, g.values) for g in read_grids(PLANS / name)]
        assert kept == fresh


def test_stockton_overdue_and_not_overdue_refs_as_published(tmp_path, monkeypatch):
    monkeypatch.setenv("PLANSYNC_HOME", str(tmp_path / "home"))
    path = tmp_path / "stockton.xlsx"
    shutil.copyfile(PLANS / "stockton_cp_2013.xlsx", path)
    result = CliRunner().invoke(main, ["report", str(path), "--today", "2013-09-18", "--json"])
    overdue = {o["ref"] for o in json.loads(result.stdout)["overdue"]}
    assert {"8.3", "11.1", "11.2", "12.3"} <= overdue
    assert not {"1.1", "1.7"} & overdue
