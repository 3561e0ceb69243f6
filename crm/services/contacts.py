"""A client's contacts: added and edited under the client's lock."""

from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from common.api.exceptions import ApplicationError
from common.error_codes import CommonErrorCode
from common.types import Id
from crm import events
from crm.error_codes import CrmErrorCode
from crm.models import Contact
from crm.services.clients import _live, _locked, _normalised

DB = "crm"


def contact_add(*, client_id: Id, **fields: Any) -> Contact:
    fields = _normalised(fields)
    with transaction.atomic(using=DB):
        client = _locked(client_id)
        _live(client)
        contact = Contact.objects.using(DB).create(client=client, **fields)
        events.CONTACT_ADDED.emit(aggregate_id=client.pk, payload=events.contact_payload(contact))
    return contact


def contact_update(*, contact_id: Id, **fields: Any) -> Contact:
    """Change a contact's details under its client's lock, as adding one takes it; the event
    names the fields changed (docs/events.md, "crm")."""
    fields = _normalised(fields)
    client_id = (
        Contact.objects.using(DB).filter(pk=contact_id).values_list("client_id", flat=True).first()
    )
    if client_id is None:
        raise ApplicationError(
            _("No such contact."), code=CrmErrorCode.CLIENT_NOT_FOUND, status=404
        )
    with transaction.atomic(using=DB):
        client = _locked(client_id)
        _live(client)
        contact = Contact.objects.using(DB).select_for_update().get(pk=contact_id)
        changed = [name for name, value in fields.items() if getattr(contact, name) != value]
        for name in changed:
            setattr(contact, name, fields[name])
        if not (contact.phone or contact.email):
            raise ApplicationError(
                _("Give a phone or an e-mail: a contact must be reachable."),
                code=CommonErrorCode.VALIDATION_ERROR,
                details={"phone": [_("Give a phone or an e-mail.")]},
            )
        if changed:
            contact.save(using=DB)
            events.CONTACT_UPDATED.emit(
                aggregate_id=client.pk, payload=events.contact_payload(contact, changed=changed)
            )
    return contact
