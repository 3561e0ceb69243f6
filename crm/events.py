"""Events the CRM emits (docs/events.md). Payloads name the client and its state, never how to
reach the person: phones and e-mails stay in the CRM."""

from common.events import DomainEvent
from crm.models import Activity, Client, Contact

CLIENT_CREATED = DomainEvent("client.created", app_label="crm")
CLIENT_UPDATED = DomainEvent("client.updated", app_label="crm")
CONTACT_ADDED = DomainEvent("client.contact.added", app_label="crm")
CONTACT_UPDATED = DomainEvent("client.contact.updated", app_label="crm")
ACTIVITY_LOGGED = DomainEvent("client.activity.logged", app_label="crm")


def client_payload(client: Client, **extra) -> dict:
    return {
        "id": str(client.pk),
        "type": client.type,
        "name": client.name,
        "status": client.status,
        "source": client.source,
        "tags": sorted(tag.name for tag in client.tags.all()),
        "user_id": str(client.user_id) if client.user_id else None,
        "manager_id": str(client.manager_id) if client.manager_id else None,
        "archived": client.archived_at is not None,
        "erased": client.erased_at is not None,
        **extra,
    }


def contact_payload(contact: Contact, **extra) -> dict:
    return {
        "id": str(contact.pk),
        "client_id": str(contact.client_id),
        "name": contact.name,
        "role": contact.role,
        "preferred_channel": contact.preferred_channel,
        **extra,
    }


def activity_payload(activity: Activity) -> dict:
    return {
        "id": str(activity.pk),
        "client_id": str(activity.client_id),
        "kind": activity.kind,
        "summary": activity.summary,
        "author_id": str(activity.author_id) if activity.author_id else None,
        "occurred_at": activity.occurred_at.isoformat(),
    }
