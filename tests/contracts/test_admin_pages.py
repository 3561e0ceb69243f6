"""Every admin page works against the database of its model, and lists cost the same number
of queries however many rows they show."""

import itertools
import re
from contextlib import ExitStack
from decimal import Decimal
from typing import Any

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.contrib.admin.utils import quote
from django.db import connections
from django.test import RequestFactory, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import strip_tags

from accounts import services as accounts_services
from accounts.choices import ActivityType
from accounts.models import ActivityLog
from accounts.tests.factories import UserFactory
from accounts.tokens import RefreshToken
from catalog.models import Product, StockReservation
from common.api.exceptions import ApplicationError
from conftest import browser_for
from crm import services as crm_services
from crm.tests.factories import crm_client_make
from documents import selectors as documents_selectors
from documents import services as documents_services
from documents.models import REQUISITE_FIELDS
from documents.tests.factories import legal_entity_make
from financing.models import LoanApplication, LoanInstallment
from financing.tests.factories import application_make, credit_discount_make, offer_make
from insurance.models import Claim, Policy, Quote
from insurance.tests.factories import claim_make, insured_vehicle_make, policy_make, quote_make
from integrations.models import Feed, WebhookDelivery
from integrations.tests.factories import webhook_delivery_make, webhook_subscription_make
from notifications import services as notifications_services
from notifications.models import Suppression
from onec.tests.factories import onec_rows_make
from orders.models import Order
from orders.tests.factories import order_make, product_make
from payments import services as payments_services
from payments.models import LedgerTransaction, Payment, Refund
from payments.providers import Kind, Notification
from payments.services.notifications import provider_notification_receive
from payments.tests.factories import completed_payment_make
from service import services as service_services
from service.choices import Channel
from service.tests.factories import (
    booking_make,
    local_at,
    menu_make,
    service_showroom_make,
    work_order_make,
)
from showroom import services as showroom_services
from showroom.models import Allocation, Event, Registration, TestDrive
from showroom.tests.factories import event_make, resource_make, showroom_make, tomorrow_at
from tradein.tests.factories import trade_in_make

pytestmark = pytest.mark.django_db(databases="__all__")


@pytest.fixture(autouse=True)
def _fast_provider(settings, provider):
    settings.FAKE_PROVIDER_LATENCY_MS = 0


# One customer holds every row's car and test drive (docs/deal.md, "Clocks").
LIMITS_LIFTED = {"ORDERS_MAX_UNPAID_VEHICLES": 100, "SHOWROOM_TEST_DRIVE_MAX_ACTIVE": 100}


def rows_make(customer, count: int) -> None:
    """`count` rows of every model the admin lists, made through the services: a product in
    its own category, an order reserving it, a loan application with its schedule on it, its
    payment partly refunded (a charge and a refund in the ledger), a login in the activity
    log, a consent, an insurance quote and a policy with a claim on it, on the car the order holds (one
    customer holding `count` unpaid cars and test drives)."""
    with override_settings(**LIMITS_LIFTED):
        for _ in range(count):
            _rows_make(customer)
    RefreshToken.for_user(customer).blacklist()  # an outstanding and a blacklisted token


# A wrong password from an address of its own each time: failures the lockout counts, never
# enough from one address to lock it.
ADDRESSES = (f"192.0.2.{n}" for n in itertools.count(1))


def _rows_make(customer) -> None:
    """One row of each: see `rows_make`."""
    with pytest.raises(ApplicationError):
        accounts_services.token_obtain(
            ip_address=next(ADDRESSES),
            login=customer.email,
            password="wrong",
        )
    order = order_make(customer, (insured_vehicle_make(price="1100000.00"), 1))
    # with a partner bank's offer on it: the banks, their programmes and a state programme;
    # and the dealer's credit discount
    offer_make(application_make(customer, order, vehicle_price="1100.00", down_payment="100.00"))
    credit_discount_make()
    Feed.objects.create(
        kind="avito", excluded=[{"id": str(order.pk), "name": "A", "reasons": ["color"]}]
    )
    payment = completed_payment_make(customer, order, "100.00")
    payments_services.payment_refund(
        payment_id=payment.pk, amount=Decimal("10.00"), reason="Scratch"
    )
    provider_notification_receive(
        provider="stripe",
        notice=Notification(
            event_id=f"evt_{order.pk}",
            event_type="checkout.session.completed",
            kind=Kind.CHARGE,
            reference=f"cs_{order.pk}",
        ),
    )
    accounts_services.activity_record(user=customer, type=ActivityType.LOGIN)
    accounts_services.consent_give(purpose="account", user=customer, email=customer.email)
    accounts_services.identity_link(
        user=customer, provider="google", subject=f"sub-{order.pk}", email=customer.email
    )
    quote_make(customer, order)
    claim_make(customer, policy_make(customer, order))
    showroom_rows_make(customer)
    crm_rows_make(customer)
    webhook_delivery_make(webhook_subscription_make(customer).pk)  # and its subscription
    documents_rows_make(order)
    notifications_rows_make(customer, order)
    trade_in_make(customer, order)  # and its photo-less appraisal
    service_rows_make(customer)
    # A payment 1C reports above the threshold, waiting for a second approval.
    with override_settings(PAYMENTS_DESK_SECOND_APPROVAL_ABOVE=Decimal("100")):
        onec_rows_make(
            order_id=order.pk, approver=UserFactory.create(role="admin"), amount="500.00"
        )


def service_rows_make(customer) -> None:
    """A showroom's bay, advisor and labour rate; a maintenance menu with its operation and
    part and its shelf; the customer's booking with that menu, and the work order done from
    another, with its lines and the warranty claim of one."""
    showroom = service_showroom_make()
    menu = menu_make(model=f"Vesta {showroom.pk.hex[:6]}")
    booking_make(customer, showroom, menu_id=menu.pk, complaint="")
    admin_user = UserFactory.create(role="admin")
    work_order = work_order_make(admin_user, customer, showroom, start=local_at(showroom, 14))
    service_services.line_add(
        user=admin_user,
        work_order_id=work_order.pk,
        kind="labour",
        name="Гарантийная замена датчика",
        norm_hours=Decimal("1"),
        pay_type="warranty",
    )
    service_services.work_order_sign(
        user=customer, work_order_id=work_order.pk, channel=Channel.SITE
    )
    service_services.work_order_start(user=admin_user, work_order_id=work_order.pk)
    service_services.work_order_complete(user=admin_user, work_order_id=work_order.pk)  # a claim


def notifications_rows_make(customer, order) -> None:
    """A delivery of the order's notice, the customer's preferences and a suppressed
    address; the templates are the shipped ones, loaded again if a test emptied them."""
    notifications_services.template_current(notice="order.created", channel="email", language="ru")
    notifications_services.notify(
        notice="order.created",
        key=f"admin-pages:{order.pk}",
        user_id=customer.pk,
        order_id=order.pk,
        variables={"order_number": "1", "order_url": "/", "total": "1"},
    )
    notifications_services.preferences_update(user=customer, changes={"sms": {"reminders": False}})
    Suppression.objects.get_or_create(
        channel="email", address=customer.email, category="marketing", defaults={"reason": "Test"}
    )


def documents_rows_make(order) -> None:
    """A legal entity (the first signs), and the order's offer: a document, its template and
    its year's numbering."""
    entity = legal_entity_make(
        showroom=f"Салон {order.pk}", is_default=not _default_entity_exists()
    )
    documents_services.document_generate(kind="offer", order_id=order.pk)
    proposed: Any = {field: getattr(entity, field) for field in REQUISITE_FIELDS}
    proposed["account"] = "40702810538000054321"
    admin_user: Any = UserFactory(role="admin")
    documents_services.requisites_change_propose(
        legal_entity_id=entity.pk, values=proposed, user=admin_user
    )


def _default_entity_exists() -> bool:
    try:
        documents_selectors.legal_entity_default()
    except ApplicationError:
        return False
    return True


def showroom_rows_make(customer) -> None:
    """A showroom with its hours and a holiday; an event in a category with a registration, a
    resource of a type in that showroom with a test drive (and so an allocation)."""
    showroom = showroom_make(holidays=[(timezone.localdate(), None, None)])
    event = event_make()
    category = showroom_services.category_create(name=f"Launches {event.pk}")
    showroom_services.event_update(event_id=event.pk, category_id=category.pk)
    showroom_services.registration_create(event_id=event.pk, user=customer)
    vehicle = product_make()
    resource_make(vehicle_id=vehicle.pk, showroom=showroom)
    showroom_services.test_drive_book(
        user=customer, vehicle_id=vehicle.pk, start_time=tomorrow_at(9), end_time=tomorrow_at(10)
    )


def crm_rows_make(customer) -> None:
    """A tagged client with a contact and a logged call; an erased one with its audit row."""
    client = crm_client_make(name=f"Fleet {customer.pk}", type="organization", tags=["fleet"])
    crm_services.contact_add(client_id=client.pk, name="Olga", phone="+79161234567")
    crm_services.activity_log(
        client_id=client.pk, author=customer, kind="call", summary="Asked for a fleet offer"
    )
    crm_services.client_erase(
        client_id=crm_client_make().pk, requested_by="Admin pages", reason="Test"
    )


def url(model, view: str, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def test_every_admin_page_renders_against_the_database_of_its_model(admin_user, customer):
    rows_make(customer, 1)
    browser = browser_for(admin_user)
    request = RequestFactory().get("/admin/")
    request.user = admin_user

    for model, model_admin in admin.site._registry.items():
        label = model._meta.label
        row = model._default_manager.first()
        assert row is not None, f"{label} is in the admin: make a row of it in rows_make()"

        changelist = browser.get(url(model, "changelist"))
        search = browser.get(url(model, "changelist"), {"q": "nothing-like-this"})
        change = browser.get(url(model, "change", quote(row.pk)))
        add = browser.get(url(model, "add"))

        assert changelist.status_code == 200, label
        assert changelist.context["cl"].result_count >= 1, label
        assert search.status_code == 200, label
        assert change.status_code == 200, label
        assert change.context["original"].pk == row.pk, label
        can_add = model_admin.has_add_permission(request)
        assert add.status_code == (200 if can_add else 403), label


# A cell of a list: `<td class="field-status">…</td>` (and the row's link, a `th`).
FULL_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
CELL = re.compile(r'<(td|th) class="field-[^"]*"[^>]*>(.*?)</\1>', re.DOTALL)


def raw_choice_values() -> dict[str, set[str]]:
    """Each stored value of a choice of the project's models that differs from what it reads
    as (`completed`, `purchased`, `active`), with the fields that store it: what a cell of a
    list must never show for itself."""
    values: dict[str, set[str]] = {}
    with translation.override("en"):
        for app_label in settings.DOMAIN_APPS:
            for model in apps.get_app_config(app_label).get_models():
                for field in model._meta.get_fields():
                    for value, label in getattr(field, "flatchoices", None) or ():
                        if isinstance(value, str) and value and value != str(label):
                            values.setdefault(value, set()).add(f"{model._meta.label}.{field.name}")
    return values


def test_no_list_shows_a_stored_choice_instead_of_its_name(customer):
    """A manager reads "Выполнен", "Куплен", "Действует" in every column of every list, the
    columns that show another model's state included, never the stored `completed`,
    `purchased` or `active`, nor a bare id where a person or an order is meant."""
    rows_make(customer, 1)
    raw = raw_choice_values()
    assert {"completed", "purchased", "active"} <= raw.keys()  # what the review found
    browser = browser_for(UserFactory(role="admin", language="ru"))
    shown: dict[str, set[str]] = {}
    for model in admin.site._registry:
        response = browser.get(url(model, "changelist"))
        assert response.status_code == 200, model._meta.label
        for _tag, cell in CELL.findall(response.content.decode()):
            text = strip_tags(cell)
            found = {part.strip() for part in text.split("/") if part.strip() in raw}
            if FULL_UUID.fullmatch(text.strip()):  # an id alone, which no person can say
                found.add(text.strip())
            if found:
                shown.setdefault(model._meta.label, set()).update(found)
    assert shown == {}


LISTS = [
    Event,
    Registration,
    Allocation,
    TestDrive,
    Order,
    Payment,
    Refund,
    LedgerTransaction,
    Product,
    StockReservation,
    ActivityLog,
    LoanApplication,
    LoanInstallment,
    Quote,
    Policy,
    Claim,
    WebhookDelivery,
]


def changelist_queries(browser) -> dict[str, tuple[int, int]]:
    """(queries on every database, rows listed) of each list."""
    counts = {}
    for model in LISTS:
        with ExitStack() as stack:
            captured = [
                stack.enter_context(CaptureQueriesContext(connections[alias]))
                for alias in settings.DATABASES
            ]
            response = browser.get(url(model, "changelist"))
        assert response.status_code == 200, model._meta.label
        queries = sum(len(capture) for capture in captured)
        counts[model._meta.label] = (queries, response.context["cl"].result_count)
    return counts


def test_lists_make_as_many_queries_for_12_rows_as_for_2(admin_user, customer):
    browser = browser_for(admin_user)
    rows_make(customer, 2)
    few = changelist_queries(browser)

    rows_make(customer, 10)
    many = changelist_queries(browser)

    for label, (queries, rows) in few.items():
        assert many[label][1] == rows * 6, f"{label} did not list the new rows"
        assert many[label][0] == queries, (
            f"{label}: {queries} queries for 2 rows, {many[label][0]} for 12"
        )


def test_a_stock_reservation_names_its_order_by_number(admin_user, customer):
    rows_make(customer, 1)
    reservation = StockReservation.objects.get()
    number = Order.objects.get(pk=reservation.order_id).number

    page = browser_for(admin_user).get(url(StockReservation, "changelist")).content.decode()

    assert f">{number}</a>" in page
    assert f">{str(reservation.order_id)[:8]}</a>" not in page
