"""Cells of the files staff download (the admin's exports, the sales report, the CRM's CSV):
a text cell that a spreadsheet would run as a formula is written as text, with a leading `'`
(docs/security.md lists it among the review's fixes; docs/admin.md, "Lists")."""

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
FORMULA_ESCAPE = "'"


def cell_escape(value: str) -> str:
    """The cell as a spreadsheet shows it as text, never runs it as a formula."""
    return FORMULA_ESCAPE + value if value.startswith(FORMULA_STARTS) else value


def cell_unescape(value: str) -> str:
    escaped = value.startswith(FORMULA_ESCAPE) and value[1:].startswith(FORMULA_STARTS)
    return value[1:] if escaped else value
