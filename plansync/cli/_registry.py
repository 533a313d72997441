"""Imports every command module so that each registers its command on ``plansync.cli.main``.

One line per module: add yours here.
"""
