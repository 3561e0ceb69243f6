"""The dashboard's figures (docs/dashboard.md): each equals what the test computes itself
from the rows it made through the services; the group's manager sees what an admin sees, their
own clients or not; an event forgets the cached figures; and a page load costs as many queries
with 3 orders as with 30."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connections
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from backoffice import dashboard
from common.figures import dealership_today, periods
from crm.tests.factories import crm_client_make
from financing.tests.factories import application_make
from insurance.tests.factories import policy_make
from orders import services as order_services
from orders.models import Order, OrderStatusHistory
from orders.selectors.dashboard import sold_orders
from orders.tests.factories import order_make, product_make, vehicle_make
from payments.tests.factories import pending_payment_make
from showroom.tests.factories import drive_make
from tradein import services as tradein_services
from tradein.tests.factories import trade_in_make

pytestmark = pytest.mark.django_db(databases="__all__")


def pay(order) -> Order:
    """The order paid in full, as payments reports it."""
    return order_services.order_paid_amount_set(
        order_id=order.pk, paid_amount=order.total_amount, version=1
    )


def move_back(order, days: int) -> None:
    """The order placed, and paid if it is, `days` earlier."""
    shift = timedelta(days=days)
    Order.objects.filter(pk=order.pk).update(created_at=order.created_at - shift)
    for row in OrderStatusHistory.objects.filter(order_id=order.pk):
        OrderStatusHistory.objects.filter(pk=row.pk).update(created_at=row.created_at - shift)


def tile(figures: dict, key: str) -> dict:
    return next(t for t in figures["tiles"] if t["key"] == key)["values"]


def in_period(day, period: dict) -> bool:
    return period["from"] <= day.isoformat() <= period["to"]


def in_previous(day, period: dict) -> bool:
    return period["previous_from"] <= day.isoformat() <= period["previous_to"]


def money(amounts) -> str:
    return f"{sum(amounts, Decimal('0')):.2f}"


def test_every_tile_equals_the_figure_computed_from_the_rows_made(customer, admin_user):
    today = dealership_today()
    car = vehicle_make(price="1500000.00", make="Lada", model="Vesta")
    # (order, days ago, paid)
    made = [
        (order_make(customer, (product_make(price="1000.50"), 2)), 0, True),
        (order_make(customer, (car, 1)), 0, True),
        (order_make(customer, (product_make(price="700.00"), 1)), 1, True),
        (order_make(customer, (product_make(price="300.00"), 1)), 8, True),
        (order_make(customer, (product_make(price="99.00"), 1)), 0, False),
    ]
    for order, days, paid in made:
        if paid:
            pay(order)
        move_back(order, days)
    unpaid = made[-1][0]
    pending = pending_payment_make(customer, unpaid, amount="50.00")
    drive_make(customer)
    crm_client_make(name="Ivan Petrov")
    application_make(customer)  # an income of 100,000.00: approved on submission
    policy = policy_make(customer)  # paid: sold
    dashboard_orders = len(made) + 2  # the loan's and the policy's orders, placed today

    figures = dashboard.figures(user=admin_user)

    assert figures["scope"] == "all"
    assert [p["key"] for p in figures["periods"]] == ["today", "week", "month"]
    days = [(order.total_amount, today - timedelta(days=ago), paid) for order, ago, paid in made]
    for period in figures["periods"]:
        key = period["key"]
        sold_now = [a for a, day, paid in days if paid and in_period(day, period)]
        sold_before = [a for a, day, paid in days if paid and in_previous(day, period)]
        assert tile(figures, "revenue")[key]["value"] == money(sold_now), key
        assert tile(figures, "revenue")[key]["previous"] == money(sold_before), key
        assert tile(figures, "revenue")[key]["count"] == len(sold_now), key
        average = sum(sold_now, Decimal("0")) / len(sold_now)
        assert tile(figures, "average_order")[key]["value"] == f"{average:.2f}", key
        created_now = sum(1 for _, day, _ in days if in_period(day, period)) + 2
        assert tile(figures, "orders")[key]["value"] == created_now, key
        assert tile(figures, "pending_payments")[key]["value"] == "50.00"
        assert tile(figures, "pending_payments")[key]["count"] == 1
        assert tile(figures, "test_drives_booked")[key]["value"] == 1
        assert tile(figures, "new_clients")[key]["value"] == 1
        assert tile(figures, "loans_approved")[key]["value"] == 1
        assert tile(figures, "loans_declined")[key]["value"] == 0
        assert tile(figures, "approval_rate")[key]["value"] == "100.0"
        assert tile(figures, "policies_sold")[key]["value"] == 1
        assert tile(figures, "premium_collected")[key]["value"] == f"{policy.premium:.2f}"
    assert tile(figures, "orders")["today"]["value"] == dashboard_orders - 2  # 1 and 8 days ago
    assert pending.status == "pending"
    today_row = figures["charts"]["revenue_daily"][-1]
    assert today_row["date"] == today.isoformat()
    assert today_row["revenue"] == money(a for a, day, paid in days if paid and day == today)
    assert len(figures["charts"]["revenue_daily"]) == 90
    assert figures["charts"]["top_models"][0]["count"] == 1
    assert figures["charts"]["top_models"][0]["revenue"] == "1500000.00"
    funnel = {stage["stage"]: stage["count"] for stage in figures["charts"]["funnel"]}
    assert funnel["created"] == dashboard_orders
    assert funnel["paid"] == 4
    assert figures["charts"]["low_stock"] and all(
        row["stock"] <= 2 for row in figures["charts"]["low_stock"]
    )


def test_sold_orders_are_those_paid_within_the_days_at_the_dealership(customer):
    today = dealership_today()
    paid_today = pay(order_make(customer, (product_make(price="10.00"), 1)))
    paid_before = pay(order_make(customer, (product_make(price="20.00"), 1)))
    move_back(paid_before, 3)
    order_make(customer, (product_make(price="30.00"), 1))  # never paid

    sold = sold_orders(date_from=today, date_to=today)
    earlier = sold_orders(date_from=today - timedelta(days=5), date_to=today - timedelta(days=1))

    assert [o.pk for o in sold] == [paid_today.pk]
    assert sold[0].sold_at is not None
    assert [o.pk for o in earlier] == [paid_before.pk]
    assert sold_orders(date_from=today, date_to=today, customers=[]).count() == 0


def test_the_groups_manager_sees_every_clients_figures_as_an_admin_does(
    customer, other_customer, manager, admin_user
):
    crm_client_make(name="Mine", user_id=customer.pk, manager_id=manager.pk)
    crm_client_make(name="Not mine", user_id=other_customer.pk)
    pay(order_make(customer, (product_make(price="100.00"), 1)))
    pay(order_make(other_customer, (product_make(price="900.00"), 1)))
    drive_make(other_customer)

    group_manager = dashboard.figures(user=manager)
    admin = dashboard.figures(user=admin_user)

    assert manager.showroom_ids == []  # bound to no showroom: the group's
    assert group_manager == admin
    assert admin["scope"] == "all"
    assert tile(admin, "revenue")["today"]["value"] == "1000.00"
    assert tile(admin, "orders")["today"]["value"] == 2
    assert tile(admin, "test_drives_booked")["today"]["value"] == 1
    assert tile(admin, "new_clients")["today"]["value"] == 2


def test_figures_are_cached_until_an_event_moves_them(customer, admin_user, run_on_commit):
    first = pay(order_make(customer, (product_make(price="100.00"), 1)))
    assert tile(dashboard.figures(user=admin_user), "revenue")["today"]["value"] == "100.00"

    # A change that emits no event leaves the cached figures as they were.
    Order.objects.filter(pk=first.pk).update(total_amount=Decimal("150.00"))
    assert tile(dashboard.figures(user=admin_user), "revenue")["today"]["value"] == "100.00"

    generation = dashboard.generation()
    with run_on_commit():
        pay(order_make(customer, (product_make(price="200.00"), 1)))

    assert dashboard.generation() > generation
    assert tile(dashboard.figures(user=admin_user), "revenue")["today"]["value"] == "350.00"


def test_nothing_is_forgotten_when_the_emitting_transaction_rolls_back(customer, admin_user):
    from django.db import transaction

    generation = dashboard.generation()
    with pytest.raises(RuntimeError), transaction.atomic(using="orders"):
        order_make(customer, (product_make(price="10.00"), 1))
        raise RuntimeError
    assert dashboard.generation() == generation


def _queries_per_alias(user) -> dict[str, int]:
    dashboard.generation_bump()  # a load that misses the cache
    contexts = {alias: CaptureQueriesContext(connections[alias]) for alias in connections}
    for context in contexts.values():
        context.__enter__()
    try:
        dashboard.figures(user=user)
    finally:
        for context in contexts.values():
            context.__exit__(None, None, None)
    return {alias: len(c.captured_queries) for alias, c in contexts.items() if c.captured_queries}


# One query per figure, on each app's own database (docs/dashboard.md, "Query count").
QUERIES = {
    "orders": 6,
    "payments": 3,
    "financing": 5,
    "insurance": 1,
    "showroom": 2,
    "crm": 2,
    "catalog": 2,
    "tradein": 1,
    "service": 5,
}


@pytest.mark.parametrize("role", ["admin", "manager"])
def test_a_page_load_runs_as_many_queries_with_3_orders_as_with_30(
    role, customer, manager, admin_user
):
    user = admin_user if role == "admin" else manager
    crm_client_make(name="Mine", user_id=customer.pk, manager_id=manager.pk)
    expected = QUERIES
    for _ in range(3):
        pay(order_make(customer, (product_make(price="10.00"), 1)))

    few = _queries_per_alias(user)
    for _ in range(27):
        pay(order_make(customer, (product_make(price="10.00"), 1)))
    drive_make(customer)
    many = _queries_per_alias(user)

    assert few == many == expected


def test_the_page_and_its_json_are_for_staff_only(client, customer, admin_user):
    pay(order_make(customer, (product_make(price="42.00"), 1)))

    client.force_login(customer)
    assert client.get(reverse("dashboard-figures")).status_code == 302  # to the admin login
    client.force_login(admin_user)
    response = client.get(reverse("dashboard-figures"))
    page = client.get(reverse("dashboard"))

    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    assert tile(response.json(), "revenue")["today"]["value"] == "42.00"
    assert page.status_code == 200
    assert page.context["figures"] == response.json()
    admin_index = client.get(reverse("admin:index"))
    assert f'href="{reverse("dashboard")}"' in admin_index.content.decode()


def test_the_periods_cover_whole_days_before_today():
    today = dealership_today()
    by_key = {p.key: p for p in periods(today)}

    assert (by_key["today"].previous_from, by_key["today"].previous_to) == (
        today - timedelta(days=1),
        today - timedelta(days=1),
    )
    assert by_key["week"].date_from.weekday() == 0
    assert by_key["week"].previous_to == by_key["week"].date_from - timedelta(days=1)
    assert by_key["month"].date_from.day == 1
    assert by_key["month"].previous_to == by_key["month"].date_from - timedelta(days=1)
    assert by_key["month"].previous_from.day == 1


def test_every_tile_links_to_an_admin_list_that_opens_with_its_filters(client, admin_user):
    figures = dashboard.figures(user=admin_user)
    client.force_login(admin_user)

    hrefs = {values["href"] for t in figures["tiles"] for values in t["values"].values()}
    answers = {href: client.get(href).status_code for href in hrefs}

    # A filter the list does not have would send it to `?e=1` (a 302).
    assert len(figures["tiles"]) == 22
    assert {href: status for href, status in answers.items() if status != 200} == {}


def test_a_group_manager_without_clients_sees_the_groups_sales(customer, manager):
    pay(order_make(customer, (product_make(price="10.00"), 1)))

    figures = dashboard.figures(user=manager)

    assert figures["scope"] == "all"
    assert tile(figures, "revenue")["month"]["value"] == "10.00"
    assert tile(figures, "orders")["month"]["value"] == 1
    assert tile(figures, "lead_conversion")["month"]["value"] is None  # no client came in


def test_used_cars_bought_and_the_trade_in_funnel(customer, admin_user, manager, settings):
    """Four trade-ins: one left submitted, one offered, one accepted, one taken into stock;
    the used-stock tile sums what the dealership paid for the one it bought. (The customer's
    credit is under the four-eyes threshold here: one manager offers and inspects.)"""
    settings.TRADEIN_SECOND_APPROVAL_ABOVE = Decimal("5000000")

    def offered(trade_in, amount):
        tradein_services.trade_in_offer(
            user=manager,
            trade_in_id=trade_in.pk,
            amount=Decimal(amount),
            valid_until=timezone.now() + timedelta(days=7),
        )

    order = order_make(customer, (vehicle_make(price="2500000.00"), 1))
    trade_in_make(customer)
    offered(trade_in_make(customer), "500000.00")
    accepted = trade_in_make(customer)
    offered(accepted, "600000.00")
    tradein_services.trade_in_accept(user=customer, trade_in_id=accepted.pk)
    bought = trade_in_make(customer, order)
    offered(bought, "700000.00")
    tradein_services.trade_in_accept(user=customer, trade_in_id=bought.pk)
    tradein_services.trade_in_inspect(
        user=manager, trade_in_id=bought.pk, mileage_km=150000, findings="As described."
    )
    tradein_services.trade_ins_stock(order_id=order.pk)

    figures = dashboard.figures(user=admin_user)

    funnel = {stage["stage"]: stage["count"] for stage in figures["charts"]["trade_in_funnel"]}
    assert funnel == {"submitted": 4, "offered": 3, "accepted": 2, "completed": 1}
    used = tile(figures, "used_stock")
    assert (used["today"]["value"], used["today"]["count"]) == ("700000.00", 1)
    assert (used["today"]["previous"], used["month"]["value"]) == ("0.00", "700000.00")
    assert "condition__exact=used" in used["today"]["href"]
