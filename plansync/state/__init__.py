"""plansync's state inside a workbook, all in its one hidden sheet ``_plansync``.

- ``bookkeeping``: the sheet itself, read and written in one bulk call each (its layout is
  ``workbook_templates.hidden_sheet``, which the templates write too).
- ``sync_state``: per row key of a plan, what the last sync sent and where the list is.
- ``pull_state``: per list item of a reporting workbook, what the last pull read.
"""
