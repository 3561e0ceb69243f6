"""Saved cards: brand, last four digits and expiry, never the number."""

from payments.models import SavedPaymentMethod

DB = "payments"


def payment_method_save(*, user, **fields) -> SavedPaymentMethod:
    return SavedPaymentMethod.objects.using(DB).create(owner_id=user.pk, **fields)


def payment_method_delete(*, method: SavedPaymentMethod) -> None:
    method.delete(using=DB)
