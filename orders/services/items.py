"""What a pending order's total is made of: an item's quantity (the catalog's reservation
follows) and the dealer's credit discount its loan earned."""

import uuid
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from catalog import services as catalog_services
from common.api.exceptions import ApplicationError, NotFound
from common.formatting import money
from common.payables import order_received
from orders.choices import LOAN_SIZED_STATUSES, LinkKind, OrderStatus
from orders.error_codes import OrderErrorCode
from orders.models import Order, OrderItem
from orders.services.creation import _unpaid_vehicles_check
from orders.services.status import PAID_UNTIL_REFUNDED, PUSH_UPDATED, _changed, order_status_set

DB = "orders"


# ITEMS
# ------------------------------------------------------------------------------
def order_item_quantity_set(*, order_id: uuid.UUID, item_id: uuid.UUID, quantity: int) -> Order:
    """Change an item's quantity while the order is pending; the reservation follows."""
    # (product_id, quantity) once the catalog committed
    reserved_before: tuple[uuid.UUID, int] | None = None
    try:
        with transaction.atomic(using=DB):
            order = Order.objects.using(DB).select_for_update().get(pk=order_id)
            if order.status != OrderStatus.PENDING:
                raise ApplicationError(
                    _("Items can only change while the order is pending."),
                    code=OrderErrorCode.ORDER_NOT_EDITABLE,
                    status=409,
                )
            item = OrderItem.objects.using(DB).filter(order=order, pk=item_id).first()
            if item is None:
                raise NotFound
            if item.quantity == quantity:
                return order
            _loan_sized_check(order)
            _received_check(
                order,
                order.total_amount + item.unit_price * (quantity - item.quantity),
                field="quantity",
            )
            if item.is_vehicle and quantity > item.quantity:
                # The same limit, under the same per-customer lock, as a new order's.
                _unpaid_vehicles_check(order.customer_id, quantity - item.quantity)
            catalog_services.stock_adjust(
                order_id=order.pk, product_id=item.product_id, quantity=quantity
            )
            reserved_before = (item.product_id, item.quantity)
            delta = quantity - item.quantity
            item.quantity = quantity
            item.line_total = item.unit_price * quantity
            item.save(using=DB, update_fields=["quantity", "line_total", "updated_at"])
            order.total_quantity += delta
            order.total_amount += item.unit_price * delta
            _changed(order, PUSH_UPDATED)
            order.save(
                using=DB,
                update_fields=["total_quantity", "total_amount", "sequence", "updated_at"],
            )
    except BaseException:
        if reserved_before is not None:  # give the catalog its previous reservation back
            product_id, previous = reserved_before
            catalog_services.stock_adjust(
                order_id=order_id, product_id=product_id, quantity=previous
            )
        raise
    return order


def _received_check(order: Order, total: Decimal, *, field: str) -> None:
    """The order's total never falls below what it has received: payments' ledger as it
    stands now, which may be ahead of what orders has heard, or orders' own figure where that
    is more (a refund not yet reported) (docs/deal.md, "Never paid past the total")."""
    received = max(order.paid_amount, order_received(order.pk))
    if total < received:
        raise ApplicationError(
            _("The order has received %(paid)s: its total cannot fall below that.")
            % {"paid": money(received, order.currency)},
            code=OrderErrorCode.ORDER_NOT_EDITABLE,
            status=409,
            details={field: [_("The order would be paid past its total.")]},
        )


def _loan_sized_check(order: Order) -> None:
    """A loan is sized on the order's lines and amounts: while an application is open (as
    financing last reported it), they stay as they are (docs/deal.md, "Each source bound to
    its terms"); the buyer gives the loan up first."""
    open_loan = order.links.using(DB).filter(
        kind=LinkKind.LOAN_APPLICATION, status__in=LOAN_SIZED_STATUSES
    )
    if open_loan.exists():
        raise ApplicationError(
            _("The order's loan is sized on its lines: give the loan up to change them."),
            code=OrderErrorCode.ORDER_FINANCED,
            status=409,
        )


# THE CREDIT DISCOUNT (docs/deal.md, "The credit discount")
# ------------------------------------------------------------------------------
def order_credit_discount_set(
    *, order_id: uuid.UUID, loan_id: uuid.UUID, amount: Decimal, name: str = ""
) -> Order:
    """Take the dealer's credit discount of `amount` that loan application `loan_id` earned
    off a pending order's total. Financing calls it before it announces the loan's smaller
    amount, so the customer is never asked for more than the discounted price leaves."""
    with transaction.atomic(using=DB):
        order = Order.objects.using(DB).select_for_update().get(pk=order_id)
        if (order.credit_discount, order.credit_discount_loan_id) == (amount, loan_id):
            return order
        if order.status != OrderStatus.PENDING:
            raise ApplicationError(
                _("The price can only change while the order is pending."),
                code=OrderErrorCode.ORDER_NOT_EDITABLE,
                status=409,
            )
        discounted = order.total_amount + order.credit_discount - amount
        _received_check(order, discounted, field="credit_discount")
        _credit_discount_put(order, amount=amount, name=name, loan_id=loan_id)
    return order


def order_credit_discount_return(*, order_id: uuid.UUID, loan_id: uuid.UUID) -> Order | None:
    """The loan `loan_id` does not pay the order (withdrawn, rejected, or not needed once the
    order was paid otherwise): the credit discount it earned goes back into the price,
    whatever the order's state, and the buyer owes it. A paid order whose money no longer
    covers the dearer total owes again (`pending`). A discount of another application, or a
    cancelled order (which keeps its figures), is left as it is (docs/deal.md)."""
    with transaction.atomic(using=DB):
        order = Order.objects.using(DB).select_for_update().filter(pk=order_id).first()
        if (
            order is None
            or order.credit_discount_loan_id != loan_id
            or order.status == OrderStatus.CANCELLED
        ):
            return None
        _credit_discount_put(order, amount=Decimal("0.00"), name="", loan_id=None)
        if order.status in PAID_UNTIL_REFUNDED and order.paid_amount < order.total_amount:
            order = order_status_set(
                order_id=order.pk,
                status=OrderStatus.PENDING,
                reason=gettext_noop("The credit discount went back into the price"),
            )
    return order


def _credit_discount_put(
    order: Order, *, amount: Decimal, name: str, loan_id: uuid.UUID | None
) -> None:
    order.total_amount += order.credit_discount - amount
    order.credit_discount = amount
    order.credit_discount_name = name
    order.credit_discount_loan_id = loan_id
    _changed(order, PUSH_UPDATED)
    order.save(
        using=DB,
        update_fields=[
            "total_amount",
            "credit_discount",
            "credit_discount_name",
            "credit_discount_loan_id",
            "sequence",
            "updated_at",
        ],
    )
