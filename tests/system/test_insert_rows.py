"""`common.db.insert_rows`: the hot paths' inserts, every row and a trailing statement in
one round trip, storing what `save()` would."""

import uuid
from decimal import Decimal

import pytest
from django.db import IntegrityError, connections, transaction
from django.forms.models import model_to_dict
from django.test.utils import CaptureQueriesContext

from common.db.numbers import number_take
from common.db.transactions import insert_rows
from orders.models import Order, OrderItem, OrderStatusHistory

pytestmark = pytest.mark.django_db(databases="__all__", transaction=True)

DB = "orders"


def _order(**fields) -> Order:
    """An order as the hot path makes one: its number taken first (common/db/numbers.py)."""
    return Order(
        number=number_take(Order._meta.get_field("number"), using=DB),
        customer_id=uuid.uuid4(),
        customer_email="a@example.com",
        customer_name="A",
        currency="RUB",
        total_quantity=2,
        total_amount=Decimal("2000000.00"),
        **fields,
    )


def _item(order: Order) -> OrderItem:
    return OrderItem(
        order=order,
        product_id=uuid.uuid4(),
        product_name="Sedan",
        unit_price=Decimal("1000000.00"),
        quantity=2,
        line_total=Decimal("2000000.00"),
    )


def _stored(row) -> dict:
    return model_to_dict(type(row).objects.using(DB).get(pk=row.pk))


def _without(values: dict, *names: str) -> dict:
    return {name: value for name, value in values.items() if name not in names}


def test_rows_of_several_tables_and_a_notify_go_in_one_query_and_store_what_save_would():
    saved = _order(notes="saved")
    saved.save(using=DB)
    order = _order(notes="inserted")
    item = _item(order)
    history = OrderStatusHistory(order=order, to_status="pending", changed_by_role="client")

    with CaptureQueriesContext(connections[DB]) as queries, transaction.atomic(using=DB):
        insert_rows([order, item, history], using=DB, then="NOTIFY autosalon_test")

    sent = [q["sql"] for q in queries.captured_queries]
    assert [sent[0], sent[-1]] == ["BEGIN", "COMMIT"] and len(sent) == 3
    assert sent[1].count("INSERT INTO") == 3 and sent[1].endswith("NOTIFY autosalon_test")
    stored = Order.objects.using(DB).get(pk=order.pk)
    assert stored.created_at is not None and stored.created_at == order.created_at
    assert stored.updated_at == order.updated_at
    different = ("id", "customer_id", "notes")
    assert _without(_stored(order), *different) == _without(_stored(saved), *different)
    assert _stored(item) == model_to_dict(item)
    assert _stored(history)["order"] == order.pk
    assert not order._state.adding and order._state.db == DB


def test_a_row_that_fails_takes_the_others_of_its_transaction_with_it():
    existing = _order()
    insert_rows([existing], using=DB)
    order = _order()

    with pytest.raises(IntegrityError), transaction.atomic(using=DB):
        insert_rows([order, _item(order), _order(id=existing.pk)], using=DB)

    assert not Order.objects.using(DB).filter(pk=order.pk).exists()
    assert not OrderItem.objects.using(DB).filter(order_id=order.pk).exists()
    assert Order.objects.using(DB).filter(pk=existing.pk).count() == 1
