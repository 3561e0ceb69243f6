"""The timeline writes itself from other apps' events: one entry per event, whatever number
of times it is delivered (the inbox, and the entry's unique `event_id`). Each entry names its
source by type and id (docs/events.md, "crm")."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from django.utils.dateparse import parse_datetime

from common.events import TypedEvent, consumer, contract
from crm import services
from crm.choices import ActivityKind


@dataclass(frozen=True)
class Feed:
    kind: ActivityKind
    source_type: str  # what the entry links to; its id is the payload's `id`
    account_field: str  # the payload's field holding the account the event is about
    summary: Callable[[dict], str]
    # Whether the event is about a customer at all: staff are no CRM clients.
    about_a_customer: Callable[[dict], bool] = lambda payload: True


def _dealership_time(moment: str) -> str:
    """A payload's date-time, whatever its offset, as the dealership's wall clock reads it
    (docs/api.md, "Times")."""
    return timezone.localtime(parse_datetime(moment)).strftime("%Y-%m-%d %H:%M")


def _money(payload: dict, field: str = "amount") -> str:
    return f"{payload[field]} {payload['currency']}"


FEEDS = {
    # An account an admin creates for staff (POST users/) is nobody's lead.
    "user.created": Feed(
        ActivityKind.REGISTERED,
        "user",
        "id",
        lambda p: "Registered an account",
        about_a_customer=lambda p: p["role"] == "client",
    ),
    "order.created": Feed(
        ActivityKind.ORDER_PLACED,
        "order",
        "customer_id",
        lambda p: f"Placed an order for {_money(p, 'total_amount')}",
    ),
    "order.status_changed": Feed(
        ActivityKind.ORDER_STATUS_CHANGED,
        "order",
        "customer_id",
        lambda p: f"Order went from {p.get('from_status') or 'new'} to {p['status']}",
    ),
    "payment.completed": Feed(
        ActivityKind.PAYMENT_COMPLETED, "payment", "customer_id", lambda p: f"Paid {_money(p)}"
    ),
    "payment.refunded": Feed(
        ActivityKind.PAYMENT_REFUNDED,
        "payment",
        "customer_id",
        lambda p: f"Refunded {_money(p, 'refunded_amount')} of a {_money(p)} payment",
    ),
    "loan_application.approved": Feed(
        ActivityKind.LOAN_DECIDED,
        "loan_application",
        "customer_id",
        lambda p: f"Loan of {_money(p)} over {p['term_months']} months approved",
    ),
    "loan_application.rejected": Feed(
        ActivityKind.LOAN_DECIDED,
        "loan_application",
        "customer_id",
        lambda p: f"Loan of {_money(p)} over {p['term_months']} months rejected",
    ),
    "insurance_policy.purchased": Feed(
        ActivityKind.POLICY_ISSUED,
        "insurance_policy",
        "customer_id",
        lambda p: f"{p['insurance_type'].upper()} policy {p['number']} bought; "
        f"{_money(p, 'premium')} to pay",
    ),
    "insurance_policy.claim.filed": Feed(
        ActivityKind.CLAIM_FILED,
        "insurance_claim",
        "customer_id",
        lambda p: f"Insurance claim filed for {_money(p)}",
    ),
    "insurance_policy.claim.decided": Feed(
        ActivityKind.CLAIM_DECIDED,
        "insurance_claim",
        "customer_id",
        lambda p: f"Insurance claim {p['status']}: {_money(p)}",
    ),
    "event.registration.created": Feed(
        ActivityKind.EVENT_REGISTERED,
        "showroom_registration",
        "user_id",
        lambda p: f"Registered for {p.get('event_title', 'an event')} ({p['status']})",
    ),
    "test_drive.booked": Feed(
        ActivityKind.TEST_DRIVE_BOOKED,
        "test_drive",
        "user_id",
        lambda p: f"Test drive booked for {_dealership_time(p['start_time'])}",
    ),
    "test_drive.cancelled": Feed(
        ActivityKind.TEST_DRIVE_CANCELLED,
        "test_drive",
        "user_id",
        lambda p: "Test drive cancelled",
    ),
}


def _recorder(feed: Feed):
    def record(received: TypedEvent[Any]) -> None:
        # One recorder for many types: it reads the payload's JSON (docs/events.md).
        event = received.event
        if not feed.about_a_customer(event.payload):
            return
        services.timeline_record(
            user_id=event.payload[feed.account_field],
            event=event,
            kind=feed.kind,
            source_type=feed.source_type,
            summary=feed.summary(event.payload),
        )

    return record


def consumer_name(event_type: str) -> str:
    return "crm.timeline_" + contract.first_name(event_type).replace(".", "_")


for _type, _feed in FEEDS.items():
    consumer(_type, name=consumer_name(_type), app_label="crm", reads_json=True)(_recorder(_feed))
