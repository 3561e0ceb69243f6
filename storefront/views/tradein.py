"""The buyer's old car on the storefront (docs/storefront.md, "Trade-in"): asked to be
appraised from a car's page or the checkout, with photos; then followed on its own page,
where the offer is accepted or declined, more photos are added and the trade-in is credited
to an order. Every step is the tradein app's service, as the API's is."""

import uuid
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import services as accounts
from accounts.choices import ConsentPurpose
from catalog import selectors as catalog
from common.api.exceptions import ApplicationError, NotFound
from common.api.throttling import client_ip, throttled
from orders import selectors as orders
from orders.choices import OrderStatus
from storefront.forms.trade_in import MAX_TRADE_IN_PHOTOS, TradeInForm, TradeInPhotosForm
from storefront.pages import page
from storefront.views.checkout import buyer_of, signed_in_or_away
from tradein import selectors as tradein
from tradein import services as tradein_services
from tradein.choices import TradeInStatus

# The steps a buyer takes on the trade-in's page: the service, and what it tells them.
STEPS = {
    "accept": (
        tradein_services.trade_in_accept,
        gettext_lazy("Accepted. The amount is credited to your order once the car is inspected."),
    ),
    "decline": (tradein_services.trade_in_decline, gettext_lazy("You declined the offer.")),
    "withdraw": (tradein_services.trade_in_withdraw, gettext_lazy("You took the car back.")),
}
# While the dealership may still see new photos of the car.
PHOTOS_OPEN = (TradeInStatus.SUBMITTED, TradeInStatus.OFFERED, TradeInStatus.ACCEPTED)


def _page_of(trade_in: Any) -> str:
    return reverse("storefront:trade-in-detail", args=[trade_in.pk])


def _photos_added(request: HttpRequest, trade_in: Any, files: list) -> int:
    """Each photo through the service; the ones refused are told, the rest kept."""
    added = 0
    for upload in files:
        try:
            tradein_services.trade_in_photo_add(trade_in=trade_in, data=upload.read())
        except ApplicationError as error:
            messages.error(request, f"{upload.name}: {error.message}")
        else:
            added += 1
    return added


# Photos chosen with a form that was refused (a wrong VIN, say) are kept for the next try,
# which the browser cannot do (a file input comes back empty): in the cache for an hour,
# under tokens in the buyer's session, at most a form's worth (docs/tradein.md, "Photos").
PHOTOS_KEPT = "trade_in_photos_kept"
PHOTOS_KEPT_SECONDS = 3600


def _photos_keep(request: HttpRequest, files: list) -> None:
    tokens = request.session.get(PHOTOS_KEPT, [])
    for upload in files:
        token = uuid.uuid4().hex
        cache.set(f"{PHOTOS_KEPT}:{token}", (upload.name, upload.read()), PHOTOS_KEPT_SECONDS)
        tokens.append(token)
    request.session[PHOTOS_KEPT] = tokens[-MAX_TRADE_IN_PHOTOS:]


def _photos_kept_count(request: HttpRequest) -> int:
    """How many are still kept (an hour's wait drops them), without reading them."""
    tokens = request.session.get(PHOTOS_KEPT, [])
    return sum(cache.has_key(f"{PHOTOS_KEPT}:{token}") for token in tokens)


def _photos_taken(request: HttpRequest) -> list[ContentFile]:
    """The photos kept from a refused try and still in the cache, taken out of it."""
    tokens = request.session.pop(PHOTOS_KEPT, [])
    found = cache.get_many([f"{PHOTOS_KEPT}:{token}" for token in tokens])
    cache.delete_many(list(found))
    return [ContentFile(data, name=name) for name, data in found.values()]


@require_http_methods(["GET", "POST"])
@throttled("lead", page=True)
@throttled("upload", page=True)  # it takes photos too (docs/tradein.md, "Photos")
@page
def trade_in_new(request: HttpRequest) -> HttpResponse:
    """The appraisal form, for the car whose page sent the buyer (`car`) or for an order
    at the checkout (`order`): on its own page when the form has something to say."""
    if away := signed_in_or_away(
        request,
        request.get_full_path(),
        _("Sign in or create an account to have your car appraised."),
    ):
        return away
    user = buyer_of(request)
    car = _car(request.GET.get("car"))
    form = TradeInForm(
        request.POST or None,
        request.FILES or None,
        initial={"order": request.GET.get("order")},
    )
    if form.is_valid():
        data = form.cleaned_data
        try:
            trade_in = tradein_services.trade_in_submit(
                user=user,
                vin_code=data["vin"],
                make=data["make"],
                model=data["model"],
                year=data["year"],
                mileage_km=data["mileage_km"],
                condition=data["condition"],
                owners_count=data["owners_count"],
                accident_history=data["accident_history"],
                notes=data["notes"],
                order_id=data["order"],
            )
        except ApplicationError as error:
            told = [field for field in error.details if field in form.fields]
            for field in told:
                form.add_error(field, error.details[field])
            if not told:
                form.add_error(None, str(error.message))
        else:
            accounts.consent_give(
                purpose=ConsentPurpose.TRADE_IN,
                user=user,
                email=user.email,
                ip_address=client_ip(request),
            )
            _photos_added(request, trade_in, _photos_taken(request) + data["photos"])
            messages.success(
                request,
                _(
                    "Thank you! An appraiser looks at your car and sends you an offer, usually "
                    "within a working day."
                ),
            )
            return HttpResponseRedirect(_page_of(trade_in))
    if form.is_bound:  # refused: what was chosen waits for the next try
        _photos_keep(request, (form.cleaned_data.get("photos") or []) if form.cleaned_data else [])
    return render(
        request,
        "storefront/trade_in_new.html",
        {"trade_in_form": form, "car": car, "photos_kept": _photos_kept_count(request)},
        status=400 if form.is_bound else 200,
    )


def _car(vehicle_id: str | None) -> Any:
    try:
        return catalog.product_get(product_id=UUID(vehicle_id or ""))
    except (ValueError, NotFound):
        return None


@require_GET
@page
def trade_in_detail(request: HttpRequest, trade_in_id: UUID) -> HttpResponse:
    if away := signed_in_or_away(request, request.path):
        return away
    user = buyer_of(request)
    try:
        trade_in = tradein.trade_in_get(user=user, trade_in_id=trade_in_id)
    except ApplicationError as error:
        raise Http404 from error
    # The orders it may be credited to: the buyer's own, still waiting for their money.
    attachable = []
    if trade_in.order_id is None and trade_in.status in tradein.CREDITABLE:
        attachable = list(orders.orders_of_buyer(user=user).filter(status=OrderStatus.PENDING)[:10])
    return render(
        request,
        "storefront/trade_in.html",
        {
            "trade_in": trade_in,
            "photos": list(trade_in.photos.all()),
            "photos_form": TradeInPhotosForm() if trade_in.status in PHOTOS_OPEN else None,
            "attachable": attachable,
            "steps": _steps_open(trade_in),
        },
    )


def _steps_open(trade_in: Any) -> set[str]:
    if trade_in.status == TradeInStatus.OFFERED:
        return {"accept", "decline", "withdraw"}
    if trade_in.status in (TradeInStatus.SUBMITTED, TradeInStatus.ACCEPTED):
        return {"withdraw"}
    return set()


@require_POST
@page
def trade_in_step(request: HttpRequest, trade_in_id: UUID, step: str) -> HttpResponse:
    """Accept, decline or withdraw: the service decides whether it may (an expired offer is
    refused), and the page tells what it decided."""
    if step not in STEPS:
        raise Http404
    if away := signed_in_or_away(request, request.path):
        return away
    user = buyer_of(request)
    service, done = STEPS[step]
    try:
        trade_in = tradein.trade_in_get(user=user, trade_in_id=trade_in_id)
        service(user=user, trade_in_id=trade_in.pk)
    except ApplicationError as error:
        if error.http_status == 404:
            raise Http404 from error
        messages.error(request, str(error.message))
    else:
        messages.success(request, str(done))
    return HttpResponseRedirect(reverse("storefront:trade-in-detail", args=[trade_in_id]))


@require_POST
@throttled("upload", page=True)
@page
def trade_in_photos(request: HttpRequest, trade_in_id: UUID) -> HttpResponse:
    if away := signed_in_or_away(request, request.path):
        return away
    try:
        trade_in = tradein.trade_in_get(user=buyer_of(request), trade_in_id=trade_in_id)
    except ApplicationError as error:
        raise Http404 from error
    form = TradeInPhotosForm(request.POST, request.FILES)
    if trade_in.status not in PHOTOS_OPEN:
        messages.error(request, _("The car has been seen: no more photos are needed."))
    elif not form.is_valid():
        for problems in form.errors.values():
            messages.error(request, " ".join(str(problem) for problem in problems))
    elif added := _photos_added(request, trade_in, form.cleaned_data["photos"]):
        messages.success(request, _("Photos added: %(count)s.") % {"count": added})
    return HttpResponseRedirect(_page_of(trade_in))


@require_POST
@page
def trade_in_attach(request: HttpRequest, trade_in_id: UUID) -> HttpResponse:
    """Credit the trade-in to one of the buyer's orders waiting for payment."""
    if away := signed_in_or_away(request, request.path):
        return away
    try:
        order_id = UUID(request.POST.get("order", ""))
        trade_in = tradein_services.trade_in_attach(
            user=buyer_of(request), trade_in_id=trade_in_id, order_id=order_id
        )
    except ValueError:
        messages.error(request, _("Choose an order."))
    except ApplicationError as error:
        if error.http_status == 404:
            raise Http404 from error
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("The trade-in is credited to your order."))
        return HttpResponseRedirect(reverse("storefront:order", args=[trade_in.order_id]))
    return HttpResponseRedirect(reverse("storefront:trade-in-detail", args=[trade_in_id]))
