"""The showroom scope where records change (docs/showrooms.md, "Staff per showroom"), replayed
as the fifth security review made each finding, with the demo's shape: two Moscow showrooms
and Yekaterinburg, a manager of each Moscow one, the group's manager, an admin. Each refusal
writes nothing; the staff of the record's showroom, and the group's, still act."""

import uuid
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from accounts.tests.factories import UserFactory
from catalog.models import Product, ProductPhoto, VehicleTransfer
from catalog.selectors.locations import cars_unplaced_report
from catalog.tests.factories import jpeg
from conftest import browser_for, client_for
from documents.models import LegalEntity
from documents.tests.factories import legal_entity_make
from notifications.tests.factories import order_delivery_make
from orders.tests.factories import order_make, product_make, vehicle_make
from showroom import services as showroom_services
from showroom.models import Allocation, Resource, Showroom
from showroom.tests.factories import resource_make, tomorrow_at
from tests.flows.test_showroom_staff import sold_on_leningradka, staff
from tests.flows.test_vehicle_locations import group, placed

pytestmark = pytest.mark.django_db(databases="__all__")
__all__ = ["group", "sold_on_leningradka", "staff"]  # the fixtures, shared

VIN = "XW8ZZZ61ZKG000001"


def new_car(**fields) -> dict:
    return {
        "name": "Skoda Octavia",
        "price": "2590000.00",
        "category": str(product_make().category_id),
        "vin": VIN,
        "make": "Skoda",
        "model": "Octavia",
        "year": timezone.localdate().year,
        **fields,
    }


# A CAR STANDS IN A SHOWROOM FROM ITS CREATION
# ------------------------------------------------------------------------------
def test_a_car_created_through_the_api_stands_where_it_was_told(group, staff):
    _moscow, varshavka, yekaterinburg = group
    api = client_for(staff["group"])

    unnamed = api.post("/api/v1/catalog/products/", new_car(), format="json")
    assert unnamed.status_code == 400, unnamed.content
    assert unnamed.json()["error"]["code"] == "showroom_required"
    assert unnamed.json()["error"]["details"]["showroom_id"]
    assert not Product.objects.filter(vin=VIN).exists()

    # Another showroom's manager may not stock Varshavka.
    theirs = client_for(staff["leningradka"]).post(
        "/api/v1/catalog/products/", new_car(showroom_id=str(varshavka.pk)), format="json"
    )
    assert theirs.status_code == 403, theirs.content
    assert theirs.json()["error"]["code"] == "outside_your_showrooms"
    assert not Product.objects.filter(vin=VIN).exists()

    made = api.post(
        "/api/v1/catalog/products/", new_car(showroom_id=str(yekaterinburg.pk)), format="json"
    )
    assert made.status_code == 201, made.content
    car = Product.objects.get(vin=VIN)
    assert (car.showroom_id, car.city) == (yekaterinburg.pk, "Екатеринбург")
    assert made.json()["showroom_id"] == str(yekaterinburg.pk)
    assert cars_unplaced_report() == {"status": "up", "cars": "0"}

    # It moves only by a transfer, which is kept.
    moved = api.patch(
        f"/api/v1/catalog/products/{car.pk}/", {"showroom_id": str(varshavka.pk)}, format="json"
    )
    assert moved.status_code == 400, moved.content
    assert Product.objects.get(pk=car.pk).showroom_id == yekaterinburg.pk


def test_an_accessory_stands_nowhere(group, staff):
    answer = client_for(staff["group"]).post(
        "/api/v1/catalog/products/",
        {
            **new_car(vin=None, name="Floor mats", make="", model=""),
            "showroom_id": str(group[0].pk),
        },
        format="json",
    )
    assert answer.status_code == 400, answer.content
    assert "showroom_id" in answer.json()["error"]["details"]
    assert not Product.objects.filter(name="Floor mats").exists()


def test_with_one_showroom_a_new_car_stands_in_it(manager, run_on_commit):
    from showroom.tests.factories import showroom_make

    with run_on_commit():  # the catalog hears of it
        only = showroom_make(name="Единственный")

    answer = client_for(manager).post("/api/v1/catalog/products/", new_car(), format="json")

    assert answer.status_code == 201, answer.content
    assert Product.objects.get(vin=VIN).showroom_id == only.pk


def test_the_admin_places_a_new_car_and_requires_the_showroom_with_several(group, staff):
    browser = browser_for(staff["group"])
    form = {
        **new_car(),
        "kind": "vehicle",
        "currency": "RUB",
        "stock_quantity": 1,
        "is_active": "on",
        "condition": "new",
        "photos-TOTAL_FORMS": 0,
        "photos-INITIAL_FORMS": 0,
        "transfers-TOTAL_FORMS": 0,
        "transfers-INITIAL_FORMS": 0,
    }
    add = reverse("admin:catalog_product_add")

    refused = browser.post(add, form)
    assert refused.status_code == 200  # the form again, its error beside the field
    assert "showroom_required" not in refused.content.decode()
    assert not Product.objects.filter(vin=VIN).exists()

    browser.post(add, {**form, "move_to": str(group[2].pk)})
    assert Product.objects.get(vin=VIN).showroom_id == group[2].pk


def test_the_health_report_counts_a_car_that_stands_nowhere(group):
    assert cars_unplaced_report() == {"status": "up", "cars": "0"}
    car = vehicle_make()

    assert cars_unplaced_report() == {"status": "degraded", "cars": "1"}
    browser = browser_for(UserFactory(role="admin"))
    listed = browser.get(reverse("admin:catalog_product_changelist") + "?stands_in=nowhere")
    assert str(car.pk) in listed.content.decode()


# FINDING 6: THE CATALOG IS SCOPED
# ------------------------------------------------------------------------------
def test_another_showrooms_manager_neither_reprices_nor_moves_nor_withdraws_a_car(group, staff):
    moscow, varshavka, _ = group
    car = placed(varshavka, make="Volkswagen", model="Transporter")
    theirs = client_for(staff["leningradka"])

    answers = [
        theirs.patch(f"/api/v1/catalog/products/{car.pk}/", {"price": "1.00"}, format="json"),
        theirs.post(
            f"/api/v1/catalog/products/{car.pk}/transfer/",
            {"showroom_id": str(moscow.pk)},
            format="json",
        ),
        theirs.delete(f"/api/v1/catalog/products/{car.pk}/"),
        theirs.post(
            f"/api/v1/catalog/products/{car.pk}/photos/", {"file": jpeg()}, format="multipart"
        ),
    ]

    assert [a.status_code for a in answers] == [403] * 4, [a.content for a in answers]
    assert {a.json()["error"]["code"] for a in answers} == {"outside_your_showrooms"}
    car.refresh_from_db()
    assert (car.price, car.showroom_id, car.is_active) == (
        Decimal("1500000.00"),
        varshavka.pk,
        True,
    )
    assert not VehicleTransfer.objects.filter(product=car).exists()
    assert not ProductPhoto.objects.filter(product=car).exists()
    # Nor in the admin: the car's page is read-only to them.
    page = reverse("admin:catalog_product_change", args=[car.pk])
    posted = browser_for(staff["leningradka"]).post(page, {"price": "1.00"})
    assert posted.status_code == 403
    assert Product.objects.get(pk=car.pk).price == Decimal("1500000.00")

    # Its own showroom's staff reprice it; the group's move it.
    own = client_for(staff["varshavka"]).patch(
        f"/api/v1/catalog/products/{car.pk}/", {"price": "2889999.00"}, format="json"
    )
    assert own.status_code == 200, own.content
    moved = client_for(staff["group"]).post(
        f"/api/v1/catalog/products/{car.pk}/transfer/",
        {"showroom_id": str(moscow.pk)},
        format="json",
    )
    assert moved.status_code == 200, moved.content
    car.refresh_from_db()
    assert (car.price, car.showroom_id) == (Decimal("2889999.00"), moscow.pk)


# THE GROUP'S VIEW IS A GRANT
# ------------------------------------------------------------------------------
def test_a_manager_without_a_tick_sees_no_showrooms_records(sold_on_leningradka):
    forgotten = UserFactory(role="manager", whole_group=False)
    granted = UserFactory(role="manager", whole_group=True)

    def listed(user) -> list[str]:
        return [o["id"] for o in client_for(user).get("/api/v1/orders/").json()["results"]]

    assert listed(forgotten) == []
    assert listed(granted) == [str(sold_on_leningradka.pk)]
    with pytest.raises(ValidationError) as refused:
        forgotten.full_clean()
    assert "showroom_ids" in refused.value.message_dict


def test_an_admin_opens_a_manager_with_their_showrooms_or_the_group_never_neither(
    group, admin_user
):
    moscow, _varshavka, yekaterinburg = group
    api = client_for(admin_user)
    opened = {"email": "new.manager@example.com", "role": "manager"}

    neither = api.post("/api/v1/users/", opened, format="json")
    unknown = api.post(
        "/api/v1/users/", {**opened, "showroom_ids": [str(uuid.uuid4())]}, format="json"
    )
    assert neither.status_code == unknown.status_code == 400, (neither.content, unknown.content)
    assert "showroom_ids" in neither.json()["error"]["details"]
    assert "showroom_ids" in unknown.json()["error"]["details"]
    assert not User.objects.filter(email=opened["email"]).exists()

    ticked = api.post(
        "/api/v1/users/",
        {**opened, "showroom_ids": [str(moscow.pk), str(yekaterinburg.pk)]},
        format="json",
    )
    group_wide = api.post(
        "/api/v1/users/", {**opened, "email": "group@example.com", "whole_group": True}
    )
    assert ticked.status_code == group_wide.status_code == 201, (ticked.content, group_wide.content)
    manager = User.objects.get(email=opened["email"])
    assert (manager.whole_group, set(manager.showroom_ids)) == (
        False,
        {moscow.pk, yekaterinburg.pk},
    )
    assert User.objects.get(email="group@example.com").whole_group is True
    assert ticked.json()["showroom_ids"] == [str(moscow.pk), str(yekaterinburg.pk)]


# FINDING 5: THE ADMIN'S PAGES OUTSIDE THE MANAGER'S SHOWROOM
# ------------------------------------------------------------------------------
@pytest.fixture
def varshavka_test_drive(group, customer):
    """A test drive booked on Varshavka's demo car."""
    car = placed(group[1], make="Kia", model="Carnival")
    resource = resource_make(vehicle_id=car.pk, showroom=Showroom.objects.get(pk=group[1].pk))
    drive = showroom_services.test_drive_book(
        user=customer, vehicle_id=car.pk, start_time=tomorrow_at(11), end_time=tomorrow_at(12)
    )
    return resource, drive


def action(user, model: str, name: str, pk) -> str:
    """Run an admin action on one row as `user`: the page's messages."""
    browser = browser_for(user)
    answer = browser.post(
        reverse(f"admin:showroom_{model}_changelist"),
        {"action": name, "_selected_action": [str(pk)]},
        follow=True,
    )
    return " ".join(str(m) for m in answer.context["messages"]) if answer.context else ""


def test_another_showrooms_manager_neither_lists_nor_releases_nor_moves_its_bookings(
    staff, varshavka_test_drive
):
    resource, drive = varshavka_test_drive
    allocation = drive.allocation
    bookings = reverse("admin:showroom_allocation_changelist")
    theirs = browser_for(staff["leningradka"])

    assert str(allocation.pk) not in theirs.get(bookings).content.decode()
    action(staff["leningradka"], "allocation", "released", allocation.pk)
    action(staff["leningradka"], "resource", "deleted", resource.pk)
    theirs.post(
        reverse("admin:showroom_resource_change", args=[resource.pk]),
        {"name": resource.name, "showroom": str(staff["leningradka"].showroom_ids[0])},
    )

    allocation.refresh_from_db()
    resource.refresh_from_db()
    assert allocation.status == "active"
    assert (resource.showroom_id, resource.deleted_at) == (drive.resource.showroom_id, None)

    # Its own showroom's manager may not release a test drive's booking alone either: the
    # test drive would stay booked on a slot another could take.
    said = action(staff["varshavka"], "allocation", "released", allocation.pk)
    assert "test drive" in said or "тест-драйв" in said, said
    assert Allocation.objects.get(pk=allocation.pk).status == "active"
    answer = client_for(staff["varshavka"]).post(
        f"/api/v1/showroom/allocations/{allocation.pk}/release"
    )
    assert answer.status_code == 409 and answer.json()["error"]["code"] == "allocation_held"
    assert Allocation.objects.get(pk=allocation.pk).status == "active"


def test_showrooms_and_legal_entities_are_changed_by_the_group_only(group, staff):
    varshavka = Showroom.objects.get(pk=group[1].pk)
    entity = legal_entity_make()
    theirs = browser_for(staff["leningradka"])
    pages = [
        reverse("admin:showroom_showroom_change", args=[varshavka.pk]),
        reverse("admin:showroom_showroom_delete", args=[varshavka.pk]),
        reverse("admin:documents_legalentity_change", args=[entity.pk]),
        reverse("admin:documents_legalentity_delete", args=[entity.pk]),
    ]

    assert theirs.get(pages[0]).status_code == 200  # they read it
    posted = [theirs.post(page, {"phone": "+7 000 000-00-00", "post": "yes"}) for page in pages]

    assert [answer.status_code for answer in posted] == [403] * 4
    assert Showroom.objects.get(pk=varshavka.pk).phone == varshavka.phone
    assert LegalEntity.objects.filter(pk=entity.pk, short_name=entity.short_name).exists()
    group_staff = browser_for(staff["group"])
    assert "submit" in group_staff.get(pages[0]).content.decode()


def test_the_deliveries_are_scoped_by_their_orders_showroom(group, staff, customer):
    theirs = order_make(customer, (placed(group[1]), 1))
    ours = order_make(customer, (placed(group[0]), 1))
    assert (theirs.showroom_id, ours.showroom_id) == (group[1].pk, group[0].pk)
    made = {order.pk: order_delivery_make(customer, order) for order in (theirs, ours)}

    page = browser_for(staff["leningradka"]).get(reverse("admin:notifications_delivery_changelist"))

    listed = page.content.decode()
    assert str(made[ours.pk].pk) in listed
    assert str(made[theirs.pk].pk) not in listed
    everything = browser_for(staff["group"]).get(reverse("admin:notifications_delivery_changelist"))
    assert str(made[theirs.pk].pk) in everything.content.decode()


# THE SHOWROOMS IN THE API
# ------------------------------------------------------------------------------
def test_anyone_reads_the_showrooms_with_their_contacts_hours_and_clock(group, client):
    answer = client.get("/api/v1/showrooms/")

    assert answer.status_code == 200, answer.content
    by_name = {showroom["name"]: showroom for showroom in answer.json()}
    assert set(by_name) == {s.name for s in Showroom.objects.filter(is_active=True)}
    ural = by_name[group[2].name]
    assert ural["city"] == "Екатеринбург"
    assert ural["time_zone"] == Showroom.objects.get(pk=group[2].pk).time_zone
    assert len(ural["week"]) == 7 and {"weekday", "opens", "closes"} <= set(ural["week"][0])
    assert isinstance(ural["brands"], list) and isinstance(ural["is_open_now"], bool)


def test_a_resource_is_added_only_to_ones_own_showroom(group, staff):
    kind = showroom_services.resource_type_create(name="Стенды")
    body = {
        "name": "Стенд",
        "type_id": str(kind.pk),
        "showroom_id": str(group[1].pk),
        "quantity": 1,
        "opens_at": "09:00",
        "closes_at": "18:00",
    }

    answer = client_for(staff["leningradka"]).post(
        "/api/v1/showroom/resources/", body, format="json"
    )

    assert answer.status_code == 403, answer.content
    assert not Resource.objects.filter(name="Стенд").exists()
    own = client_for(staff["varshavka"]).post("/api/v1/showroom/resources/", body, format="json")
    assert own.status_code == 201, own.content
    assert Resource.objects.get(name="Стенд").showroom_id == group[1].pk
