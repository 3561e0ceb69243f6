"""Notifications end to end (docs/notifications.md): the deal's events reach a real Celery
worker, which sends the customer's e-mail to a real SMTP server the test starts (aiosmtpd).
A worker killed while the server holds its message, and the event delivered again, still
leave exactly one message per notification."""

import asyncio
import email
import threading
from decimal import Decimal
from email.header import decode_header, make_header

import pytest
from aiosmtpd.controller import Controller

from accounts.tests.factories import UserFactory
from common.events import types
from common.events.signing import sign
from common.tasks import event_deliver_task
from financing.tests.factories import application_make
from notifications import services
from notifications.models import Delivery
from orders.models import OutboxEvent
from orders.tests.factories import order_make, vehicle_make
from payments import services as payments_services
from tests.processes import Worker, free_port, purge_broker, wait_for

# A worker of the test's own, killed in one test: the machine to itself.
pytestmark = [
    pytest.mark.process,
    pytest.mark.xdist_group("machine"),
    pytest.mark.django_db(transaction=True, databases="__all__"),
]
LEASE_SECONDS = 3


class Mailbox:
    """An SMTP server's received messages. While `holding`, a message's DATA is not
    answered: the sender waits, as on a slow server, and the message is not taken."""

    def __init__(self):
        self.messages: list[email.message.Message] = []
        self.holding = False
        self.held = threading.Event()

    async def handle_DATA(self, server, session, envelope):
        if self.holding:
            self.held.set()
            await asyncio.sleep(60)
            return "451 Try again later"
        self.messages.append(email.message_from_bytes(envelope.content))
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[email.message.Message]:
        return [m for m in self.messages if m["To"] == address]


def subject(message) -> str:
    return str(make_header(decode_header(message["Subject"])))


def text(message) -> str:
    part = next(p for p in message.walk() if p.get_content_type() == "text/plain")
    return part.get_payload(decode=True).decode()


@pytest.fixture
def mailbox():
    box = Mailbox()
    controller = Controller(box, hostname="127.0.0.1", port=free_port())
    controller.start()
    box.url = f"smtp://127.0.0.1:{controller.port}"
    yield box
    controller.stop()


@pytest.fixture
def sending_worker(broker, mailbox, tmp_path):
    """Start workers that send through `mailbox`; each is stopped at the end."""
    started = []

    def start(name: str) -> Worker:
        env = {
            **broker.env,
            "EMAIL_URL": mailbox.url,
            "NOTIFICATIONS_LEASE_SECONDS": str(LEASE_SECONDS),
        }
        worker = Worker(tmp_path / f"{name}.log", env=env, queue=broker.queue).start()
        started.append(worker)
        return worker

    purge_broker()
    yield start
    for worker in started:
        if worker.started().poll() is None:
            worker.stop()


def test_placing_paying_and_financing_reach_each_customer_in_their_language(
    sending_worker, mailbox, provider
):
    sending_worker("worker")
    buyers = {
        "ru": UserFactory(role="client", language="ru", full_name="Анна Смирнова"),
        "en": UserFactory(role="client", language="en", full_name="John Smith"),
    }
    orders = {}
    for language, buyer in buyers.items():
        orders[language] = order_make(buyer, (vehicle_make(price="1500000.00"), 1))
        payments_services.payment_create(
            user=buyer,
            order_id=orders[language].pk,
            amount=Decimal("300000.00"),
            method="card",
            idempotency_key=f"deposit-{language}",
        )
        application_make(
            buyer,
            orders[language],
            vehicle_price="1500000.00",
            down_payment="300000.00",
            monthly_income="400000.00",
        )

    for buyer in buyers.values():
        wait_for(
            lambda buyer=buyer: len(mailbox.to(buyer.email)) >= 3,
            timeout=90,
            message=f"three e-mails to {buyer.email}",
        )
    ru, en = ({subject(m): text(m) for m in mailbox.to(b.email)} for b in buyers.values())
    number = {language: order.number for language, order in orders.items()}
    assert set(ru) == {
        f"Заказ {number['ru']} оформлен",
        "Платёж 300\xa0000,00\xa0₽ получен",
        "Кредит предварительно одобрен",
    }
    assert set(en) == {
        f"Order {number['en']} placed",
        "Payment of 300,000.00\xa0RUB received",
        "Your loan is pre-approved",
    }
    assert "1\xa0500\xa0000,00\xa0₽" in ru[f"Заказ {number['ru']} оформлен"]
    pre_approved = ru["Кредит предварительно одобрен"]
    assert "1\xa0200\xa0000,00\xa0₽" in pre_approved and number["ru"] in pre_approved
    assert "1,200,000.00\xa0RUB" in en["Your loan is pre-approved"]
    assert len(mailbox.messages) == 6  # one each, nothing twice


def test_a_worker_killed_mid_send_and_the_event_delivered_again_leave_one_message(
    sending_worker, mailbox, provider, settings
):
    settings.NOTIFICATIONS_LEASE_SECONDS = LEASE_SECONDS  # the sweep's, as the workers'
    buyer = UserFactory(role="client", language="ru")
    mailbox.holding = True
    first = sending_worker("first")
    try:
        order = order_make(buyer, (vehicle_make(price="1500000.00"), 1))
        assert mailbox.held.wait(60), "the worker never reached the SMTP server"
    finally:
        first.kill()  # SIGKILL while the server holds the message
    delivery = Delivery.objects.get(order_id=order.pk)
    assert (delivery.status, delivery.attempts) == ("queued", 1)
    assert delivery.sending_since is not None  # leased by the dead worker
    assert mailbox.messages == []

    mailbox.holding = False
    second = sending_worker("second")
    # Once the dead worker's lease has run out, the delivery is handed back: by the sweep,
    # or by the broker, which gives the dead worker's unacknowledged task to the second one
    # (whichever comes first; a second worker slow to start finds the lease run out).
    wait_for(
        lambda: services.deliveries_stalled_requeue()
        or Delivery.objects.get(pk=delivery.pk).status == "sent",
        timeout=LEASE_SECONDS + 30,
        message="the delivery handed back after the dead worker's lease",
    )
    row = OutboxEvent.objects.get(type="order.created", aggregate_id=str(order.pk))
    event = types.event_from_outbox_row(row, "orders").as_dict()
    name = "notifications.order_created"
    event_deliver_task.delay(name, event, signature=sign(event, [name]))  # the event again

    wait_for(
        lambda: Delivery.objects.get(pk=delivery.pk).status == "sent",
        timeout=60,
        message="the delivery sent by the second worker",
    )
    second.wait_idle()  # the redelivered event and the sweep's task are done
    (message,) = mailbox.to(buyer.email)
    assert message["Message-ID"] == f"<{delivery.pk}@127.0.0.1>"
    assert Delivery.objects.filter(user_id=buyer.pk).count() == 1
    assert Delivery.objects.get(pk=delivery.pk).attempts == 2
