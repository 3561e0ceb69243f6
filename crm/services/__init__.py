"""Writes of the CRM: clients, contacts, the timeline, merging duplicates and erasing a
person on request. Every write runs in one transaction on the `crm` database and records its
event in the outbox (docs/events.md, "crm"). Clients in `clients.py`, their contacts in
`contacts.py`, the timeline (staff's entries and other apps' events) in `activities.py`,
merging duplicates in `merges.py`, the import of a file in `imports.py`, erasure in
`erasures.py`."""

from crm.services.activities import (
    activity_log,
    callback_request,
    client_for_user,
    timeline_record,
)
from crm.services.clients import (
    client_archive,
    client_create,
    client_take,
    client_update,
    normalise_email,
)
from crm.services.contacts import contact_add, contact_update
from crm.services.erasures import ERASED_NAME, client_erase
from crm.services.imports import clients_import, reachable_by
from crm.services.merges import client_merge

__all__ = [
    "ERASED_NAME",
    "activity_log",
    "callback_request",
    "client_archive",
    "client_create",
    "client_erase",
    "client_for_user",
    "client_merge",
    "client_take",
    "client_update",
    "clients_import",
    "contact_add",
    "contact_update",
    "normalise_email",
    "reachable_by",
    "timeline_record",
]
