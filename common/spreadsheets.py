"""Cells of the files staff download (the admin's exports, the sales report, the CRM's CSV):
a text cell that a spreadsheet would run as a formula is written as text, with a leading `'`
(docs/security.md, "CSV exports"; docs/admin.md, "Lists"). A spreadsheet may split a CSV
cell on another separator than the file's (a Russian-locale one splits on `;`), so a
formula start after any separator is escaped too, and every CSV field is quoted (`QUOTING`).
One helper for every export."""

import csv
import re
from typing import Final, Literal

# Every field of a CSV export quoted: a separator inside a cell stays inside it.
QUOTING: Final[Literal[1]] = csv.QUOTE_ALL

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
FORMULA_ESCAPE = "'"


# In an XLSX file a text cell is text whatever it starts with; only openpyxl makes a formula
# of a string that starts with "=".
XLSX_FORMULA_STARTS = ("=",)


_AFTER_SEPARATOR = re.compile(r"([;,\t])(?=[=+\-@\t\r])")
_ESCAPED_AFTER_SEPARATOR = re.compile(r"([;,\t])'(?=[=+\-@\t\r])")


def cell_escape(value: str, starts: tuple[str, ...] = FORMULA_STARTS) -> str:
    """The cell as a spreadsheet shows it as text, never runs it as a formula: escaped at
    its start and, in a CSV cell (`starts` the CSV's), after every separator a spreadsheet
    might split it on."""
    if starts == FORMULA_STARTS:
        value = _AFTER_SEPARATOR.sub(r"\1" + FORMULA_ESCAPE, value)
    return FORMULA_ESCAPE + value if value.startswith(starts) else value


def cell_unescape(value: str) -> str:
    """A CSV cell as it was before `cell_escape`."""
    value = _ESCAPED_AFTER_SEPARATOR.sub(r"\1", value)
    escaped = value.startswith(FORMULA_ESCAPE) and value[1:].startswith(FORMULA_STARTS)
    return value[1:] if escaped else value
