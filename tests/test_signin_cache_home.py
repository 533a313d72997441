"""The sign-in cache lives in $PLANSYNC_HOME when it is set, so tests and demos never touch the
person's own data folder; otherwise in the per-user data folder."""

from __future__ import annotations

import json
from pathlib import Path

import platformdirs
from click.testing import CliRunner

from plansync.cli import main
from sync.signin_cache import cache_path


def test_with_plansync_home_the_cache_is_inside_it(tmp_path):
    assert tmp_path / "token_cache.bin" == cache_path({"PLANSYNC_HOME": str(tmp_path)})


def test_an_explicit_cache_file_still_wins_over_plansync_home(tmp_path):
    env = {"PLANSYNC_HOME": str(tmp_path / "home"), "PLANSYNC_TOKEN_CACHE": str(tmp_path / "mine.bin")}
    assert tmp_path / "mine.bin" == cache_path(env)


def test_without_either_the_cache_is_in_the_per_user_data_folder():
    assert Path(platformdirs.user_data_dir("plansync", appauthor=False)) / "token_cache.bin" == cache_path({})


def test_a_sync_with_plansync_home_keeps_the_sign_in_there(tmp_path, monkeypatch):
    home = tmp_path / "home"
    monkeypatch.setenv("PLANSYNC_HOME", str(home))
    for name in ("PLANSYNC_CA_FILE", "PLANSYNC_TOKEN_CACHE", "PLANSYNC_GRAPH_URL"):
        monkeypatch.delenv(name, raising=False)
    path = tmp_path / "plan.xlsx"
    assert 0 == CliRunner().invoke(main, ["new", str(path), "--demo"]).exit_code
    synced = CliRunner().invoke(main, ["sync", str(path), "--as", "business.support@rotherham.example", "--json"])
    assert 0 == synced.exit_code, synced.output
    assert 64 == json.loads(synced.stdout)["created"]
    assert (home / "token_cache.bin").is_file()
