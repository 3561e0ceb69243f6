"""Insurance on the order's page (docs/storefront.md): a policy priced first, as a quote the
page shows with its premium, and bought only by the button that names that amount."""

from uuid import UUID

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from common.api.exceptions import ApplicationError
from documents import selectors as documents
from insurance import selectors as insurance_selectors
from insurance import services as insurance
from orders import selectors as orders
from payments import selectors as payment_selectors
from payments import services as payments
from storefront.forms import InsureForm, PolicyBuyForm
from storefront.pages import page
from storefront.views.checkout import _errors_told, buyer_of, signed_in_or_away


@require_POST
@page
def order_insure(request: HttpRequest, order_id: UUID) -> HttpResponse:
    """OSAGO or KASKO for the ordered car, priced first: a quote for the driver given, in the
    territory of the city its seller sells it in (docs/showrooms.md, "One seller"), which
    the order's page then shows with its premium and a button that names it
    (`order_insure_buy`). Nothing is bought or charged here."""
    order_page = reverse("storefront:order", args=[order_id])
    if away := signed_in_or_away(request, order_page):
        return away
    deal = orders.deal_of_buyer(user=buyer_of(request), order_id=order_id)
    form = InsureForm(request.POST)
    if not form.is_valid():
        _errors_told(request, form)
        return HttpResponseRedirect(f"{order_page}#insure")
    data = form.cleaned_data
    car = next(item for item in deal.order.line_items)
    seller = documents.seller_of(showroom_id=deal.order.showroom_id)
    territory = insurance_selectors.territory_of(city=seller.city if seller else "")
    try:
        quote = insurance.quote_create(
            user=buyer_of(request),
            order_id=order_id,
            insurance_type=data["insurance_type"],
            product_id=car.product_id,
            driver_age=data["driver_age"],
            driver_experience_years=data["driver_experience_years"],
            unlimited_drivers=False,
            territory=territory.code,
        )
    except ApplicationError as error:
        messages.error(request, str(error.message))
        return HttpResponseRedirect(f"{order_page}#insure")
    return HttpResponseRedirect(f"{order_page}?quote={quote.pk}#insure")


@require_POST
@page
def order_insure_buy(request: HttpRequest, order_id: UUID) -> HttpResponse:
    """The quote the buyer was shown, bought, and its premium paid through the provider with
    the form's key: sent twice, or twice at once, it buys one policy and pays once
    (`insurance.services.policy_for_quote`)."""
    order_page = reverse("storefront:order", args=[order_id])
    if away := signed_in_or_away(request, order_page):
        return away
    orders.deal_of_buyer(user=buyer_of(request), order_id=order_id)  # another's: a 404
    form = PolicyBuyForm(request.POST)
    if not form.is_valid():
        _errors_told(request, form)
        return HttpResponseRedirect(f"{order_page}#insure")
    data = form.cleaned_data
    try:
        policy = insurance.policy_for_quote(
            user=buyer_of(request),
            order_id=order_id,
            quote_id=data["quote"],
            premium=data["premium"],
        )
        payment, _created = payments.payment_create(
            user=buyer_of(request),
            amount=policy.premium,
            method="card",
            policy_id=policy.pk,
            description=policy.get_insurance_type_display(),
            idempotency_key=f"storefront:{data['key']}",
        )
    except ApplicationError as error:
        messages.error(request, str(error.message))
        return HttpResponseRedirect(f"{order_page}#insure")
    confirmation = payment_selectors.payment_get(user=buyer_of(request), payment_id=payment.pk)
    messages.success(request, _("The policy is bought: %(number)s.") % {"number": policy.number})
    return HttpResponseRedirect(confirmation.confirmation_url or order_page)
