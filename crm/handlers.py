"""The timeline writes itself from other apps' events: one entry per event, whatever number
of times it is delivered (the inbox, and the entry's unique `event_id`). Each entry names its
source by type and id (docs/events.md, "crm"). Its summary is written in the dealership's
language (DEALERSHIP_LANGUAGE), which its staff read, with amounts and times as they write
them."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils import timezone, translation
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from accounts.choices import ConsentPurpose
from common.events import TypedEvent, consumer, contract
from common.formatting import local_datetime, money
from crm import services
from crm.choices import ActivityKind
from orders.choices import OrderStatus, Source, source_label


@dataclass(frozen=True)
class Feed:
    kind: ActivityKind
    source_type: str  # what the entry links to; its id is the payload's `id`
    account_field: str  # the payload's field holding the account the event is about
    summary: Callable[[dict], str]
    # Whether the event is about a customer at all: staff are no CRM clients.
    about_a_customer: Callable[[dict], bool] = lambda payload: True
    # Whether it is money paid or an order paid: its client is a customer, no lead.
    bought: Callable[[dict], bool] = lambda payload: False
    # Where the buyer came from, if the event says (docs/feeds.md, "Sources"): a client of no
    # lead source takes it.
    lead_source: Callable[[dict], str] = lambda payload: ""


def _dealership_time(moment: str) -> str:
    """A payload's date-time, whatever its offset, as the dealership's wall clock reads it
    (docs/api.md, "Times")."""
    return local_datetime(timezone.localtime(parse_datetime(moment)))


def _money(payload: dict, field: str = "amount") -> str:
    return money(payload[field], payload["currency"])


# Insurance's products as its events name them (crm does not import insurance).
INSURANCE_TYPES = {
    "osago": pgettext_lazy("insurance", "OSAGO"),
    "kasko": pgettext_lazy("insurance", "KASKO"),
}


# What a manager must stop doing once a consent is withdrawn (docs/crm.md, "Consents").
CONSENT_STOPS = {
    ConsentPurpose.ACCOUNT: pgettext_lazy(
        "consent withdrawn", "the account is closed; contact only about open orders"
    ),
    ConsentPurpose.CALLBACK: pgettext_lazy("consent withdrawn", "do not call back"),
    ConsentPurpose.TEST_DRIVE: pgettext_lazy(
        "consent withdrawn", "upcoming test drives are cancelled; do not offer new ones"
    ),
    ConsentPurpose.EVENTS: pgettext_lazy(
        "consent withdrawn", "upcoming event registrations are cancelled; do not invite"
    ),
}


def _consent_withdrawn(payload: dict) -> str:
    purpose = ConsentPurpose(payload["purpose"])
    return _("Withdrew the consent to «%(purpose)s»: %(stop)s") % {
        "purpose": purpose.label,
        "stop": CONSENT_STOPS[purpose],
    }


def _car(payload: dict) -> str:
    return f"{payload['make']} {payload['model']}, {payload['year']}"


TRADE_IN_ENDINGS = {
    "declined": pgettext_lazy("trade-in", "declined the offer"),
    "expired": pgettext_lazy("trade-in", "the offer expired"),
    "withdrawn": pgettext_lazy("trade-in", "withdrawn by the customer"),
}


def _trade_in_feed(summary: Callable[[dict], str]) -> Feed:
    return Feed(ActivityKind.TRADE_IN, "trade_in", "customer_id", summary)


def _from(source: str) -> str:
    """Where the buyer of an order came from, when known (docs/feeds.md, "Sources")."""
    return "" if source in ("", Source.DIRECT) else _(" (from %s)") % source_label(source)


# The service's statuses as its events name them (crm does not import service).
WORK_ORDER_STATUSES = {
    "draft": pgettext_lazy("work order", "draft"),
    "agreed": pgettext_lazy("work order", "agreed"),
    "in_work": pgettext_lazy("work order", "in work"),
    "waiting": pgettext_lazy("work order", "waiting for the customer"),
    "done": pgettext_lazy("work order", "done"),
    "handed_over": pgettext_lazy("work order", "handed over"),
    "closed": pgettext_lazy("work order", "closed"),
    "cancelled": pgettext_lazy("work order", "cancelled"),
}
CLAIM_STATUSES = {
    "open": pgettext_lazy("warranty claim", "opened"),
    "submitted": pgettext_lazy("warranty claim", "submitted to the manufacturer"),
    "accepted": pgettext_lazy("warranty claim", "accepted"),
    "rejected": pgettext_lazy("warranty claim", "rejected"),
    "paid": pgettext_lazy("warranty claim", "paid by the manufacturer"),
}


def _roubles(payload: dict, field: str = "amount") -> str:
    return money(payload[field], "RUB")  # the service's money is in roubles


def _service_feed(kind: ActivityKind, source_type: str, summary: Callable[[dict], str]) -> Feed:
    """A service event on the timeline of its customer's account; a booker or a customer
    without one has no CRM client to file it under (docs/service.md, "The CRM's timeline")."""
    return Feed(
        kind,
        source_type,
        "customer_id",
        summary,
        about_a_customer=lambda p: p.get("customer_id") is not None,
    )


def _work_order_moved(p: dict) -> str:
    summary = _("Work order %(number)s went from %(from)s to %(to)s") % {
        "number": p["number"],
        "from": WORK_ORDER_STATUSES.get(p["from_status"], p["from_status"]),
        "to": WORK_ORDER_STATUSES.get(p["status"], p["status"]),
    }
    if p["status"] in ("done", "handed_over"):
        summary += _("; %(total)s to pay") % {"total": _roubles(p, "customer_total")}
    return summary


def _line(p: dict) -> str:
    """A proposed job, named by its work order when the event says which."""
    if p.get("number"):
        return _("Extra work of %(amount)s on %(number)s") % {
            "amount": _roubles(p),
            "number": p["number"],
        }
    return _("Extra work of %(amount)s") % {"amount": _roubles(p)}


SERVICE_FEEDS = {
    "service_booking.created": _service_feed(
        ActivityKind.SERVICE_BOOKING,
        "service_booking",
        lambda p: _("Booked a service for %(when)s") % {"when": _dealership_time(p["start_time"])},
    ),
    "service_booking.rescheduled": _service_feed(
        ActivityKind.SERVICE_BOOKING,
        "service_booking",
        lambda p: _("Service booking moved to %(when)s")
        % {"when": _dealership_time(p["start_time"])},
    ),
    "service_booking.cancelled": _service_feed(
        ActivityKind.SERVICE_BOOKING,
        "service_booking",
        lambda p: _("Service booking for %(when)s cancelled")
        % {"when": _dealership_time(p["start_time"])},
    ),
    "work_order.opened": _service_feed(
        ActivityKind.WORK_ORDER,
        "work_order",
        lambda p: _("Work order %(number)s opened") % {"number": p["number"]},
    ),
    "work_order.status_changed": _service_feed(
        ActivityKind.WORK_ORDER, "work_order", _work_order_moved
    ),
    "work_order.line_proposed": _service_feed(
        ActivityKind.WORK_ORDER,
        "work_order_line",
        lambda p: (
            _("%(line)s proposed")
            if p["state"] == "proposed"
            # decided at once by the customer's advance instruction
            else _("%(line)s approved by the advance instruction")
            if p["state"] == "approved"
            else _("%(line)s declined by the advance instruction")
        )
        % {"line": _line(p)},
    ),
    "work_order.line_decided": _service_feed(
        ActivityKind.WORK_ORDER,
        "work_order_line",
        lambda p: (_("%(line)s approved") if p["state"] == "approved" else _("%(line)s declined"))
        % {"line": _line(p)},
    ),
    "warranty_claim.opened": _service_feed(
        ActivityKind.WARRANTY_CLAIM,
        "warranty_claim",
        lambda p: _("Warranty claim of %(amount)s to %(manufacturer)s opened")
        % {"amount": _roubles(p), "manufacturer": p["manufacturer"]},
    ),
    "warranty_claim.status_changed": _service_feed(
        ActivityKind.WARRANTY_CLAIM,
        "warranty_claim",
        lambda p: _("Warranty claim of %(amount)s to %(manufacturer)s: %(status)s")
        % {
            "amount": _roubles(p),
            "manufacturer": p["manufacturer"],
            "status": CLAIM_STATUSES.get(p["status"], p["status"]),
        },
    ),
}


def _order_status(status: str | None) -> str:
    return str(dict(OrderStatus.choices).get(status, status)).lower() if status else _("new")


FEEDS = {
    # An account an admin creates for staff (POST users/) is nobody's lead.
    "user.created": Feed(
        ActivityKind.REGISTERED,
        "user",
        "id",
        lambda p: _("Registered an account"),
        about_a_customer=lambda p: p["role"] == "client",
    ),
    "order.created": Feed(
        ActivityKind.ORDER_PLACED,
        "order",
        "customer_id",
        lambda p: (
            _("Placed order %(number)s for %(amount)s")
            if p.get("number")
            else _("Placed an order for %(amount)s")
        )
        % {"number": p.get("number"), "amount": _money(p, "total_amount")}
        + _from(p.get("source", Source.DIRECT)),
        lead_source=lambda p: p.get("source", Source.DIRECT),
    ),
    "order.status_changed": Feed(
        ActivityKind.ORDER_STATUS_CHANGED,
        "order",
        "customer_id",
        lambda p: (
            _("Order %(number)s went from %(from)s to %(to)s")
            if p.get("number")
            # An event stored before orders had numbers (docs/conventions.md, "Human numbers").
            else _("The order went from %(from)s to %(to)s")
        )
        % {
            "number": p.get("number"),
            "from": _order_status(p.get("from_status")),
            "to": _order_status(p["status"]),
        },
        bought=lambda p: p["status"] == OrderStatus.PAID,
    ),
    "payment.completed": Feed(
        ActivityKind.PAYMENT_COMPLETED,
        "payment",
        "customer_id",
        lambda p: _("Paid %(amount)s") % {"amount": _money(p)},
        bought=lambda p: True,
    ),
    "payment.refunded": Feed(
        ActivityKind.PAYMENT_REFUNDED,
        "payment",
        "customer_id",
        lambda p: _("Refunded %(refunded)s of a %(amount)s payment")
        % {"refunded": _money(p, "refunded_amount"), "amount": _money(p)},
    ),
    "loan_application.approved": Feed(
        ActivityKind.LOAN_DECIDED,
        "loan_application",
        "customer_id",
        lambda p: _("Loan of %(amount)s over %(months)s months approved")
        % {"amount": _money(p), "months": p["term_months"]},
    ),
    "loan_application.rejected": Feed(
        ActivityKind.LOAN_DECIDED,
        "loan_application",
        "customer_id",
        lambda p: _("Loan of %(amount)s over %(months)s months rejected")
        % {"amount": _money(p), "months": p["term_months"]},
    ),
    "insurance_policy.purchased": Feed(
        ActivityKind.POLICY_ISSUED,
        "insurance_policy",
        "customer_id",
        lambda p: _("%(type)s policy %(number)s bought; %(premium)s to pay")
        % {
            "type": INSURANCE_TYPES.get(p["insurance_type"], p["insurance_type"].upper()),
            "number": p["number"],
            "premium": _money(p, "premium"),
        },
    ),
    "insurance_policy.claim.filed": Feed(
        ActivityKind.CLAIM_FILED,
        "insurance_claim",
        "customer_id",
        lambda p: _("Insurance claim filed for %(amount)s") % {"amount": _money(p)},
    ),
    "insurance_policy.claim.decided": Feed(
        ActivityKind.CLAIM_DECIDED,
        "insurance_claim",
        "customer_id",
        lambda p: (
            _("Insurance claim approved: %(amount)s")
            if p["status"] == "approved"
            else _("Insurance claim rejected: %(amount)s")
        )
        % {"amount": _money(p)},
    ),
    "event.registration.created": Feed(
        ActivityKind.EVENT_REGISTERED,
        "showroom_registration",
        "user_id",
        lambda p: _("Registered for %(event)s") % {"event": p.get("event_title") or _("an event")},
    ),
    "test_drive.booked": Feed(
        ActivityKind.TEST_DRIVE_BOOKED,
        "test_drive",
        "user_id",
        lambda p: _("Test drive booked for %(when)s") % {"when": _dealership_time(p["start_time"])},
    ),
    "consent.withdrawn": Feed(
        ActivityKind.CONSENT_WITHDRAWN,
        "consent",
        "user_id",
        _consent_withdrawn,
    ),
    "trade_in.submitted": _trade_in_feed(
        lambda p: _("Asked for a trade-in of %(car)s") % {"car": _car(p)}
    ),
    "trade_in.offered": _trade_in_feed(
        lambda p: _("Offered %(amount)s for %(car)s") % {"amount": _money(p), "car": _car(p)}
    ),
    "trade_in.accepted": _trade_in_feed(
        lambda p: _("Accepted %(amount)s for %(car)s") % {"amount": _money(p), "car": _car(p)}
    ),
    "trade_in.inspected": _trade_in_feed(
        lambda p: _("%(car)s inspected; %(amount)s credited")
        % {"amount": _money(p), "car": _car(p)}
    ),
    "trade_in.completed": _trade_in_feed(
        lambda p: _("%(car)s taken into used stock") % {"car": _car(p)}
    ),
    "trade_in.cancelled": _trade_in_feed(
        lambda p: _("Trade-in of %(car)s ended: %(how)s")
        % {"car": _car(p), "how": TRADE_IN_ENDINGS[p["status"]]}
    ),
    "test_drive.cancelled": Feed(
        ActivityKind.TEST_DRIVE_CANCELLED,
        "test_drive",
        "user_id",
        lambda p: _("Test drive cancelled"),
    ),
}


# The service department's bookings, work orders and warranty claims (docs/service.md).
FEEDS.update(SERVICE_FEEDS)


def _recorder(feed: Feed):
    def record(received: TypedEvent[Any]) -> None:
        # One recorder for many types: it reads the payload's JSON (docs/events.md).
        event = received.event
        if not feed.about_a_customer(event.payload):
            return
        with translation.override(settings.DEALERSHIP_LANGUAGE):
            summary = feed.summary(event.payload)
        services.timeline_record(
            user_id=event.payload[feed.account_field],
            event=event,
            kind=feed.kind,
            source_type=feed.source_type,
            summary=summary,
            bought=feed.bought(event.payload),
            # An order names its showroom: a lead of none is routed there (docs/crm.md); and
            # its source, which a client of none takes (docs/feeds.md, "Sources").
            showroom_id=event.payload.get("showroom_id"),
            lead_source=feed.lead_source(event.payload),
        )

    return record


def consumer_name(event_type: str) -> str:
    return "crm.timeline_" + contract.first_name(event_type).replace(".", "_")


for _type, _feed in FEEDS.items():
    consumer(_type, name=consumer_name(_type), app_label="crm", reads_json=True)(_recorder(_feed))
