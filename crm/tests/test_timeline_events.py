"""The timeline from other apps' events, delivered in this process: the account's client is
found or made whatever the order of arrival, walk-ins are linked by e-mail, and a repeated
delivery writes nothing."""

import pytest
from django.utils import translation

from accounts import services as accounts_services
from accounts.tests.factories import PASSWORD
from common.events import registry, types
from crm import services
from crm.handlers import FEEDS
from crm.models import Activity, Client, OutboxEvent
from crm.tests.events import deliver
from crm.tests.factories import crm_client_make
from orders.tests.factories import order_make, product_make

pytestmark = pytest.mark.django_db(databases="__all__")


def register(email="anna@example.com", full_name="Anna Petrova", phone=""):
    return accounts_services.user_register(
        email=email, password=PASSWORD, full_name=full_name, phone=phone
    )


def test_a_registering_user_becomes_a_lead_with_a_registered_entry():
    user = register(phone="+79161234567")

    assert deliver("accounts", "user.created") is True

    client = Client.objects.get(user_id=user.pk)
    assert (client.name, client.email, str(client.phone)) == (
        "Anna Petrova",
        "anna@example.com",
        "+79161234567",
    )
    assert (client.status, client.source, client.manager_id) == ("lead", "registration", None)
    entry = Activity.objects.get(client=client)
    assert (entry.kind, entry.source_type, entry.source_id) == ("registered", "user", str(user.pk))
    assert OutboxEvent.objects.filter(type="client.created", aggregate_id=str(client.pk)).exists()


def test_a_staff_account_an_admin_opens_is_nobodys_lead(admin_user):
    staff = accounts_services.user_create(
        actor=admin_user,
        email="new.manager@example.com",
        role="manager",
        full_name="Oleg",
        whole_group=True,
    )

    assert deliver("accounts", "user.created") is True  # consumed, with nothing to record

    assert not Client.objects.filter(user_id=staff.pk).exists()
    assert not Activity.objects.exists()


def test_a_walk_in_who_registers_later_is_linked_not_duplicated(manager):
    walk_in = crm_client_make(actor=manager, name="Anna (walk-in)", email="ANNA@example.com")
    user = register()

    deliver("accounts", "user.created")

    assert Client.objects.count() == 1
    walk_in.refresh_from_db()
    assert str(walk_in.user_id) == str(user.pk)
    assert walk_in.name == "Anna (walk-in)" and str(walk_in.manager_id) == str(manager.pk)
    assert walk_in.activities.get().kind == "registered"
    assert OutboxEvent.objects.get(type="client.updated").payload["changed"] == ["user_id"]


def test_an_order_arriving_before_the_registration_makes_one_client_and_the_order_of_events_holds():
    user = register()
    order = order_make(user, (product_make(price="500.00"), 1))

    assert deliver("orders", "order.created") is True  # before user.created
    assert deliver("accounts", "user.created") is True
    assert deliver("orders", "order.created") is False  # delivered twice
    assert deliver("accounts", "user.created") is False

    client = Client.objects.get()
    assert str(client.user_id) == str(user.pk)
    entries = list(client.activities.order_by("occurred_at"))
    assert [(e.kind, e.source_id) for e in entries] == [
        ("registered", str(user.pk)),
        ("order_placed", str(order.pk)),
    ]
    # In the dealership's language (DEALERSHIP_LANGUAGE), which its staff read.
    assert entries[1].summary == f"Оформил заказ {order.number} на 500,00\xa0₽"
    assert client.last_activity_at == entries[1].occurred_at


def test_an_event_about_an_account_that_is_gone_writes_nothing(admin_user):
    user = register()
    accounts_services.user_delete(actor=admin_user, user=user)

    assert deliver("accounts", "user.created") is True  # consumed, with nothing to record

    assert not Client.objects.exists() and not Activity.objects.exists()


def test_an_entry_is_written_once_even_without_the_inbox():
    user = register()
    row = registry.outbox_model("accounts").objects.get(type="user.created")
    event = types.event_from_outbox_row(row, "accounts")

    for _ in range(2):  # straight to the service, as a redelivery past the inbox would
        services.timeline_record(
            user_id=user.pk, event=event, kind="registered", source_type="user", summary="Hi"
        )

    assert Activity.objects.filter(event_id=event.id).count() == 1


def test_events_after_a_merge_land_on_the_survivor(manager):
    user = register()
    deliver("accounts", "user.created")
    linked = Client.objects.get(user_id=user.pk)
    survivor = crm_client_make(actor=manager, name="Anna (walk-in)")
    services.client_merge(actor=manager, client_id=survivor.pk, duplicate_id=linked.pk)
    order = order_make(user, (product_make(price="500.00"), 1))

    deliver("orders", "order.created")

    entry = Activity.objects.get(kind="order_placed")
    assert (entry.client_id, entry.source_id) == (survivor.pk, str(order.pk))


def test_a_test_drive_entry_reads_its_time_on_the_dealerships_clock():
    from crm.handlers import FEEDS

    summary = FEEDS["test_drive.booked"].summary
    with translation.override("en"):
        assert summary({"start_time": "2026-11-25T06:30:00+00:00"}) == (
            "Test drive booked for 11/25/2026 09:30"  # Europe/Moscow, docs/api.md "Times"
        )
    with translation.override("ru"):
        assert summary({"start_time": "2026-11-25T09:30:00+03:00"}) == (
            "Записан на тест-драйв 25.11.2026 09:30"
        )


def test_an_order_event_stored_before_orders_had_numbers_reads_whole():
    """An event from before human numbers carries none: its entry reads as a sentence, with
    no gap where the number would be."""
    placed = {"total_amount": "500.00", "currency": "RUB"}
    moved = {"from_status": "pending", "status": "paid"}

    with translation.override("ru"):
        assert FEEDS["order.created"].summary(placed) == "Оформил заказ на 500,00\xa0₽"
        assert (
            FEEDS["order.status_changed"].summary(moved)
            == "Заказ перешёл из статуса «ожидает оплаты» в «оплачен»"
        )
        numbered = FEEDS["order.created"].summary({**placed, "number": "А-2026-000001"})
    assert numbered == "Оформил заказ А-2026-000001 на 500,00\xa0₽"
