"""Мои автомобили (docs/service.md, "The customer's cars"): a buyer finds the car bought here
before ever booking a service, with its first maintenance due; a car brought to the service
shows its visits, what was done, and the next maintenance after the last one."""

from datetime import date

import pytest

from accounts.tests.factories import UserFactory
from conftest import client_for
from orders import services as order_services
from orders.tests.factories import order_make, vehicle_make
from service import services as service_services
from service.choices import Channel
from service.tests.factories import menu_make, service_showroom_make, work_order_make

pytestmark = pytest.mark.django_db(databases="__all__")
URL = "/api/v1/service/my-cars/"


def test_a_buyer_finds_the_car_bought_here_and_each_car_serviced_with_its_history():
    customer = UserFactory()
    bought = vehicle_make(make="Kia", model="K5", year=2025)
    order = order_make(customer, (bought, 1))
    order_services.order_paid_amount_set(
        order_id=order.pk, paid_amount=order.total_amount, version=1
    )
    staff = UserFactory(role="manager", whole_group=True)
    order_services.order_status_set(order_id=order.pk, status="processing", user=staff)
    order_services.order_status_set(order_id=order.pk, status="completed", user=staff)
    menu_make(make="Kia", model="K5")  # its ТО-1: every 15 000 km or 12 months
    before = client_for(customer).get(URL).json()
    assert [(car["vin"], car["bought_here"]) for car in before] == [(bought.vin, True)]

    showroom = service_showroom_make()
    advisor = UserFactory(role="manager", showroom_ids=[showroom.pk])
    work_order = work_order_make(advisor, customer, showroom)  # a Lada Vesta's ТО-1
    service_services.work_order_sign(
        user=customer, work_order_id=work_order.pk, channel=Channel.SITE
    )
    service_services.work_order_start(user=advisor, work_order_id=work_order.pk)
    service_services.work_order_complete(user=advisor, work_order_id=work_order.pk)

    cars = {car["vin"]: car for car in client_for(customer).get(URL).json()}

    kia = cars[bought.vin]
    assert (kia["make"], kia["model"], kia["bought_here"], kia["visits"]) == ("Kia", "K5", True, [])
    assert kia["next_menu"] == "ТО-1" and kia["next_due_km"] == (kia["mileage_km"] or 0) + 15000
    lada = cars[work_order.vin]
    assert lada["bought_here"] is False
    assert [(visit["number"], visit["status"]) for visit in lada["visits"]] == [
        (work_order.number, "done")
    ]
    assert lada["visits"][0]["customer_total"] == "7350.00"
    assert len(lada["visits"][0]["works"]) == 2
    today = date.fromisoformat(lada["since"])
    assert lada["next_due_date"] == today.replace(year=today.year + 1).isoformat()
    assert lada["next_due_km"] == work_order.mileage_in + 15000
    # Another customer sees none of them.
    assert client_for(UserFactory()).get(URL).json() == []
