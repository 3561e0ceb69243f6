"""What a buyer does on the storefront: reserving a car (the order holds it), choosing how
to pay and paying through the provider, following the order live and insuring its car
(docs/storefront.md, "Buying"); and the leads: a test drive, a call back, an event's seat
(docs/storefront.md, "Leads")."""

import uuid
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any
from urllib.parse import quote
from uuid import UUID

from django.conf import settings
from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import services as accounts
from accounts.choices import ConsentPurpose
from catalog import selectors as catalog
from common import formatting
from common.api.exceptions import ApplicationError
from common.api.throttling import client_ip, throttled
from crm import services as crm
from documents import selectors as documents_selectors
from financing import selectors as financing_selectors
from insurance import selectors as insurance_selectors
from orders import selectors as orders
from orders import services as order_services
from orders.choices import OrderStatus
from payments import selectors as payment_selectors
from payments import services as payments
from showroom import selectors as showroom_selectors
from showroom import services as showroom
from storefront import loans
from storefront.attribution import attribution_of
from storefront.forms import (
    DEFAULT_DOWN_PAYMENT_PERCENT,
    DEFAULT_TERM,
    CallbackForm,
    CheckoutForm,
    EventRegistrationForm,
    InsureForm,
    PolicyBuyForm,
    TestDriveForm,
    TradeInForm,
)
from storefront.loans import loan_context
from storefront.pages import page
from tradein import selectors as tradein_selectors


def buyer_of(request: HttpRequest) -> Any:
    """The signed-in buyer (`signed_in_or_away` let them in): an account, as the services
    take it."""
    assert request.user.is_authenticated
    return request.user


def _own_part(deal: Any) -> Decimal:
    """What the buyer has still to pay: the balance but for a loan still to come (the deal's
    `payment_due` step, docs/deal.md)."""
    return sum(
        (step.amount for step in deal.outstanding if step.code == "payment_due"), Decimal("0.00")
    )


def _errors_told(request: HttpRequest, form: Any) -> None:
    """A form posted from another page (the car's, the order's) tells its errors there."""
    for problems in form.errors.values():
        messages.error(request, " ".join(str(problem) for problem in problems))


def signed_in_or_away(
    request: HttpRequest, back: str, why: str | None = None
) -> HttpResponse | None:
    """None for a signed-in buyer; anyone else goes to sign in, and then back."""
    if request.user.is_authenticated:
        return None
    messages.info(request, why or _("Sign in or create an account to reserve a car."))
    # The way back whole: its own query and fragment stay in `next`.
    return HttpResponseRedirect(f"{reverse('storefront:sign-in')}?next={quote(back, safe='/')}")


@require_POST
@page
def reserve(request: HttpRequest, vehicle_id: UUID) -> HttpResponse:
    car_page = reverse("storefront:car", args=[vehicle_id])
    if away := signed_in_or_away(request, car_page):
        return away
    try:
        key = UUID(request.POST.get("key", ""))
    except ValueError:
        messages.error(request, _("The form is out of date: try again."))
        return HttpResponseRedirect(car_page)
    try:
        order, _created = order_services.order_create(
            customer=buyer_of(request),
            items=[{"product_id": vehicle_id, "quantity": 1}],
            idempotency_key=f"storefront:{key}",
            attribution=attribution_of(request),
        )
    except ApplicationError as error:
        messages.error(request, str(error.message))
        return HttpResponseRedirect(car_page)
    checkout_page = reverse("storefront:checkout", args=[order.pk])
    if request.POST.get("plan") == CheckoutForm.LOAN:
        checkout_page += f"?plan={CheckoutForm.LOAN}"
    return HttpResponseRedirect(checkout_page)


@require_POST
@page
def test_drive_book(request: HttpRequest, vehicle_id: UUID) -> HttpResponse:
    """Books one of the demo car's free slots, with the consent a test drive needs; the
    showroom's own rules (a verified e-mail, the limits, the slot still free) decide."""
    car_page = reverse("storefront:car", args=[vehicle_id])
    if away := signed_in_or_away(
        request,
        f"{car_page}?{_slot_kept(request.POST.get('start_time', ''))}#test-drive",
        _("Sign in or create an account to book the test drive: the time you chose is kept."),
    ):
        return away
    form = TestDriveForm(request.POST)
    if not form.is_valid():
        _errors_told(request, form)
        return HttpResponseRedirect(f"{car_page}#test-drive")
    start = form.cleaned_data["start_time"]
    length = timedelta(minutes=settings.SHOWROOM_TEST_DRIVE_SLOT_MINUTES)
    try:
        drive = showroom.test_drive_book(
            user=buyer_of(request), vehicle_id=vehicle_id, start_time=start, end_time=start + length
        )
    except ApplicationError as error:
        messages.error(request, str(error.message))
        return HttpResponseRedirect(f"{car_page}#test-drive")
    accounts.consent_give(
        purpose=ConsentPurpose.TEST_DRIVE,
        user=buyer_of(request),
        email=buyer_of(request).email,
        ip_address=client_ip(request),
    )
    messages.success(
        request,
        _("Your test drive is booked for %(when)s. See you at the showroom!")
        % {"when": formatting.local_datetime(drive.start_time)},
    )
    return HttpResponseRedirect(reverse("storefront:account"))


def _slot_kept(chosen: str) -> str:
    """The car page's query that shows the slot a signed-out buyer chose, chosen again."""
    try:
        moment = datetime.fromisoformat(chosen)
    except ValueError:
        return ""
    return urlencode({"day": moment.date().isoformat(), "slot": moment.isoformat()})


@require_POST
@throttled("lead", page=True)
@page
def callback(request: HttpRequest, vehicle_id: UUID) -> HttpResponse:
    """A call back about a car asked for, signed in or not: the CRM's lead, with its
    consent."""
    car_page = reverse("storefront:car", args=[vehicle_id])
    vehicle = catalog.product_get(product_id=vehicle_id)
    form = CallbackForm(request.POST)
    if not form.is_valid():
        _errors_told(request, form)
        return HttpResponseRedirect(f"{car_page}#callback")
    phone = form.cleaned_data["phone"].as_e164
    user = buyer_of(request) if request.user.is_authenticated else None
    crm.callback_request(
        name=form.cleaned_data["name"],
        phone=phone,
        about=f"{vehicle.make} {vehicle.model} {vehicle.year or ''} (VIN {vehicle.vin})".strip(),
        user_id=user.pk if user is not None else None,
        showroom_id=vehicle.showroom_id,
    )
    accounts.consent_give(
        purpose=ConsentPurpose.CALLBACK, user=user, phone=phone, ip_address=client_ip(request)
    )
    messages.success(request, _("Thank you! A manager will call you back within working hours."))
    return HttpResponseRedirect(car_page)


@require_http_methods(["GET", "POST"])
@page
def event_page(request: HttpRequest, event_id: UUID) -> HttpResponse:
    """A showroom event, and a seat at it: confirmed at once when free, held until paid
    when not (the showroom's own rules: seats counted once, a waitlist when full)."""
    here = reverse("storefront:event", args=[event_id])
    event = showroom_selectors.event_get(user=request.user, event_id=event_id)
    posted = request.POST if request.method == "POST" else None
    form = EventRegistrationForm(posted, initial={"key": uuid.uuid4()})
    if posted is not None:
        if away := signed_in_or_away(request, here):
            return away
        if form.is_valid():
            try:
                registration = showroom.registration_create(
                    event_id=event.pk, user=buyer_of(request)
                )
                accounts.consent_give(
                    purpose=ConsentPurpose.EVENTS,
                    user=buyer_of(request),
                    email=buyer_of(request).email,
                    ip_address=client_ip(request),
                )
                payment_url = _seat_paid(request, registration, event, form.cleaned_data["key"])
            except ApplicationError as error:
                form.add_error(None, str(error.message))
            else:
                messages.success(request, _("You are registered. See you at the showroom!"))
                return HttpResponseRedirect(payment_url or reverse("storefront:account"))
    seats_left = max(event.capacity - getattr(event, "seats_taken", 0), 0)  # annotated
    context = {"event": event, "form": form, "seats_left": seats_left}
    return render(request, "storefront/event.html", context, status=400 if form.errors else 200)


def _seat_paid(request: HttpRequest, registration: Any, event: Any, key: UUID) -> str:
    """The payment of a seat held until paid; the provider's page to confirm it on, if any."""
    if registration.status != "pending_payment":
        return ""
    payment, _created = payments.payment_create(
        user=buyer_of(request),
        amount=event.price,
        method="card",
        registration_id=registration.pk,
        description=event.title,
        idempotency_key=f"storefront:{key}",
    )
    return payment_selectors.payment_get(
        user=buyer_of(request), payment_id=payment.pk
    ).confirmation_url


def _deposit(total: Decimal, balance_due: Decimal) -> Decimal:
    return min(orders.vehicle_deposit(total=total), balance_due)


@require_http_methods(["GET", "POST"])
@page
def checkout(request: HttpRequest, order_id: UUID) -> HttpResponse:
    here = reverse("storefront:checkout", args=[order_id])
    if away := signed_in_or_away(request, here):
        return away
    deal = orders.deal_of_buyer(user=buyer_of(request), order_id=order_id)
    order = deal.order
    order_page = reverse("storefront:order", args=[order.pk])
    own_part = _own_part(deal)
    if order.status != OrderStatus.PENDING or own_part <= 0:
        return HttpResponseRedirect(order_page)
    deposit = _deposit(order.total_amount, own_part)
    ended = deal.trade_in is None or deal.trade_in.status in ("declined", "expired", "withdrawn")
    trade_in = None if ended else deal.trade_in
    first_plan = CheckoutForm.FULL if deal.deposit_paid else CheckoutForm.DEPOSIT
    paid = loans.paid_towards_down_payment(deal)  # what a loan's down payment counts in
    share = (order.total_amount * DEFAULT_DOWN_PAYMENT_PERCENT / 100).quantize(Decimal("1"))
    form = CheckoutForm(
        request.POST if request.method == "POST" else None,
        deposit_offered=not deal.deposit_paid,
        initial={
            "plan": request.GET.get("plan", first_plan),
            "key": uuid.uuid4(),
            "down_payment": max(share, paid),
            "term_months": DEFAULT_TERM,
        },
    )
    if form.is_valid():
        try:
            payment_url = _pay(request, form.cleaned_data, deal, deposit, own_part)
        except ApplicationError as error:
            # Told beside the field it is about, with what was typed kept.
            loan_plan = form.cleaned_data["plan"] == CheckoutForm.LOAN
            form.add_error(loans.field_of(error) if loan_plan else None, str(error.message))
        else:
            return HttpResponseRedirect(payment_url or order_page)
    context = {
        "order": order,
        "deal": deal,
        "deposit": deposit,
        "hold_days": settings.ORDERS_FINANCED_EXPIRE_DAYS,
        "own_part": own_part,
        "paid": paid,
        "form": form,
        # The old car: its appraisal asked for here, or one asked for earlier credited.
        "trade_in": trade_in,
        "trade_in_form": None
        if trade_in
        else TradeInForm(initial={"order": order.pk}, auto_id="trade_in_%s"),
        "trade_ins_to_credit": tradein_selectors.trade_ins_to_credit(user=buyer_of(request)),
    }
    return render(request, "storefront/checkout.html", context, status=400 if form.errors else 200)


def _pay(
    request: HttpRequest, data: dict[str, Any], deal: Any, deposit: Decimal, balance: Decimal
) -> str:
    """Makes the payment (and the loan application) `data` chose; the provider's page to
    confirm it on, if it asks for one. A loan's down payment counts what is paid already,
    and one refused withdraws the application this request made (storefront/loans.py)."""
    buyer = buyer_of(request)
    if data["plan"] != CheckoutForm.LOAN:
        amount = deposit if data["plan"] == CheckoutForm.DEPOSIT else balance
        return _paid(buyer, deal.order, data["key"], amount)
    loan = loans.loan_checkout(buyer=buyer, deal=deal, data=data)
    try:
        payment_page = _paid(buyer, deal.order, data["key"], loan.owed)
    except Exception:
        loans.loan_checkout_undone(buyer, loan)  # no loan stands for a form told refused
        raise
    if loan.note:
        messages.info(request, loan.note)
    return payment_page


def _paid(buyer: Any, order: Any, key: UUID, amount: Decimal) -> str:
    """The order's payment of `amount`, none of nothing; the provider's page to confirm it
    on, if it asks for one."""
    if amount <= 0:
        return ""
    payment, _created = payments.payment_create(
        user=buyer,
        amount=amount,
        method="card",
        order_id=order.pk,
        description=_("Order %(number)s") % {"number": order.number},
        idempotency_key=f"storefront:{key}",
    )
    # The embedded provider charges as the request commits: read what it answered.
    return payment_selectors.payment_get(user=buyer, payment_id=payment.pk).confirmation_url


def _quote_shown(request: HttpRequest, order_id: UUID, open_kinds: set[str]) -> Any:
    """The buyer's own quote for this order that the page was sent back with, while it can
    be bought: its premium is what the confirming button names."""
    try:
        quote_id = UUID(request.GET.get("quote", ""))
    except ValueError:
        return None
    quote = (
        insurance_selectors.quote_list(user=buyer_of(request))
        .filter(pk=quote_id, order_id=order_id, status="quoted")
        .first()
    )
    if quote is None or quote.is_expired or quote.insurance_type in open_kinds:
        return None
    return quote


@require_GET
@page
def order_list(request: HttpRequest) -> HttpResponse:
    if away := signed_in_or_away(request, reverse("storefront:orders")):
        return away
    buyer = buyer_of(request)
    # Each order with its status in the words its page and its live feed use (orders.wording).
    listed = [
        (order, orders.order_status_text(order=order))
        for order in orders.orders_of_buyer(user=buyer)
    ]
    return render(request, "storefront/orders.html", {"orders": listed})


@require_GET
@page
def order_detail(request: HttpRequest, order_id: UUID) -> HttpResponse:
    if away := signed_in_or_away(request, reverse("storefront:order", args=[order_id])):
        return away
    buyer = buyer_of(request)
    deal = orders.deal_of_buyer(user=buyer, order_id=order_id)
    policies = list(insurance_selectors.policy_list(user=buyer).filter(order_id=order_id))
    # A kind the order holds an open policy of is not offered again.
    open_kinds = {p.insurance_type for p in policies if p.status in ("pending_payment", "active")}
    quote = _quote_shown(request, order_id, open_kinds)
    loan = (
        financing_selectors.application_list(user=buyer)
        .filter(order_id=order_id)
        .order_by("-created_at")
        .first()
    )
    return render(
        request,
        "storefront/order.html",
        {
            "deal": deal,
            # The order's own payments and its policies' premiums, newest first.
            "payments": payment_selectors.payment_list(user=buyer)
            .filter(payable_id__in=[order_id, *(policy.pk for policy in policies)])
            .order_by("-created_at"),
            "loan": loan,
            **loan_context(buyer, loan),
            "documents": documents_selectors.documents_of_order(user=buyer, order_id=order_id),
            "schedule": financing_selectors.application_schedule(user=buyer, application_id=loan.pk)
            if loan
            else (),
            "order": deal.order,
            # The status in the one wording the live feed sends too (orders.wording).
            "status_text": orders.order_status_text(order=deal.order),
            "history": [
                (change, orders.order_status_words(status=change.to_status))
                for change in orders.order_history(user=buyer, order_id=order_id)
            ],
            # What the loan waits for; the buyer's own part is the amount due, shown apart.
            "waiting_for": [step for step in deal.outstanding if step.code != "payment_due"],
            "own_part": _own_part(deal),
            "policies": policies,
            "insure": InsureForm(
                initial={
                    "insurance_type": quote.insurance_type if quote else "kasko",
                    "driver_age": 35,
                    "driver_experience_years": 10,
                },
                kinds=[kind for kind in ("osago", "kasko") if kind not in open_kinds],
            ),
            "quote": quote,
            "buy": PolicyBuyForm(
                initial={"quote": quote.pk, "premium": quote.premium, "key": uuid.uuid4()}
            )
            if quote
            else None,
        },
    )


@require_GET
@page
def order_document(
    request: HttpRequest, order_id: UUID, document_id: UUID
) -> HttpResponse | FileResponse:
    """One of the order's documents, as its PDF; another buyer's is a 404."""
    if away := signed_in_or_away(request, reverse("storefront:order", args=[order_id])):
        return away
    document = documents_selectors.document_get(user=buyer_of(request), document_id=document_id)
    if document.order_id != order_id:
        raise Http404
    return document_pdf(document)


def document_pdf(document: Any) -> FileResponse:
    """A document's PDF, named by its number: an order's paper, or a work order's."""
    return FileResponse(
        document.file.open("rb"), content_type="application/pdf", filename=f"{document.number}.pdf"
    )
