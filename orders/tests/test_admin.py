import pytest
from django.contrib.admin import helpers
from django.contrib.messages import get_messages
from django.urls import reverse

from catalog.tests.factories import stock_of
from conftest import browser_for
from orders import services
from orders.models import Order, OrderStatusHistory, OutboxEvent
from orders.tests.factories import order_make, product_make

pytestmark = pytest.mark.django_db(databases="__all__")

CHANGELIST = "admin:orders_order_changelist"


def run_action(browser, action: str, orders, reason: str | None = None):
    """Choose the action on the order list; with a reason, also confirm the intermediate page."""
    data = {"action": action, helpers.ACTION_CHECKBOX_NAME: [str(o.pk) for o in orders]}
    if reason is None:
        return browser.post(reverse(CHANGELIST), {**data, "index": 0})
    return browser.post(reverse(CHANGELIST), {**data, "reason": reason, "apply": "yes"})


def paid_order(customer, car=None):
    order = order_make(customer, (car or product_make(), 1))
    return services.order_status_set(order_id=order.pk, status="paid", reason="Paid in full")


def test_choosing_an_action_asks_for_a_reason_and_changes_nothing_yet(manager, customer):
    order = paid_order(customer)

    response = run_action(browser_for(manager), "move_to_processing", [order])

    assert response.status_code == 200
    assert response.templates[0].name == "admin/action_with_reason.html"
    assert list(response.context["objects"]) == [order]
    assert "reason" in response.context["form"].fields
    order.refresh_from_db()
    assert order.status == "paid"


def test_a_manager_moves_an_order_on_with_history_and_event(manager, customer):
    order = paid_order(customer)

    response = run_action(browser_for(manager), "move_to_processing", [order], "Car prepared")

    assert response.status_code == 302
    order.refresh_from_db()
    assert (order.status, order.sequence) == ("processing", 3)
    history = OrderStatusHistory.objects.filter(order=order).last()
    assert (history.from_status, history.to_status, history.reason) == (
        "paid",
        "processing",
        "Car prepared",
    )
    assert (history.changed_by_id, history.changed_by_role) == (manager.pk, "manager")
    event = OutboxEvent.objects.filter(type="order.status_changed").order_by("occurred_at").last()
    assert event.aggregate_id == str(order.pk)
    assert event.payload == {
        "id": str(order.pk),
        "number": order.number,
        "customer_id": str(customer.pk),
        "status": "processing",
        "sequence": 3,
        "total_amount": "1000.00",
        "paid_amount": "0.00",
        "currency": "RUB",
        "from_status": "paid",
        "reason": "Car prepared",
    }


def test_completing_a_processing_order(manager, customer):
    order = paid_order(customer)
    services.order_status_set(order_id=order.pk, status="processing", user=manager)

    run_action(browser_for(manager), "move_to_completed", [order], "Handed over")

    order.refresh_from_db()
    assert order.status == "completed"
    assert OrderStatusHistory.objects.filter(order=order, to_status="completed").get().reason == (
        "Handed over"
    )


def test_cancelling_in_the_admin_gives_the_stock_back(manager, customer, run_on_commit):
    car = product_make(stock=3)
    order = order_make(customer, (car, 2))

    with run_on_commit():
        run_action(browser_for(manager), "move_to_cancelled", [order], "Customer called")

    order.refresh_from_db()
    assert order.status == "cancelled"
    assert OutboxEvent.objects.filter(type="order.cancelled", aggregate_id=str(order.pk)).exists()
    assert stock_of(car) == 3


def test_an_illegal_transition_is_an_error_message_and_the_other_orders_still_move(
    manager, customer
):
    paid = paid_order(customer)
    pending = order_make(customer, (product_make(), 1))

    response = run_action(
        browser_for(manager), "move_to_processing", [paid, pending], "Batch of the day"
    )

    paid.refresh_from_db()
    pending.refresh_from_db()
    assert (paid.status, pending.status) == ("processing", "pending")
    assert OrderStatusHistory.objects.filter(order=pending).count() == 1
    messages = [(m.level_tag, m.message) for m in get_messages(response.wsgi_request)]
    assert messages == [
        ("error", f"{pending}: An order cannot go from pending to processing."),
        ("success", "Processing started: 1 order."),
    ]


def test_an_empty_reason_shows_the_page_again_and_changes_nothing(manager, customer):
    order = paid_order(customer)

    response = run_action(browser_for(manager), "move_to_processing", [order], "")

    assert response.status_code == 200
    assert response.context["form"].errors == {"reason": ["This field is required."]}
    order.refresh_from_db()
    assert order.status == "paid"


def test_the_status_cannot_be_edited_in_the_form(manager, customer):
    order = order_make(customer, (product_make(), 1))
    url = reverse("admin:orders_order_change", args=[order.pk])
    browser = browser_for(manager)

    page = browser.get(url)
    post = browser.post(url, {"status": "completed"})

    assert page.status_code == 200
    assert "status" not in page.context["adminform"].form.fields
    assert post.status_code == 403
    order.refresh_from_db()
    assert order.status == "pending"


def test_a_client_cannot_run_order_actions(customer):
    order = order_make(customer, (product_make(), 1))

    response = run_action(browser_for(customer), "move_to_cancelled", [order], "Mine")

    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))
    assert Order.objects.get(pk=order.pk).status == "pending"
