"""The import of clients from a file: the validated rows written at once, and every phone
and e-mail the CRM knows, for the check of the rows."""

from typing import Any

from django.db import transaction

from common.types import Id
from crm import events
from crm.models import Client, Contact, Tag
from crm.services.clients import _normalised

DB = "crm"


def clients_import(rows: list[dict[str, Any]], *, manager_id: Id | None = None) -> int:
    """Create a client for each validated row (the fields of `client_create`, with `tags`) in
    one transaction: all of them, or none."""
    rows = [_normalised(dict(row)) for row in rows]
    tag_lists = [set(row.pop("tags", ())) for row in rows]
    with transaction.atomic(using=DB):
        clients = Client.objects.using(DB).bulk_create(
            Client(manager_id=manager_id, **row) for row in rows
        )
        names = set().union(*tag_lists)
        for name in names:
            Tag.objects.using(DB).get_or_create(name=name)
        tags = dict(Tag.objects.using(DB).filter(name__in=names).values_list("name", "pk"))
        Client.tags.through.objects.using(DB).bulk_create(
            Client.tags.through(client_id=client.pk, tag_id=tags[name])
            for client, names_of_row in zip(clients, tag_lists, strict=True)
            for name in names_of_row
        )
        created = Client.objects.using(DB).filter(pk__in=[c.pk for c in clients])
        for client in created.prefetch_related("tags"):
            events.CLIENT_CREATED.emit(
                aggregate_id=client.pk, payload=events.client_payload(client)
            )
    return len(clients)


def reachable_by() -> tuple[set[str], set[str]]:
    """Every phone and e-mail the CRM knows, on clients and contacts (for an import to refuse
    rows that duplicate them)."""
    phones: set[str] = set()
    emails: set[str] = set()
    for model in (Client, Contact):
        for phone, email in model.objects.using(DB).values_list("phone", "email"):
            phones.add(str(phone or ""))
            emails.add(email)
    return phones - {""}, emails - {""}
