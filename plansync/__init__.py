"""plansync: keep an improvement action plan in Excel, validated, BRAG-rated and synced.

The application layer: the command functions (``plansync.commands``) that the CLI
(``plansync.cli``) and the Excel ribbon (``addin``) both call, the workbook adapters
(``plansync.workbook``), and the exception tree (``plansync.errors``). The pure core is the
``validation`` package; the Graph side is the ``sync`` package.
"""

__version__ = "0.1.0"
__all__ = ["__version__"]
