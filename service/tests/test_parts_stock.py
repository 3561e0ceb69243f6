"""Parts from a showroom's warehouse (docs/service.md, "Parts"): a work order's part is reserved
when its line is added, released when the customer declines it or the order is cancelled,
and issued to the car when the job is done; what is not free is not taken."""

from decimal import Decimal

import pytest

from accounts.tests.factories import UserFactory
from common.api.exceptions import ApplicationError
from conftest import client_for
from service import services
from service.models import PartStock, WorkOrderLine
from service.tests.factories import service_showroom_make, work_order_make

pytestmark = pytest.mark.django_db(databases="__all__")


@pytest.fixture
def showroom():
    return service_showroom_make()


@pytest.fixture
def advisor(showroom):
    return UserFactory(role="manager", showroom_ids=[showroom.pk])


def shelf(showroom, part) -> tuple[Decimal, Decimal]:
    stock = PartStock.objects.get(showroom_id=showroom.pk, part=part)
    return stock.on_hand, stock.reserved


def part_line(api, work_order, part, quantity="1"):
    return api.post(
        f"/api/v1/service/work-orders/{work_order.pk}/lines/",
        {"kind": "part", "part_id": str(part.pk), "quantity": quantity},
        format="json",
    )


def test_a_part_is_reserved_then_released_when_declined_and_issued_when_done(advisor, showroom):
    customer = UserFactory()
    api, own = client_for(advisor), client_for(customer)
    work_order = work_order_make(advisor, customer, showroom)
    oil = work_order.lines.get(kind="part").part
    assert shelf(showroom, oil) == (Decimal("100"), Decimal("4"))  # the menu's four litres

    filter_part = services.part_create(
        number="90915-YZZE1", manufacturer="Toyota", name="Фильтр", price=Decimal("800")
    )
    services.stock_receive(showroom_id=showroom.pk, part_id=filter_part.pk, quantity=Decimal("3"))
    own.post(f"/api/v1/service/work-orders/{work_order.pk}/sign", {}, format="json")
    api.post(f"/api/v1/service/work-orders/{work_order.pk}/start")
    assert part_line(api, work_order, filter_part, "2").status_code == 201
    assert shelf(showroom, filter_part) == (Decimal("3"), Decimal("2"))

    line = WorkOrderLine.objects.get(work_order=work_order, part=filter_part)
    own.post(
        f"/api/v1/service/work-orders/{work_order.pk}/lines/{line.pk}/decide",
        {"approve": False},
        format="json",
    )
    line.refresh_from_db()
    assert line.stock == "released"
    assert shelf(showroom, filter_part) == (Decimal("3"), Decimal("0"))

    assert api.post(f"/api/v1/service/work-orders/{work_order.pk}/complete").status_code == 200
    assert shelf(showroom, oil) == (Decimal("96"), Decimal("0"))
    assert WorkOrderLine.objects.get(work_order=work_order, part=oil).stock == "issued"


def test_a_part_not_free_on_the_shelf_is_refused_and_no_line_is_added(advisor, showroom):
    work_order = work_order_make(advisor, UserFactory(), showroom)
    part = services.part_create(
        number="04465-33471", manufacturer="Toyota", name="Колодки", price=Decimal("4500")
    )
    services.stock_receive(showroom_id=showroom.pk, part_id=part.pk, quantity=Decimal("1"))
    api = client_for(advisor)

    answer = part_line(api, work_order, part, "2")

    assert answer.status_code == 409, answer.content
    assert answer.json()["error"]["code"] == "part_out_of_stock"
    assert not WorkOrderLine.objects.filter(part=part).exists()
    assert shelf(showroom, part) == (Decimal("1"), Decimal("0"))
    # Another showroom's shelf is not this one's.
    other = service_showroom_make()
    theirs = UserFactory(role="manager", showroom_ids=[other.pk])
    elsewhere = work_order_make(theirs, UserFactory(), other)
    taken = part_line(client_for(theirs), elsewhere, part)
    assert taken.status_code == 409 and taken.json()["error"]["code"] == "part_out_of_stock"


def test_a_cancelled_order_puts_its_parts_back_and_stock_is_not_written_off_below_reserved(
    advisor, showroom
):
    work_order = work_order_make(advisor, UserFactory(), showroom)
    oil = work_order.lines.get(kind="part").part

    with pytest.raises(ApplicationError) as refused:
        services.stock_receive(showroom_id=showroom.pk, part_id=oil.pk, quantity=Decimal("-97"))
    assert refused.value.code == "part_out_of_stock"
    assert shelf(showroom, oil) == (Decimal("100"), Decimal("4"))

    cancelled = client_for(advisor).post(f"/api/v1/service/work-orders/{work_order.pk}/cancel")

    assert cancelled.status_code == 200, cancelled.content
    assert shelf(showroom, oil) == (Decimal("100"), Decimal("0"))


def test_the_admin_receives_parts_onto_the_shelf_and_never_below_what_is_reserved(
    advisor, showroom, client
):
    work_order_make(advisor, UserFactory(), showroom)
    stock = PartStock.objects.get(showroom_id=showroom.pk)
    client.force_login(UserFactory(role="admin"))
    page = f"/admin/service/partstock/{stock.pk}/change/"
    form = {"part": str(stock.part_id), "showroom_id": str(showroom.pk), "min_quantity": "5"}

    below = client.post(page, {**form, "on_hand": "3"})
    assert below.status_code == 200  # the form again, with its error
    assert "on_hand" in below.context["adminform"].form.errors
    assert shelf(showroom, stock.part) == (Decimal("100"), Decimal("4"))

    received = client.post(page, {**form, "on_hand": "112"})
    assert received.status_code == 302, received.content[:500]
    stock.refresh_from_db()
    assert (stock.on_hand, stock.reserved, stock.min_quantity) == (112, 4, 5)
