"""The local list server's public surface: sorted ``__all__`` everywhere, and the agreed names exported."""

from __future__ import annotations

import importlib
import pkgutil

import pytest

import sync.local_server

MODULES = sorted(m.name for m in pkgutil.iter_modules(sync.local_server.__path__))


def test_the_package_exports_what_the_other_parts_code_against():
    assert ["RunningServer", "TENANT", "create_app", "serve_in_thread"] == sync.local_server.__all__


@pytest.mark.parametrize("name", MODULES)
def test_each_module_has_a_sorted_all_of_names_it_defines(name):
    module = importlib.import_module(f"sync.local_server.{name}")
    assert sorted(module.__all__) == list(module.__all__)
    assert [] == [n for n in module.__all__ if not hasattr(module, n)]
