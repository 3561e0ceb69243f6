"""A payment's fiscal receipts as its payer reads them (docs/storefront.md, "Receipts"): the
page the payment e-mail links to, with the seller, the lines, their VAT and the total."""

from typing import Any
from uuid import UUID

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from common.sellers import Seller
from documents import selectors as documents
from insurance import selectors as insurance
from payments import selectors as payments
from payments.choices import PayableKind
from service import selectors as service
from storefront.pages import page
from storefront.views.checkout import buyer_of, signed_in_or_away


@require_GET
@page
def payment_receipts(request: HttpRequest, payment_id: UUID) -> HttpResponse:
    """Another buyer's payment is a 404, like a missing one."""
    if away := signed_in_or_away(request, reverse("storefront:receipts", args=[payment_id])):
        return away
    buyer = buyer_of(request)
    payment = payments.payment_get(user=buyer, payment_id=payment_id)
    context = {
        "payment": payment,
        "receipts": payments.receipts_shown(user=buyer, payment_id=payment_id),
        "seller": _seller(buyer, payment),
    }
    return render(request, "storefront/receipts.html", context)


def _seller(buyer: Any, payment: Any) -> Seller | None:
    """Who issues the receipts a payment has not had sent yet (a sent one states its own):
    the seller of the order it pays, or of the order whose car a premium insures, or the
    showroom that services the car of a work order; the group's for a seat at an event
    (docs/showrooms.md, "One seller")."""
    order_id = None
    if payment.payable_kind == PayableKind.WORK_ORDER:
        work_order = service.work_order_get(user=buyer, work_order_id=payment.payable_id)
        return documents.seller_of(showroom_id=work_order.showroom_id)
    if payment.payable_kind == PayableKind.ORDER:
        order_id = payment.payable_id
    elif payment.payable_kind == PayableKind.POLICY:
        order_id = insurance.policy_get(user=buyer, policy_id=payment.payable_id).order_id
    return documents.seller_of(order_id=order_id)
