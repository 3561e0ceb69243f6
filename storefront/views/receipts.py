"""A payment's fiscal receipts as its payer reads them (docs/storefront.md, "Receipts"): the
page the payment e-mail links to, with the seller, the lines, their VAT and the total."""

from uuid import UUID

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from documents import selectors as documents
from payments import selectors as payments
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
        "seller": documents.seller_contacts(),
    }
    return render(request, "storefront/receipts.html", context)
