"""Clients in and out of CSV files (`manage.py crm_import`, `crm_export`). A row is validated
exactly as the API validates a request body (crm/api/serializers.py), and a row whose phone or
e-mail the CRM knows already is refused: importing a file twice adds nothing.

A spreadsheet runs a cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage return as a
formula, and names are self-registered: the export prefixes every such cell with `'` (CSV
injection, docs/security.md "CSV exports"), phone numbers (`'+7916…`) included, so that one
rule covers every column. The import takes the prefix off again: an export reads back as it
was."""

import csv
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils.translation import gettext as _

from common.spreadsheets import QUOTING, cell_escape, cell_unescape
from crm import services
from crm.api.serializers import ClientInputSerializer
from crm.models import Client

COLUMNS = [
    "type",
    "name",
    "email",
    "phone",
    "industry",
    "description",
    "tax_id",
    "tags",
    "status",
    "source",
]
EXPORT_ONLY = ["id", "manager_id", "user_id", "created_at", "last_activity_at", "archived_at"]
TAG_SEPARATOR = ";"


@dataclass
class ImportReport:
    rows: int = 0
    valid: list[dict] = field(default_factory=list)
    rejected: list[tuple[int, dict]] = field(default_factory=list)  # (line, {field: [why]})
    imported: int = 0


class UnreadableFile(Exception):
    pass


def _row_data(row: dict) -> dict:
    cells = {
        name: cell_unescape(value).strip()
        for name, value in row.items()
        if name in COLUMNS and value
    }
    data: dict[str, str | list[str]] = {**cells}
    data.setdefault("source", "import")
    if "tags" in cells:
        data["tags"] = [tag.strip() for tag in cells["tags"].split(TAG_SEPARATOR) if tag.strip()]
    return data


def _messages(errors) -> list[str]:
    """A field's errors, flat: a list's are keyed by the item's index."""
    if isinstance(errors, dict):
        return [f"item {key + 1}: {m}" for key, why in errors.items() for m in _messages(why)]
    return [str(error) for error in errors]


def clients_read(lines) -> ImportReport:
    """Validate every row; nothing is written."""
    reader = csv.DictReader(lines)
    headers = set(reader.fieldnames or [])
    unknown = headers - set(COLUMNS) - set(EXPORT_ONLY)
    if "name" not in headers or unknown:
        raise UnreadableFile(
            _("The header must name the columns %(columns)s (name at least); unknown: %(unknown)s.")
            % {"columns": ", ".join(COLUMNS), "unknown": ", ".join(sorted(unknown)) or _("none")}
        )
    phones, emails = services.reachable_by()  # and, as rows are read, theirs
    report = ImportReport()
    for row in reader:
        report.rows += 1
        if None in row:  # more cells than headers
            report.rejected.append((reader.line_num, {"row": [_("More cells than columns.")]}))
            continue
        serializer = ClientInputSerializer(data=_row_data(row))
        if not serializer.is_valid():
            errors = {name: _messages(why) for name, why in serializer.errors.items()}
            report.rejected.append((reader.line_num, errors))
            continue
        data = serializer.validated_data
        phone, email = str(data["phone"] or ""), services.normalise_email(data["email"])
        known = [
            name
            for name, value, seen in (("phone", phone, phones), ("email", email, emails))
            if value and value in seen
        ]
        if known:
            why = _("The CRM, or an earlier row, has a client with it already.")
            report.rejected.append((reader.line_num, {name: [why] for name in known}))
            continue
        phones.add(phone)
        emails.add(email)
        report.valid.append(dict(data))
    return report


def clients_import(lines, *, dry_run: bool, manager_id=None) -> ImportReport:
    report = clients_read(lines)
    if not dry_run and report.valid:
        report.imported = services.clients_import(report.valid, manager_id=manager_id)
    return report


def _pages(clients, size: int = 500):
    """`clients` (ordered by created_at, id) a page at a time, each page one short query
    after the last one's key: no cursor stays open between pages, so the export streams the
    same straight to PostgreSQL and behind PgBouncer, whose transaction pooling allows no
    server-side cursor (docs/operations.md, "Connections")."""
    page = list(clients[:size])
    while page:
        yield page
        last = page[-1]
        after = Q(created_at__gt=last.created_at) | Q(created_at=last.created_at, id__gt=last.id)
        page = list(clients.filter(after)[:size])


def clients_write(out, *, archived: bool) -> int:
    writer = csv.writer(out, quoting=QUOTING)
    writer.writerow([*COLUMNS, *EXPORT_ONLY])
    clients = Client.objects.prefetch_related("tags").order_by("created_at", "id")
    if not archived:
        clients = clients.filter(archived_at__isnull=True)
    count = 0
    for client in (client for page in _pages(clients) for client in page):
        tags = TAG_SEPARATOR.join(sorted(tag.name for tag in client.tags.all()))
        values = {
            **{name: getattr(client, name) for name in COLUMNS if name != "tags"},
            "tags": tags,
        }
        cells = [str(values[name] or "") for name in COLUMNS] + [
            str(getattr(client, name) or "") for name in EXPORT_ONLY
        ]
        writer.writerow([cell_escape(cell) for cell in cells])
        count += 1
    return count
