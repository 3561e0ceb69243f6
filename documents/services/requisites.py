"""The seller's requisites changed under four eyes (docs/documents.md, "Requisites"): a holder
of `documents.change_requisites` proposes new values, which take effect only when another
holder confirms them; the proposer cannot (common/four_eyes.py's refusal). A legal entity a
holder adds signs nothing until another holder confirms its requisites, in the same way. Every
holder is told by e-mail when a change is proposed and when it is applied."""

import logging
from smtplib import SMTPException
from typing import Protocol, TypedDict

from django.core.exceptions import ValidationError
from django.core.mail import send_mass_mail
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from common.api.exceptions import ApplicationError
from common.four_eyes import own_record_refused
from common.types import Actor, Id
from documents import selectors
from documents.choices import REQUISITES_CHANGE_TRANSITIONS, RequisitesChangeStatus
from documents.error_codes import DocumentErrorCode
from documents.models import REQUISITE_FIELDS, LegalEntity, RequisitesChange
from documents.requisites import account_key_valid, correspondent_key_valid

logger = logging.getLogger(__name__)

DB = "documents"
REQUISITES_PERMISSION = selectors.REQUISITES_PERMISSION


class RequisitesKeeper(Actor, Protocol):
    """A staff member, of whom the service also asks whether they hold a permission."""

    def has_perm(self, perm: str, obj: None = None) -> bool: ...


class RequisiteValues(TypedDict):
    inn: str
    kpp: str
    bank_name: str
    bik: str
    account: str
    correspondent_account: str


def _permitted(user: RequisitesKeeper) -> None:
    if not (user.is_staff and user.has_perm(REQUISITES_PERMISSION)):
        raise ApplicationError(
            _("Only a staff member allowed to change the requisites may do this."),
            code=DocumentErrorCode.REQUISITES_NOT_PERMITTED,
            status=403,
        )


def _cleaned(values: RequisiteValues) -> dict[str, str]:
    given = {field: str(value).strip() for field, value in values.items()}
    return {field: given.get(field, "") for field in REQUISITE_FIELDS}


def _current(entity: LegalEntity) -> dict[str, str]:
    return {field: getattr(entity, field) for field in REQUISITE_FIELDS}


def requisites_change_propose(
    *, legal_entity_id: int, values: RequisiteValues, user: RequisitesKeeper
) -> RequisitesChange:
    """Propose new requisites for a legal entity: checked (the check digits, the accounts'
    keys over the BIK), kept pending until another holder confirms them. One pending
    proposal per legal entity at a time."""
    _permitted(user)
    with transaction.atomic(using=DB):
        entity = LegalEntity.objects.using(DB).select_for_update().get(pk=legal_entity_id)
        change = requisites_change_check(entity=entity, values=values)
        change.proposed_by_id, change.proposed_at = user.pk, timezone.now()
        try:
            with transaction.atomic(using=DB):
                change.save(using=DB, force_insert=True)
        except IntegrityError as exc:  # another proposal at the same moment
            raise _pending_already() from exc
        transaction.on_commit(lambda: _notify(change, applied=False), using=DB)
    return change


def requisites_change_check(*, entity: LegalEntity, values: RequisiteValues) -> RequisitesChange:
    """The proposal these values would be, unsaved; refused when they are the requisites in
    force, when they are not valid, or when another proposal awaits confirmation. Writes
    nothing: the admin's form asks it before the proposal is made."""
    cleaned = _cleaned(values)
    if cleaned == _current(entity):
        raise ApplicationError(
            _("These are the requisites in force already: nothing to change."),
            code=DocumentErrorCode.REQUISITES_UNCHANGED,
            status=400,
        )
    if entity.requisites_changes.filter(status=RequisitesChangeStatus.PENDING).exists():
        raise _pending_already()
    change = RequisitesChange(legal_entity=entity, previous=_current(entity), **cleaned)
    _validate(change)
    return change


def _pending_already() -> ApplicationError:
    return ApplicationError(
        _("A change of this legal entity's requisites awaits confirmation already."),
        code=DocumentErrorCode.REQUISITES_CHANGE_PENDING,
        status=409,
    )


def requisites_change_confirm(
    *, change_id: Id, user: RequisitesKeeper, values: RequisiteValues | None = None
) -> RequisitesChange:
    """Confirm a pending proposal: another holder than its proposer, naming (when `values` is
    given) the same values. The legal entity's requisites become the proposed ones, provided
    they are still those the proposal replaced."""
    _permitted(user)
    with transaction.atomic(using=DB):
        change = _pending(change_id)
        if user.pk == change.proposed_by_id:
            raise own_record_refused(gettext_lazy("proposal of requisites"))
        if values is not None and _cleaned(values) != change.values():
            raise ApplicationError(
                _("These are not the values proposed: confirm the proposal as it stands."),
                code=DocumentErrorCode.REQUISITES_CHANGE_MISMATCH,
                status=409,
            )
        entity = LegalEntity.objects.using(DB).select_for_update().get(pk=change.legal_entity_id)
        if _current(entity) != change.previous:
            raise ApplicationError(
                _("The requisites changed since this was proposed: reject it and propose again."),
                code=DocumentErrorCode.REQUISITES_CHANGE_STALE,
                status=409,
            )
        for field, value in change.values().items():
            setattr(entity, field, value)
        entity.save(using=DB, update_fields=[*REQUISITE_FIELDS, "updated_at"])
        REQUISITES_CHANGE_TRANSITIONS.apply(change, RequisitesChangeStatus.APPLIED)
        change.confirmed_by_id, change.confirmed_at = user.pk, timezone.now()
        change.save(
            using=DB, update_fields=["status", "confirmed_by_id", "confirmed_at", "updated_at"]
        )
        transaction.on_commit(lambda: _notify(change, applied=True), using=DB)
    return change


def requisites_change_reject(*, change_id: Id, user: RequisitesKeeper) -> RequisitesChange:
    """Reject a pending proposal (its proposer may withdraw it): saying no needs no second
    opinion (common/four_eyes.py)."""
    _permitted(user)
    with transaction.atomic(using=DB):
        change = _pending(change_id)
        REQUISITES_CHANGE_TRANSITIONS.apply(change, RequisitesChangeStatus.REJECTED)
        change.rejected_by_id, change.rejected_at = user.pk, timezone.now()
        change.save(
            using=DB, update_fields=["status", "rejected_by_id", "rejected_at", "updated_at"]
        )
    return change


def _pending(change_id: Id) -> RequisitesChange:
    change = RequisitesChange.objects.using(DB).select_for_update().get(pk=change_id)
    if change.status != RequisitesChangeStatus.PENDING:
        raise ApplicationError(
            _("This proposal is decided already."),
            code=DocumentErrorCode.REQUISITES_CHANGE_DECIDED,
            status=409,
        )
    return change


def _validate(change: RequisitesChange) -> None:
    """The fields' own checks, and the accounts' keys over the BIK (documents/requisites.py)."""
    errors: dict[str, list[str]] = {}
    try:
        change.full_clean(exclude=["legal_entity", "previous", "proposed_by_id", "proposed_at"])
    except ValidationError as error:
        errors = {
            field: [str(m) for m in messages] for field, messages in error.message_dict.items()
        }
    if "account" not in errors and "bik" not in errors:
        if not account_key_valid(account=change.account, bik=change.bik):
            errors["account"] = [_("The settlement account's key does not match the BIK.")]
        if "correspondent_account" not in errors and not correspondent_key_valid(
            account=change.correspondent_account, bik=change.bik
        ):
            errors["correspondent_account"] = [
                _("The correspondent account's key does not match the BIK.")
            ]
    if errors:
        raise ApplicationError(
            _("The requisites are not valid: %(fields)s.") % {"fields": ", ".join(sorted(errors))},
            code=DocumentErrorCode.REQUISITES_INVALID,
            status=400,
            details=errors,
        )


def legal_entity_add(*, entity: LegalEntity, user: RequisitesKeeper) -> LegalEntity:
    """Add a legal entity, its fields already checked (the admin's form does it): it waits,
    signing nothing, until another holder confirms its requisites (`legal_entity_confirm`)."""
    _permitted(user)
    if entity.pk is not None:
        raise ValueError("legal_entity_add adds a new legal entity only")
    entity.added_by_id, entity.is_default = user.pk, False
    entity.confirmed_by_id = entity.confirmed_at = None
    with transaction.atomic(using=DB):
        entity.save(using=DB, force_insert=True)
        transaction.on_commit(lambda: _announce_entity(entity, confirmed=False), using=DB)
    return entity


def legal_entity_confirm(*, legal_entity_id: int, user: RequisitesKeeper) -> LegalEntity:
    """Confirm a new legal entity's requisites: another holder than the one who added it.
    Only then may it be chosen to sign (`is_default`, a constraint of the table)."""
    _permitted(user)
    with transaction.atomic(using=DB):
        entity = LegalEntity.objects.using(DB).select_for_update().get(pk=legal_entity_id)
        if entity.confirmed_at is not None:
            raise ApplicationError(
                _("This legal entity's requisites are confirmed already."),
                code=DocumentErrorCode.REQUISITES_CHANGE_DECIDED,
                status=409,
            )
        if user.pk == entity.added_by_id:
            raise own_record_refused(gettext_lazy("legal entity"))
        entity.confirmed_by_id, entity.confirmed_at = user.pk, timezone.now()
        entity.save(using=DB, update_fields=["confirmed_by_id", "confirmed_at", "updated_at"])
        transaction.on_commit(lambda: _announce_entity(entity, confirmed=True), using=DB)
    return entity


def _notify(change: RequisitesChange, *, applied: bool) -> None:
    """A change proposed or applied, with the values before and after."""
    entity = LegalEntity.objects.using(DB).get(pk=change.legal_entity_id)
    subject = (
        _("The requisites of %(entity)s are changed")
        if applied
        else _("A change of the requisites of %(entity)s awaits confirmation")
    ) % {"entity": entity.short_name}
    labels = _labels()
    lines = [
        f"{labels[field]}: {change.previous.get(field, '')} → {getattr(change, field)}"
        for field in REQUISITE_FIELDS
    ]
    _announce(subject, lines, change_id=str(change.pk))


def _announce_entity(entity: LegalEntity, *, confirmed: bool) -> None:
    """A legal entity added, or its requisites confirmed, with those requisites."""
    subject = (
        _("The requisites of the new legal entity %(entity)s are confirmed")
        if confirmed
        else _("A new legal entity %(entity)s awaits confirmation of its requisites")
    ) % {"entity": entity.short_name}
    labels = _labels()
    lines = [f"{labels[field]}: {getattr(entity, field)}" for field in REQUISITE_FIELDS]
    _announce(subject, lines, legal_entity_id=entity.pk)


def _labels() -> dict[str, str]:
    return {field.name: str(field.verbose_name) for field in LegalEntity._meta.concrete_fields}


def _announce(subject: str, lines: list[str], **logged: object) -> None:
    """An e-mail to every holder of the permission."""
    body = "\n".join([subject + ".", *lines])
    try:
        send_mass_mail(
            [(subject, body, None, [address]) for address in selectors.requisites_keepers_emails()]
        )
    except (OSError, SMTPException):  # the change stands; the log says who was not told
        logger.exception("requisites change not announced", extra=logged)
