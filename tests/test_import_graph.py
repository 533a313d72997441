"""Imports point down the layers (docs/architecture.md), and no modules import each other in a loop.

Every import counts, at the top of a module or inside a function: an import placed in a function
to dodge a loop is still the loop.
"""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("validation", "sync", "plansync", "addin", "workbook_templates")

# Lowest first. A module belongs to the first layer one of whose prefixes its dotted name starts with.
LAYERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("core", ("validation",)),
    (
        "adapters",
        (
            "sync",
            "plansync.workbook",
            "plansync.state.bookkeeping",  # the hidden sheet's format, over the workbook seam
            "workbook_templates",
            "addin.xlwings_book",
            "addin.xlwings_format",
            "addin.text_prefix",
            "addin.gap_cells",
            "addin.build",
            "addin.cfb",
            "addin.ovba",
            "addin.install",
        ),
    ),
    ("CLI and ribbon", ("plansync.cli", "addin.cli", "addin.buttons")),
    ("commands", ("plansync",)),  # the rest of plansync: commands, errors, sheets, state
)
ORDER = {"core": 0, "adapters": 1, "commands": 2, "CLI and ribbon": 3}


def _modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            parts = path.relative_to(ROOT).with_suffix("").parts
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            found[name] = path
    return found


def _layer(module: str) -> str:
    for layer, prefixes in LAYERS:
        if any(module == prefix or module.startswith(prefix + ".") for prefix in prefixes):
            return layer
    raise AssertionError(f"{module} is in no layer: add it to LAYERS")


def _imports(path: Path, module: str, modules: dict[str, Path]) -> set[str]:
    """The modules of ours that ``module`` imports anywhere in its text."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    out = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1] + ([base] if base else []))
            for alias in node.names:
                out.add(f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base)
    return {name for name in out if name in modules and name != module}


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    return {name: _imports(path, name, modules) for name, path in modules.items()}


def test_every_import_points_down_the_layers_or_stays_in_its_layer():
    upward = sorted(
        f"{module} ({_layer(module)}) imports {target} ({_layer(target)})"
        for module, targets in _graph().items()
        for target in targets
        if ORDER[_layer(target)] > ORDER[_layer(module)]
    )
    assert [] == upward


def _reach(graph: dict[str, set[str]], start: str) -> set[str]:
    seen, todo = set(), [start]
    while todo:
        for target in graph[todo.pop()] - seen:
            seen.add(target)
            todo.append(target)
    return seen


def test_no_modules_import_each_other_in_a_loop():
    graph = _graph()
    reach = {module: _reach(graph, module) for module in graph}
    # Modules that reach each other through imports: each loop listed once, as its sorted members.
    loops = {tuple(sorted(m for m in reach[module] if module in reach[m])) for module in graph if module in reach[module]}
    assert [] == sorted(loops)
