"""Staff per showroom (docs/showrooms.md, "Staff per showroom"): an order belongs to the
showroom its car stood in when it was placed; a manager of that showroom sees and acts on
it, a manager of another showroom finds it nowhere (a 404 like a missing order, no row in
the admin's list or search), and the group's managers and the admins see every showroom's."""

import pytest
from django.urls import reverse

from accounts.tests.factories import UserFactory
from conftest import browser_for, client_for
from orders.models import Order
from orders.tests.factories import order_make, product_make
from tests.flows.test_vehicle_locations import group, placed

pytestmark = pytest.mark.django_db(databases="__all__")

__all__ = ["group"]  # the fixture, shared with the cars' locations


@pytest.fixture
def staff(group):
    """A manager of each Moscow showroom, the group's manager (bound to none), an admin."""
    leningradka, varshavka, _ = group
    return {
        "leningradka": UserFactory(role="manager", showroom_ids=[leningradka.pk]),
        "varshavka": UserFactory(role="manager", showroom_ids=[varshavka.pk]),
        "group": UserFactory(role="manager"),
        "admin": UserFactory(role="admin"),
    }


@pytest.fixture
def sold_on_leningradka(group, customer):
    """An order placed through the API for a car standing on Leningradka."""
    car = placed(group[0], make="Haval", model="Jolion")
    response = client_for(customer).post(
        "/api/v1/orders/", {"items": [{"product_id": str(car.pk), "quantity": 1}]}, format="json"
    )
    assert response.status_code == 201, response.json()
    return Order.objects.get(pk=response.json()["id"])


def test_an_order_belongs_to_the_showroom_its_car_stood_in(group, sold_on_leningradka, customer):
    accessories = order_make(customer, (product_make(price="900.00"), 2))

    assert sold_on_leningradka.showroom_id == group[0].pk
    answer = client_for(customer).get(f"/api/v1/orders/{sold_on_leningradka.pk}/").json()
    assert answer["showroom_id"] == str(group[0].pk)
    assert accessories.showroom_id is None  # the group's


def test_another_showrooms_manager_finds_the_order_nowhere_in_the_api(staff, sold_on_leningradka):
    order = sold_on_leningradka
    detail = f"/api/v1/orders/{order.pk}/"
    # The showroom's own manager reads it first, so the other meets its cached rendering.
    own = client_for(staff["leningradka"])
    assert own.get(detail).status_code == 200
    other = client_for(staff["varshavka"])

    refused = {
        "detail": other.get(detail).status_code,
        "history": other.get(f"{detail}history/").status_code,
        "deal": other.get(f"/api/v1/orders/{order.pk}/deal").status_code,
        "status": other.post(
            f"{detail.rstrip('/')}/status", {"status": "cancelled", "reason": "x"}, format="json"
        ).status_code,
    }
    listed = {
        name: [row["id"] for row in client_for(user).get("/api/v1/orders/").json()["results"]]
        for name, user in staff.items()
    }

    assert refused == {"detail": 404, "history": 404, "deal": 404, "status": 404}
    order.refresh_from_db()
    assert order.status == "pending"  # the refused cancellation changed nothing
    assert listed["varshavka"] == []
    assert listed["leningradka"] == listed["group"] == listed["admin"] == [str(order.pk)]


def test_a_showrooms_manager_does_not_see_the_groups_orders_of_accessories(staff, customer):
    accessories = order_make(customer, (product_make(price="900.00"), 2))

    assert client_for(staff["leningradka"]).get(
        f"/api/v1/orders/{accessories.pk}/"
    ).status_code == (404)
    assert client_for(staff["group"]).get(f"/api/v1/orders/{accessories.pk}/").status_code == 200


def test_the_admin_lists_and_finds_a_showrooms_orders_for_its_managers_only(
    staff, sold_on_leningradka
):
    order = sold_on_leningradka
    changelist = reverse("admin:orders_order_changelist")
    change = reverse("admin:orders_order_change", args=[order.pk])

    def seen(user) -> dict:
        browser = browser_for(user)
        return {  # a row links to the order's page
            "list": change in browser.get(changelist).content.decode(),
            "search": change in browser.get(changelist, {"q": order.number}).content.decode(),
            "page": browser.get(change).status_code,
        }

    assert seen(staff["varshavka"]) == {"list": False, "search": False, "page": 302}
    assert seen(staff["leningradka"]) == {"list": True, "search": True, "page": 200}
    page = browser_for(staff["group"]).get(change, HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert "Автосалон на Ленинградке, Москва" in page  # the showroom that sells it, by name


def test_an_admin_ticks_a_managers_showrooms_by_name(staff, group):
    leningradka, varshavka, _ = group
    manager = staff["varshavka"]
    change = reverse("admin:accounts_user_change", args=[manager.pk])
    admin = browser_for(staff["admin"])

    form = admin.get(change, HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    saved = admin.post(
        change,
        {
            "email": manager.email,
            "full_name": manager.full_name,
            "phone": "",
            "language": "",
            "showroom_ids": [str(leningradka.pk), str(varshavka.pk)],
            "is_active": "on",
        },
    )

    assert 'type="checkbox" name="showroom_ids"' in form
    assert "Автосалон на Варшавке, Москва" in form
    assert saved.status_code == 302, saved.content.decode()[:2000]
    manager.refresh_from_db()
    assert sorted(manager.showroom_ids) == sorted([leningradka.pk, varshavka.pk])
    assert browser_for(staff["varshavka"]).get(change).status_code == 403  # managers may not
