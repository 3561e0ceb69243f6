"""Every stateful model has one transition map (docs/state-machines.md). For each model this
walks every pair of states through the map's one door, `TransitionMap.apply`, against the
edges the domain allows, written out here independently of the maps; and it reads the
source to make sure nothing else assigns a status."""

import itertools
import re
from pathlib import Path

import pytest
from django.conf import settings

from catalog.choices import RESERVATION_TRANSITIONS, ReservationStatus
from catalog.models import StockReservation
from common.events.bus import INBOX_TRANSITIONS
from common.exceptions import ApplicationError
from crm.choices import CLIENT_TRANSITIONS
from crm.choices import ClientStatus as Cl
from crm.models import Client
from financing.choices import APPLICATION_TRANSITIONS
from financing.choices import ApplicationStatus as A
from financing.models import LoanApplication
from insurance.choices import CLAIM_TRANSITIONS, POLICY_TRANSITIONS, QUOTE_TRANSITIONS
from insurance.choices import ClaimStatus as C
from insurance.choices import PolicyStatus as P
from insurance.choices import QuoteStatus as Q
from insurance.models import Claim, Policy, Quote
from integrations.choices import DELIVERY_TRANSITIONS
from integrations.choices import DeliveryStatus as Dl
from integrations.models import WebhookDelivery
from orders.choices import ORDER_TRANSITIONS, Actor
from orders.choices import OrderStatus as O
from orders.models import InboxEvent, Order
from payments.choices import PAYMENT_TRANSITIONS, REFUND_TRANSITIONS
from payments.choices import PaymentStatus as Pay
from payments.choices import RefundStatus as R
from payments.models import Payment, Refund
from showroom.choices import (
    ALLOCATION_TRANSITIONS,
    EVENT_TRANSITIONS,
    REGISTRATION_TRANSITIONS,
    TEST_DRIVE_TRANSITIONS,
    AllocationStatus,
    TestDriveStatus,
)
from showroom.choices import EventStatus as E
from showroom.choices import RegistrationStatus as Reg
from showroom.models import Allocation, Registration, TestDrive
from showroom.models import Event as ShowroomEvent

CUSTOMER, STAFF, SYSTEM = Actor.CUSTOMER, Actor.STAFF, Actor.SYSTEM
ANYONE = None

# model, map, {(from, to): actors allowed, or ANYONE when the map names none}
EXPECTED = {
    "order": (
        Order,
        ORDER_TRANSITIONS,
        {
            (O.PENDING, O.PAID): {SYSTEM},
            (O.PENDING, O.CANCELLED): {CUSTOMER, STAFF, SYSTEM},
            (O.PAID, O.PROCESSING): {STAFF},
            (O.PAID, O.CANCELLED): {CUSTOMER, STAFF, SYSTEM},
            (O.PROCESSING, O.COMPLETED): {STAFF},
        },
    ),
    "payment": (
        Payment,
        PAYMENT_TRANSITIONS,
        {
            (Pay.PENDING, Pay.COMPLETED): ANYONE,
            (Pay.PENDING, Pay.FAILED): ANYONE,
            (Pay.PENDING, Pay.REQUIRES_ACTION): ANYONE,
            (Pay.REQUIRES_ACTION, Pay.COMPLETED): ANYONE,
            (Pay.REQUIRES_ACTION, Pay.FAILED): ANYONE,
            (Pay.COMPLETED, Pay.PARTIALLY_REFUNDED): ANYONE,
            (Pay.COMPLETED, Pay.REFUNDED): ANYONE,
            (Pay.PARTIALLY_REFUNDED, Pay.PARTIALLY_REFUNDED): ANYONE,
            (Pay.PARTIALLY_REFUNDED, Pay.REFUNDED): ANYONE,
        },
    ),
    "refund": (
        Refund,
        REFUND_TRANSITIONS,
        {
            (R.AWAITING_APPROVAL, R.PENDING): ANYONE,
            (R.AWAITING_APPROVAL, R.REJECTED): ANYONE,
            (R.PENDING, R.COMPLETED): ANYONE,
            (R.PENDING, R.FAILED): ANYONE,
        },
    ),
    "loan application": (
        LoanApplication,
        APPLICATION_TRANSITIONS,
        {
            (A.PENDING_REVIEW, A.APPROVED): ANYONE,
            (A.PENDING_REVIEW, A.REJECTED): ANYONE,
            (A.PENDING_REVIEW, A.WITHDRAWN): ANYONE,
            (A.APPROVED, A.WITHDRAWN): ANYONE,
            (A.APPROVED, A.DISBURSED): ANYONE,
            (A.DISBURSED, A.RETURNED): ANYONE,
            (A.WITHDRAWN, A.RETURNED): ANYONE,
        },
    ),
    "quote": (
        Quote,
        QUOTE_TRANSITIONS,
        {(Q.QUOTED, Q.PURCHASED): ANYONE, (Q.QUOTED, Q.CANCELLED): ANYONE},
    ),
    "policy": (
        Policy,
        POLICY_TRANSITIONS,
        {
            (P.PENDING_PAYMENT, P.ACTIVE): ANYONE,
            (P.PENDING_PAYMENT, P.LAPSED): ANYONE,
            (P.ACTIVE, P.CANCELLED): ANYONE,
        },
    ),
    "claim": (
        Claim,
        CLAIM_TRANSITIONS,
        {(C.FILED, C.APPROVED): ANYONE, (C.FILED, C.REJECTED): ANYONE},
    ),
    "stock reservation": (
        StockReservation,
        RESERVATION_TRANSITIONS,
        {(ReservationStatus.ACTIVE, ReservationStatus.RELEASED): ANYONE},
    ),
    "showroom event": (
        ShowroomEvent,
        EVENT_TRANSITIONS,
        {
            (E.DRAFT, E.PUBLISHED): ANYONE,
            (E.DRAFT, E.CANCELLED): ANYONE,
            (E.PUBLISHED, E.CANCELLED): ANYONE,
            (E.PUBLISHED, E.FINISHED): ANYONE,
        },
    ),
    "registration": (
        Registration,
        REGISTRATION_TRANSITIONS,
        {
            (Reg.WAITLISTED, Reg.CONFIRMED): ANYONE,
            (Reg.WAITLISTED, Reg.PENDING_PAYMENT): ANYONE,
            (Reg.WAITLISTED, Reg.CANCELLED): ANYONE,
            (Reg.PENDING_PAYMENT, Reg.CONFIRMED): ANYONE,
            (Reg.PENDING_PAYMENT, Reg.CANCELLED): ANYONE,
            (Reg.PENDING_PAYMENT, Reg.EXPIRED): ANYONE,
            (Reg.CONFIRMED, Reg.CANCELLED): ANYONE,
        },
    ),
    "allocation": (
        Allocation,
        ALLOCATION_TRANSITIONS,
        {(AllocationStatus.ACTIVE, AllocationStatus.RELEASED): ANYONE},
    ),
    "test drive": (
        TestDrive,
        TEST_DRIVE_TRANSITIONS,
        {
            (TestDriveStatus.BOOKED, TestDriveStatus.CANCELLED): ANYONE,
            (TestDriveStatus.BOOKED, TestDriveStatus.COMPLETED): ANYONE,
            (TestDriveStatus.BOOKED, TestDriveStatus.NO_SHOW): ANYONE,
        },
    ),
    "client": (
        Client,
        CLIENT_TRANSITIONS,
        {
            (Cl.LEAD, Cl.ACTIVE): ANYONE,
            (Cl.LEAD, Cl.INACTIVE): ANYONE,
            (Cl.ACTIVE, Cl.INACTIVE): ANYONE,
            (Cl.INACTIVE, Cl.ACTIVE): ANYONE,
        },
    ),
    "webhook delivery": (
        WebhookDelivery,
        DELIVERY_TRANSITIONS,
        {
            (Dl.PENDING, Dl.SUCCEEDED): ANYONE,
            (Dl.PENDING, Dl.FAILED): ANYONE,
            (Dl.SUCCEEDED, Dl.PENDING): ANYONE,
            (Dl.FAILED, Dl.PENDING): ANYONE,
        },
    ),
    "inbox entry": (
        InboxEvent,
        INBOX_TRANSITIONS,
        {(InboxEvent.Status.DEAD, InboxEvent.Status.PROCESSED): ANYONE},
    ),
}

ACTORS = [CUSTOMER, STAFF, SYSTEM, None]


def _walks():
    for name, (model, transitions, allowed) in EXPECTED.items():
        states = transitions.states.values
        for source, target in itertools.product(states, states):
            yield pytest.param(
                model, transitions, allowed, source, target, id=f"{name}:{source}->{target}"
            )


@pytest.mark.parametrize(("model", "transitions", "allowed", "source", "target"), list(_walks()))
def test_every_edge_is_allowed_exactly_when_the_domain_allows_it(
    model, transitions, allowed, source, target
):
    for actor in ACTORS:
        row = model(**{transitions.field: source})
        edge = (source, target)
        permitted = edge in allowed and (allowed[edge] is ANYONE or actor in allowed[edge])
        if permitted:
            assert transitions.apply(row, target, actor=actor) == source
            assert getattr(row, transitions.field) == target
        else:
            with pytest.raises(ApplicationError) as refused:
                transitions.apply(row, target, actor=actor)
            assert refused.value.http_status == (403 if edge in allowed else 409)
            assert refused.value.code in {transitions.code, transitions.actor_code}
            assert getattr(row, transitions.field) == source  # nothing moved


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_the_map_lists_exactly_the_domains_edges(name):
    _model, transitions, allowed = EXPECTED[name]
    assert set(transitions.edges) == set(allowed)


def test_every_model_with_a_status_field_has_a_map():
    from django.apps import apps

    covered = {model for model, _map, _edges in EXPECTED.values()}
    covered_bases = {model.__mro__[1] for model in covered}  # abstract inbox base
    stateful = {
        model
        for model in apps.get_models()
        if model.__module__.split(".")[0] in settings.DOMAIN_APPS
        and "status" in {field.name for field in model._meta.get_fields()}
        and model.__name__ != "OrderLink"  # a copy of what another domain reported
    }
    assert {m for m in stateful if m not in covered and m.__mro__[1] not in covered_bases} == set()


ROOT = Path(__file__).resolve().parents[1]
STATUS_WRITE = re.compile(
    r"""\.status\s*=(?!=)|\bupdate\([^)]*\bstatus\s*=|setattr\([^,]+,\s*["']status["']"""
)


def _source_files():
    for path in ROOT.rglob("*.py"):
        parts = path.relative_to(ROOT).parts
        if parts[0] in {".venv", "bench", "tests", "var"} or "migrations" in parts:
            continue
        if "tests" in parts or path.name == "conftest.py":
            continue
        yield path


def test_no_code_outside_the_transition_helper_assigns_a_status():
    offenders = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for path in _source_files()
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if STATUS_WRITE.search(line)
    ]
    assert offenders == []


def test_the_source_check_would_see_an_assignment():
    assert STATUS_WRITE.search("        order.status = OrderStatus.PAID")
    assert STATUS_WRITE.search("Refund.objects.filter(pk=1).update(status='failed')")
    assert not STATUS_WRITE.search("if order.status == OrderStatus.PAID:")
