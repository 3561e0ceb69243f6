import uuid
from datetime import timedelta

import pytest
from django.db import IntegrityError, connections, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from catalog import selectors, services
from catalog.choices import ReservationStatus
from catalog.models import Product, StockReservation
from catalog.tests.factories import ProductFactory, stock_of
from common.api.exceptions import ApplicationError

pytestmark = pytest.mark.django_db(databases=["default", "catalog"])


# RESERVING
# ------------------------------------------------------------------------------
def test_reserving_takes_the_units_from_stock_and_records_a_reservation():
    product = ProductFactory(stock_quantity=5)
    order_id = uuid.uuid4()

    lines = services.stock_reserve(order_id=order_id, items={product.pk: 3})

    assert stock_of(product) == 2
    reservation = StockReservation.objects.get()
    assert (reservation.order_id, reservation.product_id, reservation.quantity) == (
        order_id,
        product.pk,
        3,
    )
    assert reservation.status == ReservationStatus.ACTIVE
    assert reservation.released_at is None
    assert [(line.product_id, line.quantity, line.unit_price) for line in lines] == [
        (product.pk, 3, product.price)
    ]


def test_reserving_says_which_products_are_vehicles_in_the_statement_that_takes_them():
    vehicle = ProductFactory(stock_quantity=1, vin="XTA21099012345678")
    accessory = ProductFactory(stock_quantity=5)

    with CaptureQueriesContext(connections["catalog"]) as queries:
        lines = services.stock_reserve(
            order_id=uuid.uuid4(), items={vehicle.pk: 1, accessory.pk: 2}
        )

    assert {line.product_id: line.is_vehicle for line in lines} == {
        vehicle.pk: True,
        accessory.pk: False,
    }
    sent = [query["sql"] for query in queries.captured_queries]
    takes = [sql for sql in sent if not sql.startswith(("SAVEPOINT", "RELEASE SAVEPOINT"))]
    assert len(takes) == 2, sent  # one statement per product, as without the flag
    assert (stock_of(vehicle), stock_of(accessory)) == (0, 3)


def test_reserving_the_whole_stock_leaves_zero():
    product = ProductFactory(stock_quantity=2)

    services.stock_reserve(order_id=uuid.uuid4(), items={product.pk: 2})

    assert stock_of(product) == 0


def test_reserving_several_products_takes_each_of_them():
    first, second = ProductFactory(stock_quantity=5), ProductFactory(stock_quantity=1)
    order_id = uuid.uuid4()

    services.stock_reserve(order_id=order_id, items={first.pk: 2, second.pk: 1})

    assert (stock_of(first), stock_of(second)) == (3, 0)
    assert dict(
        StockReservation.objects.filter(order_id=order_id).values_list("product_id", "quantity")
    ) == {first.pk: 2, second.pk: 1}


def test_asking_for_more_than_is_left_raises_insufficient_stock_and_takes_nothing():
    product = ProductFactory(stock_quantity=2)

    with pytest.raises(ApplicationError) as caught:
        services.stock_reserve(order_id=uuid.uuid4(), items={product.pk: 3})

    assert (caught.value.code, caught.value.http_status) == ("insufficient_stock", 409)
    assert caught.value.details == {"product_id": str(product.pk)}
    assert stock_of(product) == 2
    assert not StockReservation.objects.exists()


FIRST_ID = uuid.UUID(int=1)
SECOND_ID = uuid.UUID(int=2)


# The service takes products in id order: the shortage comes before and after a success.
@pytest.mark.parametrize(("plenty_id", "short_id"), [(FIRST_ID, SECOND_ID), (SECOND_ID, FIRST_ID)])
def test_a_reservation_is_all_or_nothing_across_products(plenty_id, short_id):
    plenty = ProductFactory(id=plenty_id, stock_quantity=10)
    short = ProductFactory(id=short_id, stock_quantity=1)
    order_id = uuid.uuid4()

    with pytest.raises(ApplicationError) as caught:
        services.stock_reserve(order_id=order_id, items={plenty.pk: 4, short.pk: 2})

    assert caught.value.code == "insufficient_stock"
    assert caught.value.details == {"product_id": str(short.pk)}
    assert (stock_of(plenty), stock_of(short)) == (10, 1)
    assert not StockReservation.objects.filter(order_id=order_id).exists()


def test_reserving_a_withdrawn_product_is_refused_and_takes_nothing():
    on_sale = ProductFactory(stock_quantity=3)
    withdrawn = ProductFactory(stock_quantity=3, is_active=False)

    with pytest.raises(ApplicationError) as caught:
        services.stock_reserve(order_id=uuid.uuid4(), items={on_sale.pk: 1, withdrawn.pk: 1})

    assert caught.value.code == "product_unavailable"
    assert caught.value.details == {"product_ids": [str(withdrawn.pk)]}
    assert (stock_of(on_sale), stock_of(withdrawn)) == (3, 3)
    assert not StockReservation.objects.exists()


def test_reserving_an_unknown_product_is_refused_and_takes_nothing():
    on_sale = ProductFactory(stock_quantity=3)
    missing = uuid.uuid4()

    with pytest.raises(ApplicationError) as caught:
        services.stock_reserve(order_id=uuid.uuid4(), items={on_sale.pk: 1, missing: 1})

    assert caught.value.code == "product_unavailable"
    assert caught.value.details == {"product_ids": [str(missing)]}
    assert stock_of(on_sale) == 3
    assert not StockReservation.objects.exists()


def test_reserving_again_for_the_same_order_is_refused_and_reserves_nothing_more():
    product = ProductFactory(stock_quantity=5)
    order_id = uuid.uuid4()
    services.stock_reserve(order_id=order_id, items={product.pk: 2})

    with pytest.raises(IntegrityError):
        services.stock_reserve(order_id=order_id, items={product.pk: 2})

    assert stock_of(product) == 3
    assert StockReservation.objects.get(order_id=order_id).quantity == 2


def test_reservations_of_different_orders_add_up():
    product = ProductFactory(stock_quantity=5)

    services.stock_reserve(order_id=uuid.uuid4(), items={product.pk: 2})
    services.stock_reserve(order_id=uuid.uuid4(), items={product.pk: 2})

    assert stock_of(product) == 1
    assert StockReservation.objects.filter(product=product).count() == 2


# RELEASING
# ------------------------------------------------------------------------------
def test_releasing_gives_the_units_back_exactly_once():
    first, second = ProductFactory(stock_quantity=5), ProductFactory(stock_quantity=4)
    order_id = uuid.uuid4()
    services.stock_reserve(order_id=order_id, items={first.pk: 2, second.pk: 4})

    released = services.stock_release(order_id=order_id)
    released_again = services.stock_release(order_id=order_id)

    assert (released, released_again) == (6, 0)
    assert (stock_of(first), stock_of(second)) == (5, 4)
    reservations = StockReservation.objects.filter(order_id=order_id)
    assert {r.status for r in reservations} == {ReservationStatus.RELEASED}
    assert all(r.released_at is not None for r in reservations)


def test_releasing_one_order_leaves_the_others_reserved():
    product = ProductFactory(stock_quantity=5)
    kept, released = uuid.uuid4(), uuid.uuid4()
    services.stock_reserve(order_id=kept, items={product.pk: 1})
    services.stock_reserve(order_id=released, items={product.pk: 2})

    services.stock_release(order_id=released)

    assert stock_of(product) == 4
    assert StockReservation.objects.get(order_id=kept).status == ReservationStatus.ACTIVE


def test_releasing_an_order_without_reservations_gives_back_nothing():
    product = ProductFactory(stock_quantity=5)

    assert services.stock_release(order_id=uuid.uuid4()) == 0
    assert stock_of(product) == 5


def test_a_released_reservation_no_longer_counts_as_active():
    product = ProductFactory(stock_quantity=5)
    released, kept = uuid.uuid4(), uuid.uuid4()
    services.stock_reserve(order_id=released, items={product.pk: 1})
    services.stock_reserve(order_id=kept, items={product.pk: 1})
    services.stock_release(order_id=released)

    active = selectors.reservation_order_ids_active_before(
        before=timezone.now() + timedelta(minutes=1)
    )

    assert active == {kept}


# ADJUSTING
# ------------------------------------------------------------------------------
@pytest.fixture
def reserved():
    """A product with 10 units of which an order holds 4."""
    product = ProductFactory(stock_quantity=10)
    order_id = uuid.uuid4()
    services.stock_reserve(order_id=order_id, items={product.pk: 4})
    return product, order_id


def held(order_id) -> int:
    return StockReservation.objects.get(order_id=order_id).quantity


def test_adjusting_up_takes_the_difference_from_stock(reserved):
    product, order_id = reserved

    services.stock_adjust(order_id=order_id, product_id=product.pk, quantity=7)

    assert (stock_of(product), held(order_id)) == (3, 7)


def test_adjusting_down_gives_the_difference_back(reserved):
    product, order_id = reserved

    services.stock_adjust(order_id=order_id, product_id=product.pk, quantity=1)

    assert (stock_of(product), held(order_id)) == (9, 1)


def test_adjusting_to_the_same_quantity_changes_nothing(reserved):
    product, order_id = reserved

    services.stock_adjust(order_id=order_id, product_id=product.pk, quantity=4)

    assert (stock_of(product), held(order_id)) == (6, 4)


def test_adjusting_up_to_exactly_all_that_is_left_empties_the_stock(reserved):
    product, order_id = reserved

    services.stock_adjust(order_id=order_id, product_id=product.pk, quantity=10)

    assert (stock_of(product), held(order_id)) == (0, 10)


def test_adjusting_up_beyond_the_stock_raises_insufficient_stock_and_changes_nothing(reserved):
    product, order_id = reserved

    with pytest.raises(ApplicationError) as caught:
        services.stock_adjust(order_id=order_id, product_id=product.pk, quantity=11)

    assert caught.value.code == "insufficient_stock"
    assert (stock_of(product), held(order_id)) == (6, 4)


def test_adjusting_then_releasing_gives_back_the_adjusted_quantity(reserved):
    product, order_id = reserved
    services.stock_adjust(order_id=order_id, product_id=product.pk, quantity=6)

    released = services.stock_release(order_id=order_id)

    assert (released, stock_of(product)) == (6, 10)


# THE DATABASE GUARD
# ------------------------------------------------------------------------------
def test_the_database_refuses_a_negative_stock_even_from_a_direct_update():
    product = ProductFactory(stock_quantity=1)

    with pytest.raises(IntegrityError), transaction.atomic(using="catalog"):
        Product.objects.filter(pk=product.pk).update(stock_quantity=-1)

    assert stock_of(product) == 1


def test_the_database_refuses_a_negative_price_even_from_a_direct_update():
    product = ProductFactory()

    with pytest.raises(IntegrityError), transaction.atomic(using="catalog"):
        Product.objects.filter(pk=product.pk).update(price=-1)

    assert Product.objects.get(pk=product.pk).price == product.price
