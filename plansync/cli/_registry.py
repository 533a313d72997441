"""Imports every command module so that each registers its command on ``plansync.cli._main.main``.

One line per module: add yours here.
"""
from plansync.cli import new  # noqa: E402,F401
from plansync.cli import validate  # noqa: E402,F401
from plansync.cli import rag  # noqa: E402,F401
from plansync.cli import serve  # noqa: E402,F401
from plansync.cli import sync  # noqa: E402,F401
from plansync.cli import auth  # noqa: E402,F401
from plansync.cli import adopt  # noqa: E402,F401
from plansync.cli import report  # noqa: E402,F401
from plansync.cli import addin  # noqa: E402,F401
from plansync.cli import pull  # noqa: E402,F401
from plansync.cli import refresh  # noqa: E402,F401
from plansync.cli import roles  # noqa: E402,F401
from plansync.cli import history  # noqa: E402,F401
