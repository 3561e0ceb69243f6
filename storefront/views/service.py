"""The service department on the storefront (docs/storefront.md, "Service"): "Мои автомобили",
each car with its visits and the next maintenance due; a work order's page, where its customer
signs it, with their instruction for faults found, approves or declines each job proposed
during the work, and pays by card with the receipts of each payment. The same page, reached by
the work order's signed link that its messages carry, lets whoever holds the link sign it and
answer each job proposed, without an account. Every step is the service app's (and
payments'), as the API's is."""

import uuid
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from common.api.exceptions import ApplicationError, NotFound
from documents import selectors as documents_selectors
from payments import selectors as payments_selectors
from payments import services as payments
from service import selectors as service
from service import services as service_services
from service.choices import Channel, LineState, WorkOrderStatus
from storefront.forms.service import WorkOrderPayForm, WorkOrderSignForm
from storefront.pages import page
from storefront.views.checkout import buyer_of, document_pdf, signed_in_or_away


@require_GET
@page
def my_cars(request: HttpRequest) -> HttpResponse:
    if away := signed_in_or_away(request, request.path, _("Sign in to see your cars.")):
        return away
    cars = service.my_cars(user=buyer_of(request))
    return render(request, "storefront/my_cars.html", {"cars": cars})


@dataclass(frozen=True)
class _Way:
    """How the page was reached: by its customer signed in (the order's id in the paths, the
    word given on the SITE) or by the signed link (its token in the paths, the word given by
    LINK, nobody signed in: no papers, no payments)."""

    key: Any  # what the page's paths carry: the work order's id, or the link's token
    user: Any  # the customer signed in; None by the link
    channel: str
    page_view: str  # the page's URL name; its steps' are it and "-sign", "-decide"

    @property
    def by_link(self) -> bool:
        return self.channel == Channel.LINK

    @property
    def sign_view(self) -> str:
        return f"{self.page_view}-sign"

    @property
    def decide_view(self) -> str:
        return f"{self.page_view}-decide"

    def back(self) -> HttpResponseRedirect:
        return HttpResponseRedirect(reverse(self.page_view, args=[self.key]))


def _own(request: HttpRequest, work_order_id: UUID) -> Any:
    work_order = service.work_order_get(user=buyer_of(request), work_order_id=work_order_id)
    if str(work_order.customer_id) != str(request.user.pk):
        raise Http404
    return work_order


def _signed_in(request: HttpRequest, work_order_id: UUID) -> _Way:
    return _Way(work_order_id, buyer_of(request), Channel.SITE, "storefront:work-order")


def _of_link(token: str) -> tuple[Any, _Way]:
    """The work order the token names, and the way by its link; a bad or old token, or an
    order gone, is a 404."""
    try:
        work_order_id = service_services.work_order_id_of_link(token)
        work_order = service.work_order_of_link(work_order_id=work_order_id)
    except (ApplicationError, NotFound) as error:
        raise Http404 from error
    return work_order, _Way(token, None, Channel.LINK, "storefront:work-order-link")


@require_GET
@page
def work_order_page(request: HttpRequest, work_order_id: UUID) -> HttpResponse:
    if away := signed_in_or_away(request, request.path, _("Sign in to see your work order.")):
        return away
    return _work_order_render(
        request,
        _own(request, work_order_id),
        WorkOrderSignForm(),
        way=_signed_in(request, work_order_id),
    )


def _work_order_render(
    request: HttpRequest,
    work_order: Any,
    form: WorkOrderSignForm,
    status: int = 200,
    pay_form: WorkOrderPayForm | None = None,
    *,
    way: _Way,
) -> HttpResponse:
    lines = list(work_order.lines.all())
    payable = work_order.status in service.PAYABLE_STATUSES and work_order.balance > 0
    payable = payable and not way.by_link
    if payable and pay_form is None:
        pay_form = WorkOrderPayForm(initial={"amount": work_order.balance, "key": uuid.uuid4()})
    return render(
        request,
        "storefront/work_order.html",
        {
            "work_order": work_order,
            "agreed": [line for line in lines if line.state != LineState.PROPOSED],
            "proposed": [line for line in lines if line.state == LineState.PROPOSED],
            "form": form if work_order.status == WorkOrderStatus.DRAFT else None,
            "pay_form": pay_form if payable else None,
            "papers": None
            if way.by_link
            else documents_selectors.documents_of_order(
                user=buyer_of(request), order_id=work_order.pk
            ).filter(superseded_by__isnull=True),
            "payments": None
            if way.by_link
            else payments_selectors.payment_list(user=buyer_of(request))
            .filter(payable_id=work_order.pk)
            .order_by("created_at"),
            "via": way,
        },
        status=status,
    )


def _sign(request: HttpRequest, work_order: Any, way: _Way) -> HttpResponse:
    form = WorkOrderSignForm(request.POST)
    if not form.is_valid():
        return _work_order_render(request, work_order, form, status=400, way=way)
    try:
        service_services.work_order_sign(
            user=way.user,
            work_order_id=work_order.pk,
            channel=way.channel,
            instruction=form.cleaned_data["instruction"],
            instruction_limit=form.cleaned_data["instruction_limit"],
        )
    except ApplicationError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("Signed. We will call you when the car is ready."))
    return way.back()


@require_POST
@page
def work_order_sign(request: HttpRequest, work_order_id: UUID) -> HttpResponse:
    if away := signed_in_or_away(request, reverse("storefront:work-order", args=[work_order_id])):
        return away
    return _sign(request, _own(request, work_order_id), _signed_in(request, work_order_id))


def _decide(
    request: HttpRequest, work_order: Any, way: _Way, line_id: UUID, decision: str
) -> HttpResponse:
    try:
        line = service_services.line_decide(
            user=way.user,
            work_order_id=work_order.pk,
            line_id=line_id,
            approve=decision == "approve",
            channel=way.channel,
        )
    except ApplicationError as error:
        if error.http_status == 404:
            raise Http404 from error
        messages.error(request, str(error.message))
    else:
        done = (
            _("Approved: %(name)s.")
            if line.state == LineState.APPROVED
            else _("Declined: %(name)s.")
        )
        messages.success(request, done % {"name": line.name})
    return way.back()


@require_POST
@page
def work_order_decide(
    request: HttpRequest, work_order_id: UUID, line_id: UUID, decision: str
) -> HttpResponse:
    if decision not in ("approve", "decline"):
        raise Http404
    if away := signed_in_or_away(request, reverse("storefront:work-order", args=[work_order_id])):
        return away
    work_order = _own(request, work_order_id)
    return _decide(request, work_order, _signed_in(request, work_order_id), line_id, decision)


@require_POST
@page
def work_order_pay(request: HttpRequest, work_order_id: UUID) -> HttpResponse:
    """The balance, or a prepayment, by card through the provider with the form's key: sent
    twice, it pays once (`payments.services.payment_create`)."""
    if away := signed_in_or_away(request, reverse("storefront:work-order", args=[work_order_id])):
        return away
    work_order = _own(request, work_order_id)
    form = WorkOrderPayForm(request.POST)
    way = _signed_in(request, work_order_id)
    if not form.is_valid():
        return _work_order_render(
            request, work_order, WorkOrderSignForm(), status=400, pay_form=form, way=way
        )
    try:
        payment, _created = payments.payment_create(
            user=buyer_of(request),
            amount=form.cleaned_data["amount"],
            method="card",
            work_order_id=work_order.pk,
            description=_("Work order %(number)s") % {"number": work_order.number},
            idempotency_key=f"storefront:{form.cleaned_data['key']}",
        )
    except ApplicationError as error:
        form.add_error("amount", str(error.message))
        return _work_order_render(
            request, work_order, WorkOrderSignForm(), status=409, pay_form=form, way=way
        )
    # The embedded provider charges as the request commits: read what it answered.
    confirmation = payments_selectors.payment_get(user=buyer_of(request), payment_id=payment.pk)
    return HttpResponseRedirect(confirmation.confirmation_url or way.back().url)


@require_GET
@page
def work_order_paper(
    request: HttpRequest, work_order_id: UUID, document_id: UUID
) -> HttpResponse | FileResponse:
    """One of the work order's papers, as its PDF; another customer's is a 404."""
    if away := signed_in_or_away(request, reverse("storefront:work-order", args=[work_order_id])):
        return away
    work_order = _own(request, work_order_id)
    document = documents_selectors.document_get(user=buyer_of(request), document_id=document_id)
    if document.order_id != work_order.pk:
        raise Http404
    return document_pdf(document)


# THE WORK ORDER BY ITS SIGNED LINK
# ------------------------------------------------------------------------------
@require_GET
@page
def work_order_link_page(request: HttpRequest, token: str) -> HttpResponse:
    work_order, way = _of_link(token)
    return _work_order_render(request, work_order, WorkOrderSignForm(), way=way)


@require_POST
@page
def work_order_link_sign(request: HttpRequest, token: str) -> HttpResponse:
    work_order, way = _of_link(token)
    return _sign(request, work_order, way)


@require_POST
@page
def work_order_link_decide(
    request: HttpRequest, token: str, line_id: UUID, decision: str
) -> HttpResponse:
    if decision not in ("approve", "decline"):
        raise Http404
    work_order, way = _of_link(token)
    return _decide(request, work_order, way, line_id, decision)
