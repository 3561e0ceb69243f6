"""Saved cards: brand, last four digits and expiry, never the number."""

from common.types import Actor
from payments.models import SavedPaymentMethod

DB = "payments"


def payment_method_save(
    *, user: Actor, brand: str, last4: str, exp_month: int, exp_year: int, holder_name: str
) -> SavedPaymentMethod:
    return SavedPaymentMethod.objects.using(DB).create(
        owner_id=user.pk,
        brand=brand,
        last4=last4,
        exp_month=exp_month,
        exp_year=exp_year,
        holder_name=holder_name,
    )


def payment_method_delete(*, method: SavedPaymentMethod) -> None:
    method.delete(using=DB)
