"""Cells of the files staff download (the admin's exports, the sales report, the CRM's CSV):
a text cell that a spreadsheet would run as a formula is written as text, with a leading `'`
(docs/security.md lists it among the review's fixes; docs/admin.md, "Lists")."""

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
FORMULA_ESCAPE = "'"


# In an XLSX file a text cell is text whatever it starts with; only openpyxl makes a formula
# of a string that starts with "=".
XLSX_FORMULA_STARTS = ("=",)


def cell_escape(value: str, starts: tuple[str, ...] = FORMULA_STARTS) -> str:
    """The cell as a spreadsheet shows it as text, never runs it as a formula."""
    return FORMULA_ESCAPE + value if value.startswith(starts) else value


def cell_unescape(value: str) -> str:
    escaped = value.startswith(FORMULA_ESCAPE) and value[1:].startswith(FORMULA_STARTS)
    return value[1:] if escaped else value
