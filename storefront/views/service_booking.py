"""Booking the service on the site (docs/storefront.md, "Service"): the car by VIN or plate, a
maintenance or the customer's words, a showroom and a day, then one of the free starts the
service app offers; someone not signed in confirms their phone with a code sent by SMS. The
booking's own page, reached by the signed link its messages carry, shows it and moves or
cancels it. Every step is the service app's, as the API's is."""

from datetime import date, datetime, timedelta
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from common.api.exceptions import ApplicationError, NotFound
from service import selectors as service
from service import services as service_services
from showroom.selectors.showrooms import showrooms_for_buyers
from storefront.forms.service import BookingForm
from storefront.pages import page
from storefront.views.checkout import buyer_of

FIND, BOOK = "find", "book"
# The field each of the service's refusals is about; the rest (a slot just taken, no advisor)
# stand above the form.
FIELD_OF_REFUSAL = {
    "phone_code_required": "code",
    "phone_code_invalid": "code",
    "phone_codes_exhausted": "phone",
    "vehicle_required": "vin",
    "work_required": "complaint",
    "menu_not_found": "menu",
    "menu_not_for_car": "menu",
    "showroom_not_found": "showroom",
}


def _form(request: HttpRequest, data: Any = None) -> BookingForm:
    tomorrow = timezone.localdate() + timedelta(days=1)
    initial: dict[str, Any] = {"day": tomorrow, "vin": request.GET.get("vin", "")[:17]}
    if request.user.is_authenticated:
        user = request.user
        initial |= {"name": user.full_name, "phone": str(user.phone or ""), "email": user.email}
    return BookingForm(
        data,
        initial=initial,
        showrooms=list(showrooms_for_buyers()),
        menus=list(service.menu_list()),
    )


def _slots(form: BookingForm) -> list[tuple[datetime, datetime]]:
    data = form.cleaned_data
    return service_services.slots_free(
        showroom_id=data["showroom"], day=data["day"], menu_id=data.get("menu")
    )


@require_http_methods(["GET", "POST"])
@page
def booking_page(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        return _render(request, _form(request))
    form = _form(request, request.POST)
    if not form.is_valid():
        return _render(request, form, status=400)
    if request.POST.get("action") != BOOK or not form.cleaned_data.get("start"):
        return _render(request, form, slots=_slots(form))
    try:
        return _book(request, form)
    except ApplicationError as error:
        form.add_error(FIELD_OF_REFUSAL.get(error.code), str(error.message))
        return _render(request, form, slots=_slots(form), status=error.http_status)


def _book(request: HttpRequest, form: BookingForm) -> HttpResponse:
    data = form.cleaned_data
    anonymous = not request.user.is_authenticated
    if anonymous and not data["phone"]:
        form.add_error("phone", _("Give your phone: we send a code to confirm it."))
        return _render(request, form, slots=_slots(form), status=400)
    if anonymous and not data["phone_code"]:
        sent = service_services.phone_code_send(phone=data["phone"])
        posted = request.POST.copy()
        posted["phone_code"] = str(sent.pk)
        asked = _form(request, posted)
        asked.is_valid()
        return _render(request, asked, slots=_slots(asked), code_sent=True)
    booking = service_services.booking_create(
        user=None if anonymous else buyer_of(request),
        showroom_id=data["showroom"],
        start_time=data["start"],
        menu_id=data.get("menu"),
        complaint=data["complaint"].strip(),
        phone_code_id=data["phone_code"] if anonymous else None,
        code=data["code"],
        vin=data["vin"],
        plate=data["plate"],
        mileage_km=data["mileage_km"],
        name=data["name"],
        phone=data["phone"],
        email=data["email"],
    )
    messages.success(request, _("Booked. We have sent the details by SMS and e-mail."))
    token = service_services.booking_link_token(booking)
    return HttpResponseRedirect(reverse("storefront:service-booking", args=[token]))


def _render(
    request: HttpRequest,
    form: BookingForm,
    *,
    slots: list[tuple[datetime, datetime]] | None = None,
    status: int = 200,
    code_sent: bool = False,
) -> HttpResponse:
    chosen = form.data.get("start", "")
    context = {
        "form": form,
        "slots": slots,
        "chosen": chosen,
        "code_sent": code_sent or bool(form.data.get("phone_code")),
        "anonymous": not request.user.is_authenticated,
    }
    return render(request, "storefront/service_booking.html", context, status=status)


# THE BOOKING'S OWN PAGE, BY ITS SIGNED LINK
# ------------------------------------------------------------------------------
def _booking_of(token: str) -> Any:
    try:
        return service.booking_of_link(booking_id=service_services.booking_id_of_link(token))
    except (ApplicationError, NotFound) as error:  # a bad or old link, a booking gone
        raise Http404 from error


@require_http_methods(["GET", "POST"])
@page
def booking_link_page(request: HttpRequest, token: str) -> HttpResponse:
    """Shown; moved to another start of a day asked for; or cancelled."""
    booking = _booking_of(token)
    here = reverse("storefront:service-booking", args=[token])
    if request.method == "POST":
        try:
            if request.POST.get("action") == "cancel":
                service_services.booking_cancel(booking_id=booking.pk, user=None)
                messages.success(request, _("The booking is cancelled."))
            else:
                start = datetime.fromisoformat(request.POST.get("start", ""))
                service_services.booking_reschedule(
                    booking_id=booking.pk, start_time=start, user=None
                )
                messages.success(request, _("The booking is moved."))
        except ValueError:
            messages.error(request, _("Choose a time."))
        except ApplicationError as error:
            messages.error(request, str(error.message))
        return HttpResponseRedirect(here)
    day = _day(request.GET.get("day", ""))
    slots = None
    if day is not None and booking.status == "booked":
        menu_id = booking.menu_id
        slots = service_services.slots_free(
            showroom_id=booking.showroom_id, day=day, menu_id=menu_id
        )
    card = next((c for c in showrooms_for_buyers() if c.id == booking.showroom_id), None)
    return render(
        request,
        "storefront/service_booking_link.html",
        {"booking": booking, "showroom": card, "slots": slots, "day": day},
    )


def _day(value: str) -> date | None:
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None
