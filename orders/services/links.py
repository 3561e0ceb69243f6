"""What other domains report about an order: its customer's contact data (accounts), its
links (a payment, loan application or policy), and stock reserved for orders never committed."""

import logging
from datetime import datetime, timedelta
from decimal import Decimal
from typing import TypedDict, Unpack

from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from catalog import selectors as catalog_selectors
from catalog import services as catalog_services
from common.types import Id
from orders import cache, realtime
from orders.choices import OPEN_STATUSES, link_stage
from orders.models import Order, OrderLink
from orders.services.status import PUSH_UPDATED, _changed

DB = "orders"
logger = logging.getLogger(__name__)


# CUSTOMER DATA
# ------------------------------------------------------------------------------
class _CustomerSnapshot(TypedDict, total=False):
    """What an order keeps of its customer, as their account last reported it."""

    customer_email: str
    customer_name: str
    customer_synced_at: datetime
    customer_scrubbed: bool
    notes: str


def _customer_snapshot_set(orders: QuerySet[Order], **fields: Unpack[_CustomerSnapshot]) -> int:
    ids = list(orders.values_list("pk", flat=True))
    updated = (
        Order.objects.using(DB).filter(pk__in=ids).update(**fields, sequence=F("sequence") + 1)
    )
    for order_id in ids:
        cache.detail_invalidate_after_commit(order_id)
    realtime.orders_push_after_commit(ids, PUSH_UPDATED)
    return updated


def order_customer_refresh(*, customer_id: Id, email: str, full_name: str, as_of: datetime) -> int:
    """A customer changed their contact data: open orders follow, finished ones keep history.
    A change older than the one already applied, or one after the customer was deleted,
    changes nothing."""
    orders = (
        Order.objects.using(DB)
        .filter(customer_id=customer_id, status__in=OPEN_STATUSES, customer_scrubbed=False)
        .filter(Q(customer_synced_at__isnull=True) | Q(customer_synced_at__lt=as_of))
    )
    return _customer_snapshot_set(
        orders, customer_email=email, customer_name=full_name, customer_synced_at=as_of
    )


def order_customer_scrub(*, customer_id: Id) -> int:
    """A customer was deleted: their orders stay, their personal data goes, for good."""
    orders = Order.objects.using(DB).filter(customer_id=customer_id)
    return _customer_snapshot_set(
        orders, customer_email="", customer_name="", notes="", customer_scrubbed=True
    )


# LINKS TO OTHER DOMAINS
# ------------------------------------------------------------------------------
def order_link_note(
    *,
    order_id: Id,
    kind: str,
    reference_id: Id,
    status: str,
    reported_at: datetime,
    event: str,
    amount: Decimal | None = None,
    refunded_amount: Decimal | None = None,
    currency: str = "",
) -> OrderLink | None:
    """Note what another domain reported about the order (a payment, loan application or
    policy). A report older than the one already noted changes nothing, nor does one of the
    same instant that is no further along (`choices.link_stage`); nor a report about an order
    that is gone."""
    with transaction.atomic(using=DB):
        order = Order.objects.using(DB).select_for_update().filter(pk=order_id).first()
        if order is None:
            logger.warning("%s reported for order %s, which does not exist", event, order_id)
            return None
        fields = {
            "status": status,
            "amount": amount,
            "refunded_amount": refunded_amount,
            "currency": currency,
        }
        link, created = OrderLink.objects.using(DB).get_or_create(
            order=order,
            kind=kind,
            reference_id=reference_id,
            defaults={**fields, "reported_at": reported_at},
        )
        if not created:
            noted = (link.reported_at, link_stage(kind, link.status))
            if noted >= (reported_at, link_stage(kind, status)):
                return link
            for name, value in {**fields, "reported_at": reported_at}.items():
                setattr(link, name, value)
            link.save(using=DB)
        _changed(order, event, link)
        order.save(using=DB, update_fields=["sequence", "updated_at"])
    return link


def order_reservations_sweep(*, older_than: timedelta) -> int:
    """Release stock reserved for orders that never committed (a crash mid-saga)."""
    cutoff = timezone.now() - older_than
    candidates = catalog_selectors.reservation_order_ids_active_before(before=cutoff)
    existing = set(Order.objects.using(DB).filter(pk__in=candidates).values_list("pk", flat=True))
    released = 0
    for order_id in candidates - existing:
        logger.warning("Releasing stock of order %s, which never committed", order_id)
        released += catalog_services.stock_release(order_id=order_id)
    return released
