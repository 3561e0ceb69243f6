"""The cars: the home page, the listing, a vehicle's page and the comparison. Each reads
through the apps' selectors, as the API does; a page asked for by htmx gets only the part it
swaps."""

import uuid
from datetime import date, timedelta
from typing import Any
from uuid import UUID

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.http import require_GET, require_POST

from catalog import selectors as catalog
from catalog.choices import Condition, ProductKind
from common.api.exceptions import ApplicationError, NotFound
from common.sellers import Seller
from documents import selectors as documents
from financing import selectors as financing
from insurance import selectors as insurance_selectors
from insurance import services as insurance
from service import selectors as service
from showroom import selectors as showroom
from showroom import services as showroom_services
from showroom.selectors.showrooms import showrooms_for_buyers
from storefront import compare, seo, specs
from storefront.forms import (
    GROUPING,
    CalculatorForm,
    CallbackForm,
    InsuranceForm,
    RoublesInput,
    TestDriveForm,
    TradeInForm,
)
from storefront.pages import htmx, page
from storefront.views.contacts import ShowroomShown, shown

PAGE_SIZE = 24
FEATURED = 8
SIMILAR = 4
# The listing's orders, as the catalog's `ordering` names them: (value, label).
ORDERINGS = [
    ("", gettext_lazy("Newest first")),
    ("price", gettext_lazy("Cheapest first")),
    ("-price", gettext_lazy("Most expensive first")),
    ("-year", gettext_lazy("Youngest first")),
    ("mileage_km", gettext_lazy("Lowest mileage first")),
    ("-power_hp", gettext_lazy("Most powerful first")),
]
# The facets a listing offers, in this order; models once a make is chosen.
FACET_LEGENDS = [
    ("city", gettext_lazy("City")),
    ("showroom", pgettext_lazy("a car's place", "Showroom")),
    ("condition", gettext_lazy("Condition")),
    ("body_type", gettext_lazy("Body type")),
    ("make", gettext_lazy("Make")),
    ("model", gettext_lazy("Model")),
    ("fuel", gettext_lazy("Fuel")),
    ("transmission", gettext_lazy("Gearbox")),
    ("drive", gettext_lazy("Drive")),
    ("color", gettext_lazy("Colour")),
]
# How far ahead a test drive may be booked (the showroom's own limit is 30 days).
TEST_DRIVE_DAYS_AHEAD = 29
# What crawlers are asked to leave alone (robots.txt).
ROBOTS_DISALLOWED = ["/account/", "/checkout/", "/compare/", "/admin/", "/api/", "/dashboard/"]
# The privacy policy's version (storefront/templates/storefront/privacy.html).
PRIVACY_POLICY_VERSION = "2026-11"
# The listing's parameters that are not the catalog's filters.
NOT_FILTERS = ("page", "ordering")


@require_GET
@page
def home(request: HttpRequest) -> HttpResponse:
    stock = catalog.vehicle_facets(params=QueryDict())
    return render(
        request,
        "storefront/home.html",
        {
            "count": stock["count"],
            "body_types": stock["facets"]["body_type"],
            "makes": stock["facets"]["make"][:12],
            "price_from": stock["ranges"]["price"]["min"],
            "featured": catalog.vehicles_featured(limit=FEATURED),
            "loan": financing.loan_terms(),
            "events": showroom.events_upcoming(user=request.user, limit=3),
        },
    )


@require_GET
@page
def car_list(request: HttpRequest) -> HttpResponse:
    query = _amounts_plain(request.GET)
    filters = query.copy()
    for name in NOT_FILTERS:
        filters.pop(name, None)
    context: dict[str, Any] = {
        "orderings": ORDERINGS,
        "errors": {},
        # The price range as a Russian reads it, `1 500 000` (`RoublesInput`).
        **{f"{name}_shown": RoublesInput().format_value(request.GET.get(name)) for name in AMOUNTS},
    }
    try:
        facets = catalog.vehicle_facets(params=filters)
        vehicles = catalog.vehicle_list(params=query)
    except ApplicationError as error:
        context.update(errors=error.details, facets=None, cars=None, count=0)
        status = 400
    else:
        paginator = Paginator(vehicles, PAGE_SIZE)
        paginator.count = facets["count"]  # counted with the facets, under the same filters
        context.update(
            facets=facets,
            facet_groups=[
                {"name": name, "legend": legend, "options": facets["facets"][name]}
                for name, legend in FACET_LEGENDS
                if facets["facets"][name] and (name != "model" or request.GET.get("make"))
            ],
            count=facets["count"],
            cars=paginator.get_page(request.GET.get("page")),
        )
        status = 200
    template = "storefront/_results.html" if htmx(request) else "storefront/cars.html"
    return render(request, template, context, status=status)


@require_GET
@page
def car_detail(request: HttpRequest, vehicle_id: UUID) -> HttpResponse:
    try:
        vehicle = catalog.product_get(product_id=vehicle_id)
    except NotFound:
        return render(request, "storefront/gone.html", status=404)
    if vehicle.kind != ProductKind.VEHICLE:
        raise Http404
    calculator = _calculator(request, vehicle)
    drive = _test_drive(request, vehicle)
    # Who sells the car, its page and footer say, and where its insurance is priced
    # (docs/showrooms.md, "One seller").
    seller = documents.seller_of(showroom_id=vehicle.showroom_id)
    estimate = _insurance(request, vehicle, seller)
    if htmx(request) and request.GET.get("part") in ("calculator", "insurance", "test_drive"):
        part = request.GET["part"]
        context = {"vehicle": vehicle, **calculator, **estimate, **drive}
        return render(request, f"storefront/_{part}.html", context)
    available = vehicle.stock_quantity > 0 and not vehicle.vin_to_be_entered
    return render(
        request,
        "storefront/car.html",
        {
            "vehicle": vehicle,
            "car_data": seo.car_data(request, vehicle, available=available),
            # Read only when its cached fragment is not (docs/storefront.md, "Caching").
            "specification": SimpleLazyObject(lambda: specs.specification(vehicle)),
            "fragment_seconds": settings.STOREFRONT_FRAGMENT_SECONDS,
            "available": available,
            "where": _where(vehicle),
            "car_seller": seller,
            "similar": catalog.vehicles_similar(vehicle=vehicle, limit=SIMILAR),
            # A used car's visits to our service, by its VIN (docs/service.md, "Each car's
            # history"): a car taken in by trade-in brings its own.
            "service_history": service.car_history(vin=vehicle.vin or "")
            if vehicle.condition == Condition.USED
            else [],
            "compared": vehicle.pk in compare.compared_ids(request),
            "callback": CallbackForm(
                initial={"name": getattr(request.user, "full_name", "")},
                auto_id="callback_%s",  # one page, several forms: ids of their own
            ),
            # The old car's appraisal, for a buyer who is signed in (anyone else signs in).
            "trade_in_form": TradeInForm(auto_id="trade_in_%s")
            if request.user.is_authenticated
            else None,
            # One reservation however often the form is sent (its Idempotency-Key).
            "reserve_key": uuid.uuid4(),
            "deposit_percent": settings.ORDERS_VEHICLE_DEPOSIT_PERCENT,
            **calculator,
            **estimate,
            **drive,
        },
    )


# The listing's amounts, typed grouped (`1 500 000`) and filtered plain.
AMOUNTS = ("min_price", "max_price")


def _amounts_plain(query: QueryDict) -> QueryDict:
    """`query` with the price range as the filters take it: `1500000`, whatever spaces or
    decimal comma it was typed with."""
    plain = query.copy()
    for name in AMOUNTS:
        typed = str(plain.get(name) or "")
        if typed:
            plain[name] = typed.translate(GROUPING).replace(",", ".")
    return plain


def _where(vehicle: Any) -> ShowroomShown | None:
    """The showroom the car stands in, open or not now on its own clock; none for a car that
    stands nowhere yet, or in a showroom closed to buyers."""
    cards = [card for card in showrooms_for_buyers() if card.id == vehicle.showroom_id]
    return shown(cards[0], None) if cards else None


def _calculator(request: HttpRequest, vehicle: Any) -> dict[str, Any]:
    form = CalculatorForm(request.GET, price=vehicle.price)
    loan = banks = None
    if form.is_valid():
        terms = {
            "vehicle_price": vehicle.price,
            "down_payment": form.cleaned_data["down_payment"],
            "term_months": form.cleaned_data["term_months"],
        }
        try:
            loan = financing.payment_estimate(**terms)
        except ApplicationError as error:
            form.add_error(None, str(error.message))
        else:  # the partner banks' least full cost (docs/financing.md, "Offers")
            banks = financing.full_cost_from(
                **terms, condition=vehicle.condition, make=vehicle.make, year=vehicle.year
            )
    return {"calculator": form, "loan": loan, "banks_cost": banks}


def _test_drive(request: HttpRequest, vehicle: Any) -> dict[str, Any]:
    """The demo car's free slots on the day asked for (tomorrow unless said), if the car
    has one."""
    if not vehicle.test_drive_available:
        return {"slots": None}
    today = timezone.localdate()
    try:
        day = date.fromisoformat(request.GET.get("day", ""))
    except ValueError:
        day = today + timedelta(days=1)
    day = min(max(day, today), today + timedelta(days=TEST_DRIVE_DAYS_AHEAD))
    try:
        slots = showroom_services.test_drive_slots_free(vehicle_id=vehicle.pk, day=day)
    except ApplicationError:  # no demo car after all
        return {"slots": None}
    return {
        # Each slot's start, and its time on the clock of the showroom the demo car stands in.
        "slots": [(start, f"{start:%H:%M}") for start, _end in slots],
        "day": day,
        "days": (today, today + timedelta(days=TEST_DRIVE_DAYS_AHEAD)),
        "test_drive": TestDriveForm(auto_id="drive_%s"),
        # The slot chosen before signing in, chosen again (checkout.test_drive_book).
        "chosen_slot": request.GET.get("slot", ""),
    }


def _insurance(request: HttpRequest, vehicle: Any, seller: Seller | None) -> dict[str, Any]:
    """The estimate, priced in the territory of the city its seller sells it in."""
    form = InsuranceForm(request.GET)
    territory = insurance_selectors.territory_of(city=seller.city if seller else "")
    premiums = {}
    if form.is_valid() and vehicle.year:
        premiums = insurance.premium_estimates(
            vehicle_price=vehicle.price,
            vehicle_make=vehicle.make,
            vehicle_year=vehicle.year,
            engine_power_hp=vehicle.power_hp,
            today=timezone.localdate(),
            territory=territory.code,
            **form.cleaned_data,
        )
    return {"insurance": form, "premiums": premiums, "territory": territory}


@require_GET
@page
def compare_page(request: HttpRequest) -> HttpResponse:
    ids = compare.compared_ids(request)
    vehicles: list[Any] = []
    rows: list[dict[str, Any]] = []
    if ids:
        try:
            vehicles, compared = catalog.vehicles_compared(ids=ids)
        except ApplicationError as error:  # a car sold since: it leaves the comparison
            for gone in error.details.get("ids", []):
                compare.compared_remove(request, UUID(gone))
            return HttpResponseRedirect(reverse("storefront:compare"))
        rows = [
            {
                "label": row["label"],
                "values": [specs.shown(vehicle, row["field"]) for vehicle in vehicles],
                "differs": row["differs"],
            }
            for row in compared
        ]
    return render(request, "storefront/compare.html", {"vehicles": vehicles, "rows": rows})


@require_POST
@page
def compare_add(request: HttpRequest, vehicle_id: UUID) -> HttpResponse:
    vehicle = catalog.product_get(product_id=vehicle_id)
    if vehicle.kind != ProductKind.VEHICLE:
        raise Http404
    if not compare.compared_add(request, vehicle.pk):
        messages.warning(
            request,
            _("At most %(count)s cars are compared at once: remove one first.")
            % {"count": catalog.MAX_COMPARED},
        )
    return HttpResponseRedirect(reverse("storefront:car", args=[vehicle.pk]))


@require_POST
@page
def compare_remove(request: HttpRequest, vehicle_id: UUID) -> HttpResponse:
    compare.compared_remove(request, vehicle_id)
    return HttpResponseRedirect(reverse("storefront:compare"))


@require_GET
@page
def privacy(request: HttpRequest) -> HttpResponse:
    return render(request, "storefront/privacy.html", {"version": PRIVACY_POLICY_VERSION})


@require_GET
def robots_txt(request: HttpRequest) -> HttpResponse:
    """What crawlers may read: the cars, not the account, the checkout, the admin or the
    API; and where the sitemap is."""
    sitemap = request.build_absolute_uri(reverse("sitemap"))
    lines = [
        "User-agent: *",
        *(f"Disallow: {path}" for path in ROBOTS_DISALLOWED),
        f"Sitemap: {sitemap}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
