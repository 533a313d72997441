"""plansync: keep an improvement action plan in Excel, validated, BRAG-rated and synced.

The application layer: the command functions (``plansync.commands``) that the CLI
(``plansync.cli``) and the Excel ribbon (``addin``) both call, the workbook adapters
(``plansync.workbook``), and the exception tree (``plansync.errors``). The pure core is the
``validation`` package; the Graph side is the ``sync`` package.
"""

from importlib.metadata import version

# One source for the version: pyproject.toml, as installed (sync and the templates read it the same way).
__version__ = version("plansync")
__all__ = ["__version__"]
