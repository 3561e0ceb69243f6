"""A car's service history at this dealer (docs/service.md, "Each car's history"): staff read
every visit of the car on a work order's admin page, every showroom's; a used car for sale
shows its visits on its page, with the works done and no customer; a new car, and work not
done, show nothing."""

import pytest
from django.test import Client
from django.urls import reverse

from accounts.tests.factories import UserFactory
from orders.tests.factories import product_make
from service import services
from service.choices import Channel
from service.tests.factories import service_showroom_make, work_order_make

pytestmark = pytest.mark.django_db(databases="__all__")
VIN = "XTAGFL110SY000001"  # a Lada of 2025, as catalog/vin_decode.py reads it


def serviced(advisor, customer, showroom, *, done: bool = True):
    work_order = work_order_make(advisor, customer, showroom)
    services.work_order_update(user=advisor, work_order_id=work_order.pk, vin=VIN)
    services.work_order_sign(
        user=customer, work_order_id=work_order.pk, channel=Channel.SITE, instruction="call"
    )
    if done:
        services.work_order_start(user=advisor, work_order_id=work_order.pk)
        services.work_order_complete(user=advisor, work_order_id=work_order.pk)
    return work_order


@pytest.fixture
def showroom():
    return service_showroom_make()


@pytest.fixture
def advisor(showroom):
    return UserFactory(role="manager", showroom_ids=[showroom.pk], is_staff=True)


def test_a_used_car_for_sale_shows_its_visits_and_no_customer(advisor, showroom):
    customer = UserFactory(role="client", full_name="Иван Тайный")
    work_order = serviced(advisor, customer, showroom)
    used = product_make(
        stock=1, vin=VIN, condition="used", make="Lada", model="Vesta", year=2025, mileage_km=45000
    )
    new = product_make(
        stock=1, vin="XTA21900000000999", condition="new", make="Lada", model="Vesta"
    )

    page = Client().get(reverse("storefront:car", args=[used.pk]), HTTP_ACCEPT_LANGUAGE="ru")

    html = page.content.decode()
    assert page.status_code == 200 and "Обслуживался у нас" in html
    works = [line.name for line in work_order.lines.all()]
    assert works and all(work in html for work in works)
    assert "Иван Тайный" not in html and work_order.number not in html
    other = Client().get(reverse("storefront:car", args=[new.pk])).content.decode()
    assert "service-history" not in other


def test_work_not_done_is_not_history(advisor, showroom):
    serviced(advisor, UserFactory(role="client"), showroom, done=False)
    used = product_make(
        stock=1, vin=VIN, condition="used", make="Lada", model="Vesta", year=2025, mileage_km=45000
    )

    html = Client().get(reverse("storefront:car", args=[used.pk])).content.decode()

    assert "service-history" not in html


def test_staff_read_the_cars_visits_on_a_work_orders_page(advisor, showroom):
    customer = UserFactory(role="client")
    first = serviced(advisor, customer, showroom)
    other_showroom = service_showroom_make()
    elsewhere = UserFactory(role="manager", showroom_ids=[other_showroom.pk], is_staff=True)
    second = serviced(elsewhere, customer, other_showroom)
    admin = Client()
    admin.force_login(elsewhere)

    page = admin.get(reverse("admin:service_workorder_change", args=[second.pk]))

    html = page.content.decode()
    assert page.status_code == 200
    assert first.number in html and second.number in html  # the other showroom's visit too
