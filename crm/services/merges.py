"""Duplicates: one client record folded into another, nothing deleted."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.api.exceptions import ApplicationError
from common.types import Actor, Id
from crm import events
from crm.choices import CLIENT_TRANSITIONS, ActivityKind, ClientStatus, ClientType
from crm.error_codes import CrmErrorCode
from crm.models import Activity, Client, Contact
from crm.services.activities import _activity_add
from crm.services.clients import _live, _tags_set

DB = "crm"

# What a merge copies from the duplicate where the surviving record has nothing.
_FILLED_ON_MERGE = ("industry", "description", "tax_id", "email", "phone", "manager_id")


def client_merge(*, actor: Actor, client_id: Id, duplicate_id: Id) -> Client:
    """Fold `duplicate_id` into `client_id`: its contacts and timeline move over, what the
    survivor lacks is copied, its own phone and e-mail become a contact if they differ, and
    the duplicate is archived pointing at the survivor. Nothing is deleted."""
    if str(client_id) == str(duplicate_id):
        raise ApplicationError(
            _("A client cannot be merged with itself."), code=CrmErrorCode.MERGE_INVALID
        )
    with transaction.atomic(using=DB):
        locked = {
            str(c.pk): c
            for c in Client.objects.using(DB)
            .select_for_update()
            .filter(pk__in=[client_id, duplicate_id])
            .order_by("pk")
        }
        if len(locked) != 2:
            raise ApplicationError(
                _("No such client."), code=CrmErrorCode.CLIENT_NOT_FOUND, status=404
            )
        client, duplicate = locked[str(client_id)], locked[str(duplicate_id)]
        _live(client)
        _live(duplicate)
        if client.user_id and duplicate.user_id:
            raise ApplicationError(
                _("Both records belong to different accounts; they are two people."),
                code=CrmErrorCode.MERGE_INVALID,
                status=409,
            )
        contacts = Contact.objects.using(DB).filter(client=duplicate).update(client=client)
        activities = Activity.objects.using(DB).filter(client=duplicate).update(client=client)
        _merge_reachability(client, duplicate)
        for name in _FILLED_ON_MERGE:
            if not getattr(client, name):
                setattr(client, name, getattr(duplicate, name))
        if client.type == ClientType.INDIVIDUAL and len(client.tax_id) == 10:
            client.tax_id = ""  # an organisation's: it stays on the archived duplicate
        if client.status == ClientStatus.LEAD and duplicate.status == ClientStatus.ACTIVE:
            CLIENT_TRANSITIONS.apply(client, ClientStatus.ACTIVE)
        user_id, duplicate.user_id = duplicate.user_id, None
        duplicate.archived_at = timezone.now()
        duplicate.merged_into = client
        duplicate.save(using=DB)  # frees the account before the survivor takes it
        client.user_id = client.user_id or user_id
        client.save(using=DB)
        _tags_set(client, [t.name for t in (*client.tags.all(), *duplicate.tags.all())])
        _activity_add(
            client,
            kind=ActivityKind.MERGED,
            summary=f"Merged with {duplicate.name}",
            author_id=actor.pk,
            occurred_at=timezone.now(),
            source_type="client",
            source_id=str(duplicate.pk),
            details={"contacts_moved": contacts, "activities_moved": activities},
        )
        for merged in (duplicate, client):
            events.CLIENT_UPDATED.emit(
                aggregate_id=merged.pk,
                payload=events.client_payload(merged, changed=["merged"]),
            )
    return client


def _merge_reachability(client: Client, duplicate: Client) -> None:
    """The duplicate's own phone and e-mail stay reachable: as the survivor's if it has none,
    else as a contact of the survivor's (unless one has them already)."""
    phone = duplicate.phone if client.phone and duplicate.phone != client.phone else ""
    email = duplicate.email if client.email and duplicate.email != client.email else ""
    contacts = Contact.objects.using(DB).filter(client=client)
    if phone and contacts.filter(phone=phone).exists():
        phone = ""
    if email and contacts.filter(email=email).exists():
        email = ""
    if phone or email:
        Contact.objects.using(DB).create(
            client=client,
            name=duplicate.name,
            role="From a merged record",
            phone=phone,
            email=email,
        )
