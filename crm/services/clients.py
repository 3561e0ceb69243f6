"""Clients: recorded and edited by staff, taken by a manager, archived; the lock, the checks
and the tags every write on a client shares."""

from collections.abc import Collection, Iterable
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts import selectors as accounts_selectors
from catalog import selectors as catalog_selectors
from common.api.exceptions import ApplicationError
from common.db.transactions import turn_take
from common.error_codes import CommonErrorCode
from common.types import Actor, Id
from crm import events
from crm.choices import CLIENT_TRANSITIONS, STAFF_SOURCES
from crm.error_codes import CrmErrorCode
from crm.models import Client, Tag

DB = "crm"


def normalise_email(value: str | None) -> str:
    return (value or "").strip().lower()


def _locked(client_id: Id) -> Client:
    client = Client.objects.using(DB).select_for_update().filter(pk=client_id).first()
    if client is None:
        raise ApplicationError(_("No such client."), code=CrmErrorCode.CLIENT_NOT_FOUND, status=404)
    return client


def _live(client: Client) -> None:
    if client.archived_at is not None:
        raise ApplicationError(
            _("That client is archived."), code=CrmErrorCode.CLIENT_ARCHIVED, status=409
        )


def _manager_checked(actor: Actor, manager_id: Id | None) -> Id | None:
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


def _account_checked(user_id: Id | None, client: Client | None = None) -> Id | None:
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


def _tags_set(client: Client, names: Iterable[str]) -> None:
    tags = [Tag.objects.using(DB).get_or_create(name=name)[0] for name in sorted(set(names))]
    client.tags.set(tags)


def _normalised(fields: dict[str, Any]) -> dict[str, Any]:
    if "email" in fields:
        fields["email"] = normalise_email(fields["email"])
    if fields.get("phone") is None and "phone" in fields:
        fields["phone"] = ""
    return fields


# Held while a lead's manager is picked: two leads coming in at once take their turns one
# after the other.
_ASSIGNMENT_TURN = "crm.lead_assignment"


def lead_manager_pick(*, showroom_id: Id | None = None, city: str = "") -> Id | None:
    """The manager a lead that came in by itself goes to (docs/crm.md, "Assignment"): with
    CRM_LEAD_ASSIGNMENT=round_robin, the active manager of the lead's showroom (without one,
    of the showrooms of the buyer's `city`; without that, of the group) whose last client was
    given to them longest ago (one never given any first; the oldest account breaks a tie);
    None when the setting is `none` or there is no active manager. Call inside
    atomic(using=DB): the turn is held until the caller's transaction ends."""
    if settings.CRM_LEAD_ASSIGNMENT != "round_robin":
        return None
    showrooms = [showroom_id] if showroom_id else catalog_selectors.showroom_ids_in(city=city)
    managers = accounts_selectors.manager_ids_active(showroom_ids=showrooms)
    if not managers:
        return None
    turn_take(_ASSIGNMENT_TURN, using=DB)
    last_given = dict(
        Client.objects.using(DB)
        .filter(manager_id__in=managers, assigned_at__isnull=False)
        .values("manager_id")
        .annotate(last=Max("assigned_at"))
        .values_list("manager_id", "last")
    )
    never = [manager for manager in managers if manager not in last_given]
    return never[0] if never else min(managers, key=last_given.__getitem__)


def client_create(*, actor: Actor, tags: Iterable[str] = (), **fields: Any) -> Client:
    """A client recorded by staff; a manager's own unless an admin says otherwise."""
    fields = _normalised(fields)
    if "manager_id" not in fields and not actor.is_superuser:
        fields["manager_id"] = actor.pk
    fields["manager_id"] = _manager_checked(actor, fields.get("manager_id"))
    if fields["manager_id"] is not None:
        fields["assigned_at"] = timezone.now()
    fields["user_id"] = _account_checked(fields.get("user_id"))
    if fields.get("source") in STAFF_SOURCES:  # a walk-in, a call, a classified's lead
        fields.setdefault("lead_source", fields["source"])
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


def client_update(
    *, actor: Actor, client_id: Id, tags: Collection[str] | None = None, **fields: Any
) -> Client:
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
        if "manager_id" in changed:
            client.assigned_at = timezone.now() if client.manager_id else None
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


def client_take(*, actor: Actor, client_id: Id) -> Client:
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
            client.manager_id, client.assigned_at = actor.pk, timezone.now()
            client.save(using=DB, update_fields=["manager_id", "assigned_at", "updated_at"])
            events.CLIENT_UPDATED.emit(
                aggregate_id=client.pk,
                payload=events.client_payload(client, changed=["manager_id"]),
            )
    return client


def client_archive(*, client_id: Id) -> Client:
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
