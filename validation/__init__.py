"""The pure core of plansync: DataFrames in, DataFrames out.

No openpyxl, xlwings, msal, HTTP, file I/O or print in this package. ``today`` and settings
are always parameters. Long work reports progress through an optional callback.
"""
