"""plansync: keep an improvement action plan in Excel, validated, BRAG-rated and synced.

The application layer: the command functions (``plansync.commands``) that the CLI
(``plansync.cli``) and the Excel ribbon (``addin``) both call, the workbook adapters
(``plansync.workbook``), and the exception tree (``plansync.errors``). The pure core is the
``validation`` package; the Graph side is the ``sync`` package.
"""

__all__ = ["__version__"]


def __getattr__(name: str) -> str:
    # ``__version__`` is read when asked for: looking it up imports importlib.metadata and scans
    # the installed packages, start-up cost every command would pay (`plansync --version` asks).
    if name == "__version__":
        from importlib.metadata import version

        # One source for the version: pyproject.toml, as installed (sync and the templates read it the same way).
        return version("plansync")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
