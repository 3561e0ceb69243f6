"""The live order feed against a real ASGI server process (uvicorn) with the Redis channel
layer; payments are processed by a real Celery worker. Everything is committed."""

import json
import time
import uuid

import httpx
import pytest
from django.core.cache import cache
from websockets.exceptions import ConnectionClosed, InvalidStatus

from accounts import services as accounts_services
from accounts.tests.factories import PASSWORD, UserFactory
from accounts.tokens import AccessToken
from common.realtime import CLOSE_FORBIDDEN, CLOSE_UNAUTHENTICATED
from orders import selectors as orders_selectors
from orders import services as orders_services
from orders.models import Order
from orders.tests.factories import order_make, product_make
from tests.feeds import bearer, receive, receive_until, subscribe, ticket_for

pytestmark = [pytest.mark.process, pytest.mark.django_db(transaction=True, databases="__all__")]


def closed_with(ws) -> int:
    """The close code the server ends the connection with."""
    with pytest.raises(ConnectionClosed):
        while True:
            ws.recv(timeout=10)
    return ws.close_code


def test_client_receives_paid_with_its_sequence_number_after_paying(
    server, worker, provider, customer
):
    order = order_make(customer, (product_make(price="250.00"), 1))

    with subscribe(
        server, f"ws/orders/{order.pk}/", f"ticket={ticket_for(server, customer)}"
    ) as ws:
        snapshot = receive(ws)
        assert snapshot["type"] == "snapshot"
        assert (snapshot["order"]["status"], snapshot["order"]["sequence"]) == ("pending", 1)

        paid = httpx.post(
            f"{server.url}/api/v1/payments/",
            json={"order_id": str(order.pk), "amount": "250.00", "method": "card"},
            headers={**bearer(customer), "Idempotency-Key": "pay-once"},
        )
        assert paid.status_code == 201, paid.text
        pushes = receive_until(ws, lambda m: m["order"]["status"] == "paid")
        paid_push = pushes[-1]
        order.refresh_from_db()
        # The payment's own note on the order may come before or after the status.
        if not any(p.get("link", {}).get("status") == "completed" for p in pushes):
            pushes += receive_until(ws, lambda m: m.get("link", {}).get("status") == "completed")

    assert order.status == "paid"
    assert paid_push["type"] == "order.status_changed"
    assert paid_push["sequence"] == paid_push["order"]["sequence"]
    history = orders_selectors.order_history(user=customer, order_id=order.pk)
    assert history.last().to_status == "paid"
    order.refresh_from_db()
    sequences = [push["sequence"] for push in pushes]
    assert sequences == sorted(set(sequences)) and sequences[0] > 1
    assert sequences[-1] == order.sequence  # nothing changed after the last push


def test_subscribing_to_another_clients_order_closes_with_4403(server, customer, other_customer):
    order = order_make(other_customer, (product_make(), 1))

    with subscribe(
        server, f"ws/orders/{order.pk}/", f"ticket={ticket_for(server, customer)}"
    ) as ws:
        assert closed_with(ws) == CLOSE_FORBIDDEN


def test_subscribing_to_a_missing_order_closes_like_another_clients(server, customer):
    missing = "00000000-0000-4000-8000-000000000000"
    with subscribe(server, f"ws/orders/{missing}/", f"ticket={ticket_for(server, customer)}") as ws:
        assert closed_with(ws) == CLOSE_FORBIDDEN


@pytest.mark.parametrize("parameter", ["token", "access_token", "ticket"])
def test_a_raw_jwt_in_the_query_string_is_refused(server, customer, parameter):
    order = order_make(customer, (product_make(), 1))

    jwt = AccessToken.for_user(customer)
    with subscribe(server, f"ws/orders/{order.pk}/", f"{parameter}={jwt}") as ws:
        assert closed_with(ws) == CLOSE_UNAUTHENTICATED


def test_a_reused_ticket_is_refused(server, customer):
    order = order_make(customer, (product_make(), 1))
    ticket = ticket_for(server, customer)

    with subscribe(server, f"ws/orders/{order.pk}/", f"ticket={ticket}") as first:
        assert receive(first)["type"] == "snapshot"
        with subscribe(server, f"ws/orders/{order.pk}/", f"ticket={ticket}") as second:
            assert closed_with(second) == CLOSE_UNAUTHENTICATED


def test_no_ticket_or_an_expired_ticket_is_refused(server, customer):
    expired = accounts_services.ws_ticket_issue(user=customer)["ticket"]
    cache.touch(f"{accounts_services.WS_TICKET_PREFIX}{expired}", 1)
    time.sleep(1.1)

    for query in ["", f"ticket={expired}", "ticket=made-up"]:
        with subscribe(server, "ws/orders/", query) as ws:
            assert closed_with(ws) == CLOSE_UNAUTHENTICATED


def test_a_foreign_origin_is_refused(server, customer):
    with pytest.raises(InvalidStatus) as refused:
        subscribe(server, "ws/orders/", origin="https://evil.example")
    assert refused.value.response.status_code == 403


def test_a_client_feed_carries_only_their_own_orders_and_staff_see_all(
    server, customer, other_customer, manager
):
    own = order_make(customer, (product_make(), 1))
    foreign = order_make(other_customer, (product_make(), 1))

    with (
        subscribe(server, "ws/orders/", f"ticket={ticket_for(server, customer)}") as client_ws,
        subscribe(server, "ws/orders/", f"ticket={ticket_for(server, manager)}") as staff_ws,
    ):
        client_snapshot, staff_snapshot = receive(client_ws), receive(staff_ws)
        orders_services.order_status_set(order_id=foreign.pk, status="cancelled", user=manager)
        orders_services.order_status_set(order_id=own.pk, status="cancelled", user=customer)
        client_push = receive(client_ws)
        # The staff feed also says when the dashboard's figures changed (docs/dashboard.md).
        staff_pushes = [
            push
            for push in receive_until(
                staff_ws, lambda m: m.get("order", {}).get("id") == str(own.pk)
            )
            if "order" in push
        ]

    assert [o["id"] for o in client_snapshot["orders"]] == [str(own.pk)]
    assert {o["id"] for o in staff_snapshot["orders"]} == {str(own.pk), str(foreign.pk)}
    assert (client_push["order"]["id"], client_push["order"]["status"]) == (
        str(own.pk),
        "cancelled",
    )
    assert [p["order"]["id"] for p in staff_pushes] == [str(foreign.pk), str(own.pk)]


def test_a_deactivated_users_open_socket_is_closed(server, customer, admin_user):
    order = order_make(customer, (product_make(), 1))

    with subscribe(
        server, f"ws/orders/{order.pk}/", f"ticket={ticket_for(server, customer)}"
    ) as ws:
        assert receive(ws)["type"] == "snapshot"
        accounts_services.user_active_set(actor=admin_user, user=customer, is_active=False)
        assert closed_with(ws) == CLOSE_UNAUTHENTICATED

    customer.refresh_from_db()
    assert customer.is_active is False


def test_a_role_change_ends_the_old_access_token_and_closes_the_users_socket(
    server, manager, admin_user
):
    old_token = bearer(manager)

    with subscribe(server, "ws/orders/", f"ticket={ticket_for(server, manager)}") as ws:
        assert receive(ws)["type"] == "snapshot"
        changed = httpx.patch(
            f"{server.url}/api/v1/users/{manager.pk}/role",
            json={"role": "client"},
            headers=bearer(admin_user),
        )
        assert changed.status_code == 200, changed.text
        assert closed_with(ws) == CLOSE_UNAUTHENTICATED

    refused = httpx.get(f"{server.url}/api/v1/users/me", headers=old_token)
    assert refused.status_code == 401
    assert refused.json()["error"]["code"] == "token_not_valid"
    manager.refresh_from_db()
    assert (manager.role, manager.is_staff, manager.token_version) == ("client", False, 1)


@pytest.mark.parametrize(
    "revoke",
    [
        pytest.param(
            lambda server, user: httpx.post(
                f"{server.url}/api/v1/auth/logout-all", headers=bearer(user)
            ),
            id="logout-all",
        ),
        pytest.param(
            lambda server, user: accounts_services.password_change(
                user=user, old_password=PASSWORD, new_password="An0ther-long-passphrase"
            ),
            id="password change",
        ),
    ],
)
def test_a_revocation_closes_every_open_socket_of_the_user(server, customer, revoke):
    order = order_make(customer, (product_make(), 1))

    with (
        subscribe(server, "ws/orders/", f"ticket={ticket_for(server, customer)}") as feed,
        subscribe(
            server, f"ws/orders/{order.pk}/", f"ticket={ticket_for(server, customer)}"
        ) as one_order,
    ):
        assert receive(feed)["type"] == receive(one_order)["type"] == "snapshot"
        revoke(server, customer)
        assert closed_with(feed) == closed_with(one_order) == CLOSE_UNAUTHENTICATED

    customer.refresh_from_db()
    assert customer.token_version == 1


def test_a_ticket_taken_before_a_revocation_opens_no_socket(server, customer):
    ticket = ticket_for(server, customer)

    accounts_services.logout_everywhere(user=customer)

    with subscribe(server, "ws/orders/", f"ticket={ticket}") as ws:
        assert closed_with(ws) == CLOSE_UNAUTHENTICATED


def test_a_deleted_users_open_socket_is_closed(server, admin_user):
    doomed = UserFactory(role="client")

    with subscribe(server, "ws/orders/", f"ticket={ticket_for(server, doomed)}") as ws:
        assert receive(ws) == {"type": "snapshot", "orders": []}
        accounts_services.user_delete(actor=admin_user, user=doomed)
        assert closed_with(ws) == CLOSE_UNAUTHENTICATED


def test_what_a_client_sends_is_ignored_and_the_feed_goes_on(server, customer):
    order = order_make(customer, (product_make(), 1))

    with subscribe(
        server, f"ws/orders/{order.pk}/", f"ticket={ticket_for(server, customer)}"
    ) as ws:
        assert receive(ws)["type"] == "snapshot"
        ws.send("not json {")
        ws.send(b"\x00\x01")
        orders_services.order_status_set(order_id=order.pk, status="cancelled", user=customer)
        push = receive(ws)

    assert (push["type"], push["order"]["status"]) == ("order.status_changed", "cancelled")


def test_a_payment_waiting_for_the_customers_confirmation_is_pushed(server, customer, yookassa):
    """The payment is processed in this process (eagerly, against YooKassa's mocked API);
    the push reaches the server's socket through the Redis channel layer."""
    from django.db import transaction

    from payments import services as payments_services
    from payments.tests.provider_api import YOOKASSA_API, yookassa_payment

    order = order_make(customer, (product_make(price="800.00"), 1))
    yookassa.add_callback(
        "POST",
        f"{YOOKASSA_API}/payments",
        callback=lambda request: (200, {}, json.dumps(yookassa_payment(payment))),
    )

    with subscribe(
        server, f"ws/orders/{order.pk}/", f"ticket={ticket_for(server, customer)}"
    ) as ws:
        receive(ws)  # the snapshot
        with transaction.atomic(using="payments"):
            payment, _created = payments_services.payment_create(
                user=customer,
                order_id=order.pk,
                amount=order.total_amount,
                method="card",
                idempotency_key="confirm-me",
            )
        pushes = receive_until(ws, lambda m: m.get("link", {}).get("status") == "requires_action")

    assert pushes[-1]["link"] == {
        "kind": "payment",
        "reference_id": str(payment.pk),
        "status": "requires_action",
        "amount": "800.00",
        "currency": "RUB",
    }
    assert pushes[-1]["order"]["status"] == "pending"


def test_a_showrooms_managers_feed_carries_only_that_showrooms_orders(server, customer):
    """Finding 4 of the fifth review: every showroom's orders went to every member of staff
    (docs/showrooms.md, "Staff per showroom")."""
    leningradka, varshavka = uuid.uuid4(), uuid.uuid4()
    manager = UserFactory(role="manager", showroom_ids=[leningradka])
    ours, theirs = (order_make(customer, (product_make(), 1)) for _ in range(2))
    Order.objects.filter(pk=ours.pk).update(showroom_id=leningradka)
    Order.objects.filter(pk=theirs.pk).update(showroom_id=varshavka)

    with subscribe(server, "ws/orders/", f"ticket={ticket_for(server, manager)}") as staff_ws:
        snapshot = receive(staff_ws)
        for order in (theirs, ours):
            orders_services.order_status_set(order_id=order.pk, status="cancelled", user=customer)
        pushes = [
            push
            for push in receive_until(
                staff_ws, lambda m: m.get("order", {}).get("id") == str(ours.pk)
            )
            if "order" in push
        ]

    assert [o["id"] for o in snapshot["orders"]] == [str(ours.pk)]
    assert [p["order"]["id"] for p in pushes] == [str(ours.pk)]
