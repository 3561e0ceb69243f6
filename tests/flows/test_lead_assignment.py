"""Every sale has a manager (docs/crm.md, "Assignment"): a buyer who registers online becomes
a lead of one active manager, in turn, so that the sales report names that manager as their
order's, on every group manager's report and dashboard alike (docs/dashboard.md, "Who sees
what"); an admin reassigns with an action, and the change is an event."""

import queue

import pytest
from django.contrib.admin import helpers
from django.db import transaction
from django.urls import reverse

from accounts import services as accounts_services
from accounts.tests.factories import PASSWORD, UserFactory
from backoffice import dashboard
from conftest import browser_for, chose_english, run_concurrently
from crm import services as crm_services
from crm.models import Client, OutboxEvent
from crm.tests.events import deliver
from orders.tests.factories import order_make, vehicle_make
from payments.tests.factories import completed_payment_make
from tests.flows.reports import csv_read, order_rows

MANAGER_COLUMN = 5  # backoffice.exports.ORDER_COLUMNS: the order's customer's manager

pytestmark = pytest.mark.django_db(databases="__all__")


def register(number: int):
    user = accounts_services.user_register(
        email=f"buyer{number}@example.ru",
        password=PASSWORD,
        full_name=f"Покупатель {number}",
        phone="",
    )
    crm_services.client_for_user(user.pk)  # what the CRM does on the account's first event
    return user


def manager_of(user):
    return Client.objects.get(user_id=user.pk).manager_id


def test_buyers_who_register_online_go_to_the_active_managers_in_turn():
    first = UserFactory(role="manager", full_name="Екатерина Смирнова")
    second = UserFactory(role="manager", full_name="Дмитрий Орлов")
    UserFactory(role="manager", is_active=False)  # on leave: given nobody

    buyers = [register(n) for n in range(5)]

    assert [manager_of(b) for b in buyers] == [first.pk, second.pk, first.pk, second.pk, first.pk]
    # A client a manager takes on by hand counts as their turn.
    crm_services.client_create(actor=second, name="Walk-in", email="walk.in@example.ru")
    assert manager_of(register(5)) == first.pk
    assert Client.objects.filter(manager_id__isnull=True).count() == 0


def test_with_assignment_off_a_registered_buyer_waits_to_be_taken(settings, manager):
    settings.CRM_LEAD_ASSIGNMENT = "none"

    assert manager_of(register(1)) is None


def test_a_walk_in_nobody_took_gets_a_manager_when_they_register(admin_user, manager):
    walk_in = crm_services.client_create(
        actor=admin_user, name="Анна", email="buyer1@example.ru", manager_id=None
    )

    user = register(1)

    walk_in.refresh_from_db()
    assert (walk_in.user_id, walk_in.manager_id) == (user.pk, manager.pk)
    changed = OutboxEvent.objects.filter(type="client.updated").latest("occurred_at")
    assert changed.payload["changed"] == ["user_id", "manager_id"]


def test_an_online_buyers_order_is_one_managers_sale_on_every_group_managers_figures(
    run_on_commit, provider
):
    managers = [UserFactory(role="manager") for _ in range(3)]
    buyer = accounts_services.user_register(
        email="online@example.ru", password=PASSWORD, full_name="Онлайн Покупатель", phone=""
    )
    assert deliver("accounts", "user.created") is True
    buyer = accounts_services.email_verify_confirm(
        token=accounts_services.email_verify_token(user=buyer)
    )
    order = order_make(buyer, (vehicle_make(price="2350000.00"), 1))
    with run_on_commit():
        completed_payment_make(buyer, order, "2350000.00")

    seller = next(m for m in managers if m.pk == manager_of(buyer))
    sold = {}
    for manager in managers:
        tiles = {tile["key"]: tile for tile in dashboard.figures(user=manager)["tiles"]}
        report = browser_for(chose_english(manager)).get(reverse("sales-report-csv"))
        orders, _total = order_rows(csv_read(report))
        listed = tuple((row[0], row[MANAGER_COLUMN]) for row in orders)
        sold[manager.pk] = (tiles["revenue"]["values"]["today"]["value"], listed)

    # The group's managers see the group's sales, each sale its one manager's.
    assert set(sold.values()) == {("2350000.00", ((order.number, seller.full_name),))}


@pytest.mark.django_db(transaction=True, databases="__all__")
def test_leads_coming_in_at_once_are_shared_evenly():
    managers = [UserFactory(role="manager") for _ in range(3)]
    buyers = [
        accounts_services.user_register(
            email=f"rush{n}@example.ru", password=PASSWORD, full_name=f"Rush {n}", phone=""
        )
        for n in range(12)
    ]

    waiting = queue.SimpleQueue()
    for buyer in buyers:
        waiting.put(buyer)

    def lead():
        with transaction.atomic(using="crm"):
            return crm_services.client_for_user(waiting.get_nowait().pk).manager_id

    given = run_concurrently(len(buyers), lead)  # re-raises any thread's failure

    assert {pk: given.count(pk) for pk in {m.pk for m in managers}} == {m.pk: 4 for m in managers}


def test_an_admin_reassigns_clients_with_an_action_and_the_change_is_an_event(admin_user):
    first, second = UserFactory(role="manager"), UserFactory(role="manager")
    buyer = register(1)
    assert manager_of(buyer) == first.pk
    client = Client.objects.get(user_id=buyer.pk)

    response = browser_for(admin_user).post(
        reverse("admin:crm_client_changelist"),
        {
            "action": "reassign",
            helpers.ACTION_CHECKBOX_NAME: [str(client.pk)],
            "manager_id": str(second.pk),
            "apply": "yes",
        },
    )

    assert response.status_code == 302
    assert manager_of(buyer) == second.pk
    event = OutboxEvent.objects.filter(type="client.updated").latest("occurred_at")
    assert event.payload["changed"] == ["manager_id"]
    # A manager has no such action.
    page = browser_for(first).get(reverse("admin:crm_client_changelist"))
    assert "reassign" not in dict(page.context["action_form"].fields["action"].choices)
