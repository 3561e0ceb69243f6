"""The test suite's flush (docs/conventions.md, "Tests"): under DATABASE_FLUSH_DELETES every
table is emptied by DELETE, rows that reference each other included; otherwise, and for a
flush that resets sequences, Django's TRUNCATE. The test databases commit without waiting for
the disk (conftest.py, `django_db_setup`)."""

import pytest
from django.core.management import call_command
from django.core.management.color import no_style
from django.core.management.sql import sql_flush
from django.db import connections

from orders.models import Order, OrderItem, OrderStatusHistory
from orders.tests.factories import order_make, product_make


def rows_left(alias: str) -> dict[str, int]:
    connection = connections[alias]
    with connection.cursor() as cursor:
        counts = {}
        for table in connection.introspection.django_table_names(only_existing=True):
            cursor.execute(f"SELECT count(*) FROM {connection.ops.quote_name(table)}")
            counts[table] = cursor.fetchone()[0]
    return {table: count for table, count in counts.items() if count}


@pytest.mark.django_db(transaction=True, databases="__all__")
def test_the_flush_deletes_every_row_of_every_table_rows_that_reference_each_other_included(
    customer,
):
    order_make(customer, (product_make(price="100.00"), 2))
    # The order's items and history reference it: a row-by-row delete in the tables' order
    # (orders_order first) would break their keys, were they checked before the commit.
    assert OrderItem.objects.exists() and OrderStatusHistory.objects.exists()
    assert rows_left("catalog")

    for alias in ("orders", "catalog"):
        call_command("flush", database=alias, interactive=False, verbosity=0)

    assert rows_left("orders") == {} and rows_left("catalog") == {}
    assert not Order.objects.exists()
    assert rows_left("default")  # another database's flush leaves this one alone


@pytest.mark.django_db(databases=["orders"])
def test_the_statements_are_deletes_under_the_setting_and_truncate_otherwise(settings):
    connection = connections["orders"]
    tables = [
        connection.ops.quote_name(table)
        for table in connection.introspection.django_table_names(
            only_existing=True, include_views=False
        )
    ]
    settings.DATABASE_FLUSH_DELETES = True

    (deletes,) = sql_flush(no_style(), connection, reset_sequences=False)
    statements = [s.strip() for s in deletes.split(";") if s.strip()]
    assert statements == [f"DELETE FROM {table}" for table in tables]
    (reset,) = sql_flush(no_style(), connection, reset_sequences=True)
    assert reset.startswith("TRUNCATE") and "RESTART IDENTITY" in reset

    settings.DATABASE_FLUSH_DELETES = False
    (truncate,) = sql_flush(no_style(), connection, reset_sequences=False)
    assert truncate == f"TRUNCATE {', '.join(tables)};"


@pytest.mark.django_db(databases="__all__")
def test_every_test_database_commits_without_waiting_for_the_disk():
    for alias in connections:
        with connections[alias].cursor() as cursor:
            cursor.execute("SHOW synchronous_commit")
            assert cursor.fetchone() == ("off",), alias
