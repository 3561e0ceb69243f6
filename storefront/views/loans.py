"""A car loan from several banks on the order's page (docs/storefront.md, "Loans from several
banks"): the application sent to the banks the buyer ticks, each tick a consent naming its
bank; the offers compared; one taken, the others declined."""

from uuid import UUID

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from common.api.exceptions import ApplicationError, NotFound
from common.api.throttling import client_ip
from financing import selectors as financing_selectors
from financing import services as financing
from orders import selectors as orders
from storefront.loans import loan_context
from storefront.pages import page
from storefront.views.checkout import buyer_of, signed_in_or_away


def _loan_of(request: HttpRequest, order_id: UUID):
    """The buyer's latest application for their order; another's order is a 404."""
    orders.deal_of_buyer(user=buyer_of(request), order_id=order_id)
    loan = (
        financing_selectors.application_list(user=buyer_of(request))
        .filter(order_id=order_id, customer_id=buyer_of(request).pk)
        .order_by("-created_at")
        .first()
    )
    if loan is None:
        raise NotFound
    return loan


@require_POST
@page
def loan_banks(request: HttpRequest, order_id: UUID) -> HttpResponse:
    """The application sent to the banks ticked; no tick, nothing sent."""
    back = reverse("storefront:order", args=[order_id]) + "#loan"
    if away := signed_in_or_away(request, back):
        return away
    loan = _loan_of(request, order_id)
    try:
        bank_ids = [UUID(value) for value in request.POST.getlist("bank")]
    except ValueError:
        bank_ids = []
    if not bank_ids:
        messages.error(request, _("Tick at least one bank: your consent is needed for each."))
        return HttpResponseRedirect(back)
    try:
        financing.offers_request(
            user=buyer_of(request),
            application_id=loan.pk,
            bank_ids=bank_ids,
            ip_address=client_ip(request),
        )
    except ApplicationError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("Sent. The banks' answers appear here as they come."))
    return HttpResponseRedirect(back)


@require_POST
@page
def loan_offer_choose(request: HttpRequest, order_id: UUID, offer_id: UUID) -> HttpResponse:
    back = reverse("storefront:order", args=[order_id]) + "#loan"
    if away := signed_in_or_away(request, back):
        return away
    loan = _loan_of(request, order_id)
    try:
        offer = financing_selectors.offer_get(user=buyer_of(request), offer_id=offer_id)
        if offer.application_id != loan.pk:
            raise NotFound
        financing.offer_choose(user=buyer_of(request), offer_id=offer.pk)
    except ApplicationError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(
            request,
            _("You chose the offer of %(bank)s. The other banks are told.")
            % {"bank": offer.bank.name},
        )
    return HttpResponseRedirect(back)


@require_POST
@page
def loan_withdraw(request: HttpRequest, order_id: UUID) -> HttpResponse:
    """The buyer gives their loan up: the order is theirs to pay in full, at the price
    without a credit discount."""
    back = reverse("storefront:order", args=[order_id]) + "#loan"
    if away := signed_in_or_away(request, back):
        return away
    loan = _loan_of(request, order_id)
    try:
        financing.application_withdraw(user=buyer_of(request), application_id=loan.pk)
    except ApplicationError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("The loan is given up: the order is yours to pay in full."))
    return HttpResponseRedirect(back)


@require_GET
@page
def loan_offers_part(request: HttpRequest, order_id: UUID) -> HttpResponse:
    """The offers alone, asked again by the page while a bank has not answered."""
    if away := signed_in_or_away(request, reverse("storefront:order", args=[order_id])):
        return away
    loan = _loan_of(request, order_id)
    context = {"loan": loan, **loan_context(buyer_of(request), loan)}
    return render(request, "storefront/_loan_offers.html", {**context, "order_id": order_id})
