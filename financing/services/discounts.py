"""The dealer's credit discounts, saved and deleted with their events: whoever shows them (the
classifieds' feeds, docs/feeds.md) learns of every change (docs/financing.md, "The credit
discount")."""

from django.db import transaction
from django.utils import timezone

from common.types import Actor
from financing import events
from financing.models import CreditDiscount

DB = "financing"


def credit_discount_save(*, discount: CreditDiscount, user: Actor | None) -> CreditDiscount:
    """A new or changed credit discount, with `credit_discount.created` or `.updated`.
    Whether `user` may is the caller's (the admin's `financing.configure_banks`)."""
    created = discount._state.adding
    with transaction.atomic(using=DB):
        discount.full_clean()
        discount.save(using=DB)
        kind = events.CREDIT_DISCOUNT_CREATED if created else events.CREDIT_DISCOUNT_UPDATED
        kind.emit(aggregate_id=discount.pk, payload=events.credit_discount_payload(discount))
    return discount


def credit_discount_delete(*, discount: CreditDiscount, user: Actor | None) -> None:
    """A credit discount gone, with `credit_discount.deleted`, stamped with the moment of
    its deletion (newer than any change of it): an application that took it keeps its
    amount (the order states it)."""
    with transaction.atomic(using=DB):
        payload = {
            **events.credit_discount_payload(discount),
            "is_active": False,
            "updated_at": timezone.now().isoformat(),
        }
        events.CREDIT_DISCOUNT_DELETED.emit(aggregate_id=discount.pk, payload=payload)
        discount.delete(using=DB)
