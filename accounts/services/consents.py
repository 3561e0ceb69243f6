"""Consents to the processing of personal data (152-FZ, art. 9; docs/storefront.md,
"Personal data"): given with the version of the text agreed to, withdrawn by their giver."""

from django.db import transaction
from django.utils import timezone

from accounts import events
from accounts.choices import ConsentPurpose
from accounts.consents import TEXTS
from accounts.models import Consent, User
from accounts.services.users import user_active_set
from common.api.exceptions import NotFound
from common.db.databases import database_for_app
from common.types import Actor, Id

DB = database_for_app("accounts")


def consent_give(
    *,
    purpose: str,
    user: Actor | None = None,
    email: str = "",
    phone: str = "",
    ip_address: str | None = None,
    recipient: str = "",
) -> Consent:
    """A consent to `purpose` in its current text, by a user or by whoever left `email` or
    `phone` on a form, for the data to go to `recipient` where the purpose names one."""
    return Consent.objects.using(DB).create(
        user_id=user.pk if user is not None else None,
        email=email,
        phone=str(phone),
        purpose=purpose,
        recipient=recipient,
        text_version=TEXTS[purpose].version,
        given_at=timezone.now(),
        ip_address=ip_address,
    )


def consent_withdraw(*, user: Actor, consent_id: Id) -> Consent:
    """Withdraws one of `user`'s own consents (another's is not found); a second
    withdrawal changes nothing. The apps stop the processing it covered when they hear of it
    (`consent.withdrawn`). The account's own consent is the account: withdrawing it closes
    the account, as deactivating does; its orders stay, kept by the sale's own law."""
    with transaction.atomic(using=DB):
        consent = Consent.objects.select_for_update().filter(pk=consent_id, user_id=user.pk).first()
        if consent is None:
            raise NotFound
        if consent.withdrawn_at is not None:
            return consent
        consent.withdrawn_at = timezone.now()
        consent.save(update_fields=["withdrawn_at", "updated_at"])
        events.CONSENT_WITHDRAWN.emit(
            aggregate_id=consent.pk,
            payload={
                "id": str(consent.pk),
                "purpose": consent.purpose,
                "user_id": str(user.pk),
                "withdrawn_at": consent.withdrawn_at.isoformat(),
            },
        )
        if consent.purpose == ConsentPurpose.ACCOUNT:
            user_active_set(
                actor=None,
                user=User.objects.get(pk=user.pk),
                is_active=False,
                reason="consent withdrawn",
            )
    return consent
