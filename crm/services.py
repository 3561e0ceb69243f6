"""Writes of the CRM: clients, contacts, the timeline, merging duplicates and erasing a
person on request. Every write runs in one transaction on the `crm` database and records its
event in the outbox (docs/events.md, "crm")."""

from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts import selectors as accounts_selectors
from common.error_codes import CommonErrorCode
from common.events import Event
from common.exceptions import ApplicationError
from crm import events
from crm.choices import CLIENT_TRANSITIONS, ActivityKind, ClientSource, ClientStatus, ClientType
from crm.error_codes import CrmErrorCode
from crm.models import Activity, Client, Contact, Erasure, OutboxEvent, Tag

DB = "crm"
ERASED_NAME = "Erased client"


def normalise_email(value: str | None) -> str:
    return (value or "").strip().lower()


def _locked(client_id) -> Client:
    client = Client.objects.using(DB).select_for_update().filter(pk=client_id).first()
    if client is None:
        raise ApplicationError(_("No such client."), code=CrmErrorCode.CLIENT_NOT_FOUND, status=404)
    return client


def _live(client: Client) -> None:
    if client.archived_at is not None:
        raise ApplicationError(
            _("That client is archived."), code=CrmErrorCode.CLIENT_ARCHIVED, status=409
        )


def _manager_checked(actor, manager_id):
    """Admins assign any active staff member, or nobody; a manager only themselves."""
    if manager_id is None:
        if not actor.is_superuser:
            raise ApplicationError(
                _("Only an admin leaves a client unassigned."),
                code=CrmErrorCode.ASSIGNMENT_FORBIDDEN,
                status=403,
            )
        return None
    if not actor.is_superuser and str(manager_id) != str(actor.pk):
        raise ApplicationError(
            _("Only an admin assigns a client to someone else."),
            code=CrmErrorCode.ASSIGNMENT_FORBIDDEN,
            status=403,
        )
    card = accounts_selectors.user_card(user_id=manager_id)
    if card is None or not (card.is_staff and card.is_active):
        raise ApplicationError(
            _("No active manager has that id."),
            code=CrmErrorCode.MANAGER_NOT_FOUND,
            details={"manager_id": [_("No active manager has that id.")]},
        )
    return manager_id


def _account_checked(user_id, client: Client | None = None):
    if user_id is None:
        return None
    if accounts_selectors.user_card(user_id=user_id) is None:
        raise ApplicationError(
            _("No account has that id."),
            code=CommonErrorCode.VALIDATION_ERROR,
            details={"user_id": [_("No account has that id.")]},
        )
    taken = Client.objects.using(DB).filter(user_id=user_id)
    if client is not None:
        taken = taken.exclude(pk=client.pk)
    if taken.exists():
        raise _account_taken()
    return user_id


def _account_taken() -> ApplicationError:
    return ApplicationError(
        _("That account has a client record already; merge the two instead."),
        code=CommonErrorCode.VALIDATION_ERROR,
        details={"user_id": [_("That account has a client record already.")]},
    )


def _tags_set(client: Client, names) -> None:
    tags = [Tag.objects.using(DB).get_or_create(name=name)[0] for name in sorted(set(names))]
    client.tags.set(tags)


def _normalised(fields: dict) -> dict:
    if "email" in fields:
        fields["email"] = normalise_email(fields["email"])
    if fields.get("phone") is None and "phone" in fields:
        fields["phone"] = ""
    return fields


# CLIENTS
# ------------------------------------------------------------------------------
def client_create(*, actor, tags=(), **fields) -> Client:
    """A client recorded by staff; a manager's own unless an admin says otherwise."""
    fields = _normalised(fields)
    if "manager_id" not in fields and not actor.is_superuser:
        fields["manager_id"] = actor.pk
    fields["manager_id"] = _manager_checked(actor, fields.get("manager_id"))
    fields["user_id"] = _account_checked(fields.get("user_id"))
    try:
        with transaction.atomic(using=DB):
            client = Client.objects.using(DB).create(**fields)
            _tags_set(client, tags)
            events.CLIENT_CREATED.emit(
                aggregate_id=client.pk, payload=events.client_payload(client)
            )
    except IntegrityError as exc:  # the account's record made by a request alongside
        raise _account_taken() from exc
    return client


def client_update(*, actor, client_id, tags=None, **fields) -> Client:
    fields = _normalised(fields)
    with transaction.atomic(using=DB):
        client = _locked(client_id)
        _live(client)
        changed = [name for name, value in fields.items() if getattr(client, name) != value]
        status = fields.pop("status", client.status)
        if "manager_id" in changed:
            if not actor.is_superuser:
                raise ApplicationError(
                    _("Only an admin reassigns a client; take an unassigned lead instead."),
                    code=CrmErrorCode.ASSIGNMENT_FORBIDDEN,
                    status=403,
                )
            _manager_checked(actor, fields["manager_id"])
        if "status" in changed and client.manager_id is None and not actor.is_superuser:
            raise ApplicationError(
                _("Take this lead before you change its status."),
                code=CrmErrorCode.ASSIGNMENT_FORBIDDEN,
                status=403,
            )
        if "user_id" in changed:
            _account_checked(fields["user_id"], client)
        if "status" in changed:
            CLIENT_TRANSITIONS.apply(client, status)
        for name, value in fields.items():
            setattr(client, name, value)
        try:
            with transaction.atomic(using=DB):
                client.save(using=DB)
        except IntegrityError as exc:  # the account linked to another record alongside
            raise _account_taken() from exc
        if tags is not None and set(tags) != {tag.name for tag in client.tags.all()}:
            _tags_set(client, tags)
            changed.append("tags")
        if changed:
            events.CLIENT_UPDATED.emit(
                aggregate_id=client.pk, payload=events.client_payload(client, changed=changed)
            )
    return client


def client_take(*, actor, client_id) -> Client:
    """A manager takes an unassigned lead; taking one's own again changes nothing."""
    with transaction.atomic(using=DB):
        client = _locked(client_id)
        _live(client)
        if client.manager_id is not None and str(client.manager_id) != str(actor.pk):
            raise ApplicationError(
                _("Someone else looks after that client already."),
                code=CrmErrorCode.CLIENT_ALREADY_ASSIGNED,
                status=409,
            )
        if client.manager_id is None:
            client.manager_id = actor.pk
            client.save(using=DB, update_fields=["manager_id", "updated_at"])
            events.CLIENT_UPDATED.emit(
                aggregate_id=client.pk,
                payload=events.client_payload(client, changed=["manager_id"]),
            )
    return client


def client_archive(*, client_id) -> Client:
    """What DELETE does: the record leaves the lists and keeps its history."""
    with transaction.atomic(using=DB):
        client = _locked(client_id)
        if client.archived_at is None:
            client.archived_at = timezone.now()
            client.save(using=DB, update_fields=["archived_at", "updated_at"])
            events.CLIENT_UPDATED.emit(
                aggregate_id=client.pk,
                payload=events.client_payload(client, changed=["archived"]),
            )
    return client


# CONTACTS AND ACTIVITY
# ------------------------------------------------------------------------------
def contact_add(*, client_id, **fields) -> Contact:
    fields = _normalised(fields)
    with transaction.atomic(using=DB):
        client = _locked(client_id)
        _live(client)
        contact = Contact.objects.using(DB).create(client=client, **fields)
        events.CONTACT_ADDED.emit(aggregate_id=client.pk, payload=events.contact_payload(contact))
    return contact


def contact_update(*, contact_id, **fields) -> Contact:
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


def _activity_add(client: Client, **fields) -> Activity:
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
    *, client_id, author, kind: str, summary: str, body: str = "", occurred_at=None
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
def client_for_user(user_id) -> Client | None:
    """The client record of an account: the one linked to it; else an unlinked record with the
    account's e-mail, which it now links (a walk-in who registers later is not duplicated);
    else a new lead. None when the account no longer exists. Call inside atomic(using=DB)."""
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
                match.save(using=DB, update_fields=["user_id", "phone", "updated_at"])
                events.CLIENT_UPDATED.emit(
                    aggregate_id=match.pk,
                    payload=events.client_payload(match, changed=["user_id"]),
                )
                return match
            client = Client.objects.using(DB).create(
                name=card.full_name or email,
                email=email,
                phone=card.phone,
                source=ClientSource.REGISTRATION,
                user_id=user_id,
            )
            events.CLIENT_CREATED.emit(
                aggregate_id=client.pk, payload=events.client_payload(client)
            )
            return client
    except IntegrityError:  # another event of the same account linked one first
        return Client.objects.using(DB).get(user_id=user_id)


def _account_client_locked(user_id) -> Client | None:
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
    *, user_id, event: Event, kind: str, source_type: str, summary: str
) -> Activity | None:
    """One timeline entry for another app's event about an account, at most once per event.
    The entry is dated when the event happened, so the timeline keeps the order of events
    however they arrive."""
    client = _account_client_locked(user_id)
    if client is None:
        return None
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


# DUPLICATES
# ------------------------------------------------------------------------------
# What a merge copies from the duplicate where the surviving record has nothing.
_FILLED_ON_MERGE = ("industry", "description", "tax_id", "email", "phone", "manager_id")


def client_merge(*, actor, client_id, duplicate_id) -> Client:
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


# IMPORT
# ------------------------------------------------------------------------------
def clients_import(rows: list[dict], *, manager_id=None) -> int:
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
    phones, emails = set(), set()
    for model in (Client, Contact):
        for phone, email in model.objects.using(DB).values_list("phone", "email"):
            phones.add(str(phone or ""))
            emails.add(email)
    return phones - {""}, emails - {""}


# ERASURE
# ------------------------------------------------------------------------------
def _merged_into(client: Client) -> list[Client]:
    """The archived duplicates merged into `client`, and those merged into them, locked."""
    found, frontier = [], [client.pk]
    while frontier:
        merged = list(
            Client.objects.using(DB).select_for_update().filter(merged_into_id__in=frontier)
        )
        found.extend(merged)
        frontier = [record.pk for record in merged]
    return found


def client_erase(*, client_id, requested_by: str, reason: str) -> Erasure:
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
