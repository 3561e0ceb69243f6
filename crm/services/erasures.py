"""Erasure: a person's data removed from a client record on request, with its audit row."""

from uuid import UUID

from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.api.exceptions import ApplicationError
from common.types import Id
from crm import events
from crm.choices import CLIENT_TRANSITIONS, ClientStatus
from crm.error_codes import CrmErrorCode
from crm.models import Activity, Client, Contact, Erasure, OutboxEvent
from crm.services.clients import _locked

DB = "crm"
ERASED_NAME = "Erased client"


def _merged_into(client: Client) -> list[Client]:
    """The archived duplicates merged into `client`, and those merged into them, locked."""
    found: list[Client] = []
    frontier: list[UUID] = [client.pk]
    while frontier:
        merged = list(
            Client.objects.using(DB).select_for_update().filter(merged_into_id__in=frontier)
        )
        found.extend(merged)
        frontier = [record.pk for record in merged]
    return found


def client_erase(*, client_id: Id, requested_by: str, reason: str) -> Erasure:
    """Right to be forgotten: the person's data goes (name, phone, e-mail, tax id, contacts,
    what the timeline says and the payloads of the CRM's own events, delivered or not: one
    still on its way goes out erased), from the record and from the duplicates once merged
    into it; the record,
    its status and how many entries of each kind its timeline had stay, and an audit row says
    who asked and why. The account link is dropped too: the account is accounts' to delete."""
    with transaction.atomic(using=DB):
        client = _locked(client_id)
        if client.erased_at is not None:
            raise ApplicationError(
                _("That client is erased already."), code=CrmErrorCode.CLIENT_ERASED, status=409
            )
        counts = dict(
            Activity.objects.using(DB)
            .filter(client=client)
            .values_list("kind")
            .annotate(n=Count("id"))
            .values_list("kind", "n")
        )
        contacts_removed, _deleted = Contact.objects.using(DB).filter(client=client).delete()
        Activity.objects.using(DB).filter(client=client).update(summary="", body="", details={})
        if client.status != ClientStatus.INACTIVE:
            CLIENT_TRANSITIONS.apply(client, ClientStatus.INACTIVE)
        now = timezone.now()
        for record in [client, *_merged_into(client)]:
            for name in ("email", "phone", "tax_id", "description"):
                setattr(record, name, "")
            record.name, record.user_id, record.erased_at = ERASED_NAME, None, now
            record.archived_at = record.archived_at or now
            record.save(using=DB)
            record.tags.clear()
            OutboxEvent.objects.using(DB).filter(aggregate_id=str(record.pk)).update(
                payload={"id": str(record.pk), "erased": True}
            )
        erasure = Erasure.objects.using(DB).create(
            client=client,
            requested_by=requested_by,
            reason=reason,
            activity_counts=counts,
            contacts_removed=contacts_removed,
        )
        events.CLIENT_UPDATED.emit(
            aggregate_id=client.pk, payload=events.client_payload(client, changed=["erased"])
        )
    return erasure
