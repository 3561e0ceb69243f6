"""The sales report's CSV read back as rows: what a test of the report, or of whose sales
it shows, compares with the orders it made."""

import csv
import io

from backoffice.exports import ORDER_COLUMNS


def csv_read(response, delimiter: str = ",") -> list[list[str]]:
    """A Russian reader's file splits on ";", an English one's on ",": `delimiter`."""
    assert response.status_code == 200, response.content[:500]
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text), delimiter=delimiter))


def order_rows(rows: list[list[str]]) -> tuple[list[list[str]], list[str]]:
    """The orders of a CSV report and its total row."""
    assert rows[0] == [str(column) for column in ORDER_COLUMNS]
    end = next(i for i, row in enumerate(rows) if row and row[0] == "Total")
    return rows[1:end], rows[end]
