"""A client's timeline: the entries staff log, and those written from other apps' events on
the client of the account they are about, found, linked or made as a lead."""

from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import selectors as accounts_selectors
from common.events import Event
from common.types import Actor, Id
from crm import events
from crm.choices import CLIENT_TRANSITIONS, ActivityKind, ClientSource, ClientStatus
from crm.models import Activity, Client
from crm.services.clients import _live, _locked, lead_manager_pick, normalise_email

DB = "crm"


def _activity_add(client: Client, **fields: Any) -> Activity:
    activity = Activity.objects.using(DB).create(client=client, **fields)
    _last_activity_note(activity)
    return activity


def _last_activity_note(activity: Activity) -> None:
    """Move the client's `last_activity_at` forward, never back: one conditional UPDATE, so
    entries written at once for one client cannot lose each other's."""
    Client.objects.using(DB).filter(
        Q(last_activity_at__lt=activity.occurred_at) | Q(last_activity_at__isnull=True),
        pk=activity.client_id,
    ).update(last_activity_at=activity.occurred_at)


def activity_log(
    *,
    client_id: Id,
    author: Actor,
    kind: str,
    summary: str,
    body: str = "",
    occurred_at: datetime | None = None,
) -> Activity:
    """A call, meeting, e-mail or note, by a member of staff."""
    with transaction.atomic(using=DB):
        client = _locked(client_id)
        _live(client)
        activity = _activity_add(
            client,
            kind=kind,
            summary=summary,
            body=body,
            author_id=author.pk,
            occurred_at=occurred_at or timezone.now(),
        )
        events.ACTIVITY_LOGGED.emit(
            aggregate_id=client.pk, payload=events.activity_payload(activity)
        )
    return activity


# THE TIMELINE FROM OTHER APPS' EVENTS
# ------------------------------------------------------------------------------
def client_for_user(user_id: Id) -> Client | None:
    """The client record of an account: the one linked to it; else an unlinked record with the
    account's e-mail, which it now links (a walk-in who registers later is not duplicated);
    else a new lead. A lead nobody looks after is given a manager (`lead_manager_pick`).
    None when the account no longer exists. Call inside atomic(using=DB)."""
    client = Client.objects.using(DB).filter(user_id=user_id).first()
    if client is not None:
        return client
    card = accounts_selectors.user_card(user_id=user_id)
    if card is None:
        return None
    email = normalise_email(card.email)
    match = (
        Client.objects.using(DB)
        .select_for_update()
        .filter(email=email, user_id__isnull=True, archived_at__isnull=True)
        .order_by("created_at")
        .first()
    )
    try:
        with transaction.atomic(using=DB):
            if match is not None:
                match.user_id = user_id
                match.phone = match.phone or card.phone
                changed = ["user_id"]
                if match.manager_id is None:  # a walk-in nobody took: now someone's
                    match.manager_id = lead_manager_pick()
                    match.assigned_at = timezone.now() if match.manager_id else None
                    changed += ["manager_id"] if match.manager_id else []
                match.save(
                    using=DB,
                    update_fields=["user_id", "phone", "manager_id", "assigned_at", "updated_at"],
                )
                events.CLIENT_UPDATED.emit(
                    aggregate_id=match.pk,
                    payload=events.client_payload(match, changed=changed),
                )
                return match
            return _lead_create(
                name=card.full_name or email,
                email=email,
                phone=card.phone,
                source=ClientSource.REGISTRATION,
                user_id=user_id,
                city=card.city,
            )
    except IntegrityError:  # another event of the same account linked one first
        return Client.objects.using(DB).get(user_id=user_id)


def _lead_create(*, city: str = "", **fields: Any) -> Client:
    """A lead that came in by itself, given a manager (`lead_manager_pick`): of its
    showroom's when it names one, else of its `city`'s. Call inside atomic(using=DB)."""
    manager_id = lead_manager_pick(showroom_id=fields.get("showroom_id"), city=city)
    client = Client.objects.using(DB).create(
        **fields, manager_id=manager_id, assigned_at=timezone.now() if manager_id else None
    )
    events.CLIENT_CREATED.emit(aggregate_id=client.pk, payload=events.client_payload(client))
    return client


def _account_client_locked(user_id: Id) -> Client | None:
    """The account's client, locked, and still the account's once locked: a merge or an
    erasure that held the lock may have moved the account elsewhere meanwhile."""
    for _attempt in range(3):
        client = client_for_user(user_id)
        if client is None:
            return None
        locked = (
            Client.objects.using(DB).select_for_update().filter(pk=client.pk, user_id=user_id)
        ).first()
        if locked is not None:
            return locked
    raise RuntimeError(f"The client of account {user_id} keeps moving; the delivery retries.")


def timeline_record(
    *,
    user_id: Id,
    event: Event,
    kind: str,
    source_type: str,
    summary: str,
    bought: bool = False,
    showroom_id: Id | None = None,
    lead_source: str = "",
) -> Activity | None:
    """One timeline entry for another app's event about an account, at most once per event.
    The entry is dated when the event happened, so the timeline keeps the order of events
    however they arrive. `bought`: the event is money paid or an order paid, which makes a
    lead or a lapsed client an active customer (docs/crm.md, "Statuses"). `showroom_id`: the
    showroom of the car it is about, which a client of none takes (`lead_route`).
    `lead_source`: an order's source, which a client of none takes (docs/feeds.md)."""
    client = _account_client_locked(user_id)
    if client is None:
        return None
    lead_route(client, showroom_id)
    if lead_source and not client.lead_source:
        client.lead_source = lead_source[:40]
        client.save(using=DB, update_fields=["lead_source", "updated_at"])
    if bought and client.status != ClientStatus.ACTIVE:
        CLIENT_TRANSITIONS.apply(client, ClientStatus.ACTIVE)
        client.save(using=DB, update_fields=["status", "updated_at"])
    activity, _created = Activity.objects.using(DB).get_or_create(
        event_id=event.id,
        defaults={
            "client": client,
            "kind": kind,
            "summary": summary,
            "occurred_at": event.occurred,
            "source_type": source_type,
            "source_id": str(event.payload.get("id", event.aggregate_id)),
            "details": event.payload,
        },
    )
    _last_activity_note(activity)
    return activity


def lead_route(client: Client, showroom_id: Id | None) -> None:
    """A client of no showroom yet takes the showroom of the car they ask about or order; a
    lead whose manager does not work there goes to one who does, in turn (docs/crm.md,
    "Assignment"). Call inside atomic(using=DB), the client locked."""
    if showroom_id is None or client.showroom_id is not None:
        return
    client.showroom_id = showroom_id
    fields = ["showroom_id", "updated_at"]
    working = accounts_selectors.manager_ids_active(showroom_ids=[showroom_id])
    if client.status == ClientStatus.LEAD and client.manager_id not in working:
        manager_id = lead_manager_pick(showroom_id=showroom_id)
        if manager_id is not None:
            client.manager_id, client.assigned_at = manager_id, timezone.now()
            fields += ["manager_id", "assigned_at"]
    client.save(using=DB, update_fields=fields)
    if "manager_id" in fields:
        events.CLIENT_UPDATED.emit(
            aggregate_id=client.pk, payload=events.client_payload(client, changed=["manager_id"])
        )


def callback_request(
    *, name: str, phone: str, about: str, user_id: Id | None = None, showroom_id: Id | None = None
) -> Activity:
    """A "call me back" left on the website (docs/crm.md, "Leads"): on the record of the
    account that left it, else of the live client with that phone, else of a new lead from
    the website, given a manager as every lead that comes in by itself: one of the showroom
    of the car it is about (`showroom_id`); an entry on its timeline says what to call
    about."""
    with transaction.atomic(using=DB):
        client = _account_client_locked(user_id) if user_id is not None else None
        if client is None:
            client = (
                Client.objects.using(DB)
                .select_for_update()
                .filter(phone=phone, archived_at__isnull=True)
                .order_by("created_at")
                .first()
            )
        if client is None:
            client = _lead_create(
                name=name, phone=phone, source=ClientSource.WEBSITE, showroom_id=showroom_id
            )
        lead_route(client, showroom_id)
        return _activity_add(
            client,
            kind=ActivityKind.CALLBACK_REQUESTED,
            summary=_("Call %(name)s back at %(phone)s about %(about)s")
            % {"name": name, "phone": phone, "about": about},
            occurred_at=timezone.now(),
            source_type="storefront",
        )
