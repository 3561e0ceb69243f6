"""One status, one wording (docs/storefront.md, "Buying"): an order's status reads the same on
its server-rendered page, in the list of the buyer's orders, in the live feed's snapshot and
in its push, in Russian and in English. Two orders are walked through every status and every
stage of the deal that changes the words (the prepayment, each stage of a loan, a loan
refused), with a subscriber on the order's feed; after each step the push that step sent, a
new subscriber's snapshot and the pages say the same."""

import html
import json
import re
import uuid
from decimal import Decimal

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from asgiref.testing import ApplicationCommunicator
from channels.routing import URLRouter
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts import services as accounts_services
from accounts.realtime import TicketAuthMiddleware
from accounts.tests.factories import UserFactory
from catalog.tests.factories import VehicleFactory
from orders import selectors as orders_selectors
from orders import services as orders_services
from orders.choices import LinkKind, OrderStatus
from orders.models import Order
from orders.routing import websocket_urlpatterns
from orders.tests.factories import order_make
from orders.wording import LOAN_WORDS
from payments.tests.factories import completed_payment_make

pytestmark = pytest.mark.django_db(transaction=True, databases="__all__")

# What each step leaves the order saying, in each language.
WORDS = {
    "reserved": ("Забронирован, ждёт оплаты", "Reserved, waiting for payment"),
    "prepaid": (
        "Предоплата получена, автомобиль закреплён за вами",
        "Prepayment received, the car is yours to buy",
    ),
    "pending_review": (
        "Забронирован, заявка на кредит на рассмотрении",
        "Reserved, the loan application is under review",
    ),
    "approved": (
        "Кредит одобрен, автомобиль закреплён за вами",
        "Loan approved, the car is held for you",
    ),
    "sent_to_lender": (
        "Кредит передан в банк, ждём перечисления",
        "The loan is with the bank, waiting for its payment",
    ),
    "disbursed": ("Оплачен", "Paid"),
    "processing": ("Готовится к выдаче", "Being prepared for handover"),
    "completed": ("Выдан", "Handed over"),
    "rejected": ("Забронирован, ждёт оплаты", "Reserved, waiting for payment"),
    "cancelled": ("Отменён", "Cancelled"),
}
LANGUAGES = ("ru", "en")
STATUS = re.compile(r'<span id="order-status"[^>]*>([^<]*)</span>')
LISTED = re.compile(r'<span class="status status-[a-z]+">([^<]*)</span>')


def application():
    return TicketAuthMiddleware(URLRouter(websocket_urlpatterns))


def scope(order, user) -> dict:
    ticket = accounts_services.ws_ticket_issue(user=user)["ticket"]
    return {
        "type": "websocket",
        "path": f"/ws/orders/{order.pk}/",
        "query_string": f"ticket={ticket}".encode(),
        "headers": [],
        "subprotocols": [],
    }


async def opened(order, user) -> tuple[ApplicationCommunicator, dict]:
    """A subscriber of the order's feed, and the snapshot it was sent."""
    communicator = ApplicationCommunicator(application(), await sync_to_async(scope)(order, user))
    await communicator.send_input({"type": "websocket.connect"})
    assert (await communicator.receive_output(timeout=10))["type"] == "websocket.accept"
    snapshot = await received(communicator)
    assert snapshot["type"] == "snapshot"
    return communicator, snapshot


async def received(communicator) -> dict:
    message = await communicator.receive_output(timeout=10)
    assert message["type"] == "websocket.send", message
    return json.loads(message["text"])


async def closed(communicator) -> None:
    await communicator.send_input({"type": "websocket.disconnect", "code": 1000})
    await communicator.wait()


def pages(order, user) -> dict[str, tuple[str, str]]:
    """The status as the order's page and the list of orders say it, in each language."""
    said = {}
    for language in LANGUAGES:
        client = Client()
        client.force_login(user)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        page = client.get(reverse("storefront:order", args=[order.pk])).content.decode()
        listed = client.get(reverse("storefront:orders")).content.decode()
        (on_page,) = STATUS.findall(page)
        (in_list,) = LISTED.findall(listed)
        said[language] = (html.unescape(on_page), html.unescape(in_list))
    return said


def walk(order, user, steps) -> list[dict]:
    """Take `steps` (name, change) with a subscriber on the order's feed; after each, what the
    last push of the change, a new subscriber's snapshot and the pages say."""

    async def scenario() -> list[dict]:
        feed, snapshot = await opened(order, user)
        seen = [await said("reserved", None, snapshot)]
        for name, change in steps:
            await sync_to_async(change)()
            sequence = await sync_to_async(lambda: Order.objects.get(pk=order.pk).sequence)()
            push = await received(feed)
            while push["sequence"] < sequence:  # the change's earlier pushes
                push = await received(feed)
            assert push["order"]["sequence"] == sequence
            fresh, snapshot = await opened(order, user)
            await closed(fresh)
            seen.append(await said(name, push, snapshot))
        await closed(feed)
        return seen

    async def said(name, push, snapshot) -> dict:
        return {
            "step": name,
            "status": snapshot["order"]["status"],
            "push": push and push["order"]["status_text"],
            "snapshot": snapshot["order"]["status_text"],
            "pages": await sync_to_async(pages)(order, user),
        }

    return async_to_sync(scenario)()


def loan_noted(order, loan_id, status, amount="2000000.00"):
    """What financing's event of the loan's `status` notes on the order."""
    return lambda: orders_services.order_link_note(
        order_id=order.pk,
        kind=LinkKind.LOAN_APPLICATION,
        reference_id=loan_id,
        status=status,
        amount=Decimal(amount),
        currency="RUB",
        reported_at=timezone.now(),
        event=f"loan_application.{status}",
    )


def moved(order, status, user):
    """A person moving the order along its lifecycle."""
    return lambda: orders_services.order_status_set(order_id=order.pk, status=status, user=user)


def test_every_status_reads_the_same_on_the_page_and_in_the_live_feed_in_both_languages():
    buyer, other_buyer = UserFactory(), UserFactory()
    manager = UserFactory(role="manager")
    car = VehicleFactory(price=Decimal("3000000.00"))
    order = order_make(buyer, (car, 1))
    deposit = orders_selectors.vehicle_deposit(total=order.total_amount)
    loan_id = uuid.uuid4()

    def disbursed():
        """The lender's money, as payments records it: the order is paid in full."""
        loan_noted(order, loan_id, "disbursed")()
        paid = Order.objects.get(pk=order.pk)
        orders_services.order_paid_amount_set(
            order_id=order.pk, paid_amount=paid.total_amount, version=paid.paid_version + 1
        )

    walked = walk(
        order,
        buyer,
        [
            ("prepaid", lambda: completed_payment_make(buyer, order, str(deposit))),
            ("pending_review", loan_noted(order, loan_id, "pending_review")),
            ("approved", loan_noted(order, loan_id, "approved")),
            ("sent_to_lender", loan_noted(order, loan_id, "sent_to_lender")),
            ("disbursed", disbursed),
            ("processing", moved(order, "processing", manager)),
            ("completed", moved(order, "completed", manager)),
        ],
    )
    refused = order_make(other_buyer, (VehicleFactory(price=Decimal("2000000.00")), 1))
    refused_loan = uuid.uuid4()
    walked += walk(
        refused,
        other_buyer,
        [
            ("pending_review", loan_noted(refused, refused_loan, "pending_review")),
            ("rejected", loan_noted(refused, refused_loan, "rejected")),
            ("cancelled", moved(refused, "cancelled", other_buyer)),
        ],
    )

    for seen in walked:
        expected = dict(zip(LANGUAGES, WORDS[seen["step"]], strict=True))
        assert seen["snapshot"] == expected, seen
        if seen["push"] is not None:
            assert seen["push"] == expected, seen
        assert {language: said for language, said in seen["pages"].items()} == {
            language: (text, text) for language, text in expected.items()
        }, seen
    # Every status, and every stage of the deal that words it otherwise, was walked.
    assert {seen["status"] for seen in walked} == set(OrderStatus.values)
    assert set(LOAN_WORDS) <= {seen["step"] for seen in walked}
    assert Order.objects.get(pk=order.pk).paid_amount == order.total_amount
