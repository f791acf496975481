"""Cells of the CSV files the app exports (the statement, the audit log).

A spreadsheet runs a cell that starts with ``=``, ``+``, ``-`` or ``@`` as a formula (and some
also after a leading tab or carriage return), so a provider name such as
``=HYPERLINK("http://…")`` from an operator's file would become a live link or worse in the
member's or supervisor's spreadsheet.  Such cells get a leading ``'``, which spreadsheets show
as text.
"""

from __future__ import annotations

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value) -> str:
    """A cell that a spreadsheet will not run as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text
