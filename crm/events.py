"""Events the CRM emits (docs/events.md). Payloads name the client and its state, never how to
reach the person: phones and e-mails stay in the CRM."""

from dataclasses import dataclass
from typing import Annotated, Literal

from common.events import DomainEvent
from common.events.payloads import (
    DateTime,
    NonEmpty,
    Schema,
    Uuid,
    described,
)
from crm.models import Activity, Client, Contact


# PAYLOADS (docs/events.md, "The contract")
# ------------------------------------------------------------------------------
@dataclass(frozen=True)
class _ClientPayload:
    """The fields every client payload below carries, in order."""

    id: Uuid = described("The client record.")
    type: Literal["individual", "organization"] = described("A person or an organisation.")
    name: NonEmpty = described('The client\'s name ("Erased client" once erased).')
    status: Literal["lead", "active", "inactive"] = described("The client's status.")
    source: Literal[
        "registration", "walk_in", "phone", "website", "referral", "event", "import", "other"
    ] = described("How the client came to the dealership.")
    tags: Annotated[list[NonEmpty], Schema(uniqueItems=True)] = described(
        "The client's tags, sorted by name."
    )
    user_id: Uuid | None = described("The client's user account, or null.")
    manager_id: Uuid | None = described(
        "The manager who looks after the client, or null for an unassigned lead."
    )
    archived: bool = described(
        "True once the record is archived (deleted from the lists, or merged into another)."
    )
    erased: bool = described("True once the person's data was erased.")


@dataclass(frozen=True)
class ClientCreated(_ClientPayload):
    """A client record was created: by staff, by an import, or for a newly registered
    account."""


@dataclass(frozen=True)
class ClientUpdated(_ClientPayload):
    """A client record changed: edited, taken by a manager, linked to an account, archived,
    merged or erased."""

    changed: Annotated[
        list[
            Literal[
                "type",
                "name",
                "industry",
                "description",
                "tax_id",
                "email",
                "phone",
                "tags",
                "status",
                "source",
                "user_id",
                "manager_id",
                "archived",
                "merged",
                "erased",
            ]
        ],
        Schema(minItems=1, uniqueItems=True),
    ] = described("What changed: the names of the fields changed, or archived, merged or erased.")


@dataclass(frozen=True)
class _ClientContactPayload:
    """The fields every client contact payload below carries, in order."""

    id: Uuid = described("The contact.")
    client_id: Uuid = described("The client the contact belongs to.")
    name: NonEmpty = described("The contact's name (personal data).")
    role: str = described("The contact's role at the client, e.g. fleet manager; may be empty.")
    preferred_channel: Literal["phone", "email", "sms", "messenger"] = described(
        "How the contact prefers to be reached."
    )


@dataclass(frozen=True)
class ClientContactAdded(_ClientContactPayload):
    """A contact person was added to a client."""


@dataclass(frozen=True)
class ClientContactUpdated(_ClientContactPayload):
    """A client's contact person was edited (never how to reach them: a changed phone or
    e-mail is named in `changed`, not given)."""

    changed: Annotated[
        list[Literal["name", "role", "phone", "email", "preferred_channel"]],
        Schema(minItems=1, uniqueItems=True),
    ] = described("The names of the fields changed.")


@dataclass(frozen=True)
class ClientActivityLogged:
    """Staff logged a call, meeting, e-mail or note on a client's timeline."""

    id: Uuid = described("The timeline entry.")
    client_id: Uuid = described("The client.")
    kind: Literal["call", "meeting", "email", "note"] = described(
        "What kind of contact it records."
    )
    summary: str = described("A one-line summary of it, as staff wrote it.")
    author_id: Uuid | None = described("The member of staff who logged it, or null.")
    occurred_at: DateTime = described("When it happened.")


# EVENT TYPES
# ------------------------------------------------------------------------------
CLIENT_CREATED = DomainEvent("client.created", payload=ClientCreated, app_label="crm")
CLIENT_UPDATED = DomainEvent("client.updated", payload=ClientUpdated, app_label="crm")
CONTACT_ADDED = DomainEvent("client.contact.added", payload=ClientContactAdded, app_label="crm")
CONTACT_UPDATED = DomainEvent(
    "client.contact.updated", payload=ClientContactUpdated, app_label="crm"
)
ACTIVITY_LOGGED = DomainEvent(
    "client.activity.logged", payload=ClientActivityLogged, app_label="crm"
)


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
