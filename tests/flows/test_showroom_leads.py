"""Leads by showroom (docs/crm.md, "Assignment"): a call back asked for on a car's page goes to
a manager of the showroom the car stands in, in turn; a buyer who registered (a lead of the
group's managers) and orders a car becomes a lead of that car's showroom, handed to its
manager; a showroom's manager sees and takes its untaken leads, not another's."""

import pytest
from django.urls import reverse

from accounts import services as accounts_services
from accounts.models import User
from accounts.tests.factories import UserFactory
from conftest import client_for
from crm import services as crm_services
from crm.models import Client, OutboxEvent
from crm.tests.events import deliver
from orders.tests.factories import order_make
from storefront.tests.test_buying import sign_up_form
from tests.flows.test_lead_assignment import register
from tests.flows.test_vehicle_locations import group, placed

pytestmark = pytest.mark.django_db(databases="__all__")

__all__ = ["group"]  # the fixture, shared with the cars' locations


def callback_about(client, car, name: str, phone: str):
    return client.post(
        reverse("storefront:callback", args=[car.pk]),
        {"name": name, "phone": phone, "consent": "on"},
    )


def test_a_call_back_about_a_car_goes_to_its_showrooms_managers_in_turn(group, client):
    leningradka, varshavka, _yekaterinburg = group
    group_manager = UserFactory(role="manager")
    south = [UserFactory(role="manager", showroom_ids=[varshavka.pk]) for _ in range(2)]
    car = placed(varshavka, make="Tank", model="300")

    for n, phone in enumerate(["+79161110001", "+79161110002", "+79161110003"]):
        answer = callback_about(client, car, f"Покупатель {n}", phone)
        assert answer.status_code == 302
    leads = Client.objects.filter(phone__startswith="+7916111").order_by("created_at")

    assert [lead.showroom_id for lead in leads] == [varshavka.pk] * 3
    assert [lead.manager_id for lead in leads] == [south[0].pk, south[1].pk, south[0].pk]
    assert group_manager.pk not in {lead.manager_id for lead in leads}
    assert leningradka.pk not in {lead.showroom_id for lead in leads}


def test_a_registered_buyers_first_car_order_hands_them_to_its_showroom(group):
    leningradka = group[0]
    group_manager = UserFactory(role="manager")
    north = UserFactory(role="manager", showroom_ids=[leningradka.pk])
    buyer = register(1)
    buyer = accounts_services.email_verify_confirm(
        token=accounts_services.email_verify_token(user=buyer)
    )  # a car is held for a verified buyer only
    assert Client.objects.get(user_id=buyer.pk).manager_id == group_manager.pk

    order_make(buyer, (placed(leningradka, make="Haval", model="Jolion"), 1))
    delivered = deliver("orders", "order.created")

    client = Client.objects.get(user_id=buyer.pk)
    assert delivered
    assert (client.showroom_id, client.manager_id) == (leningradka.pk, north.pk)
    handed = OutboxEvent.objects.filter(type="client.updated").latest("occurred_at")
    assert handed.payload["changed"] == ["manager_id"]
    assert handed.payload["manager_id"] == str(north.pk)


def test_a_showrooms_manager_sees_and_takes_its_untaken_leads_only(group, settings):
    settings.CRM_LEAD_ASSIGNMENT = "none"
    leningradka, varshavka, _yekaterinburg = group
    north = UserFactory(role="manager", showroom_ids=[leningradka.pk])
    south = UserFactory(role="manager", showroom_ids=[varshavka.pk])
    crm_services.callback_request(
        name="Анна", phone="+79161110009", about="Haval Jolion", showroom_id=leningradka.pk
    )
    lead = Client.objects.get(phone="+79161110009")

    listed = {
        manager.email: [
            row["id"] for row in client_for(manager).get("/api/v1/crm/clients/").json()["results"]
        ]
        for manager in (north, south)
    }
    taken_by_south = client_for(south).post(f"/api/v1/crm/clients/{lead.pk}/take")
    taken_by_north = client_for(north).post(f"/api/v1/crm/clients/{lead.pk}/take")

    assert listed == {north.email: [str(lead.pk)], south.email: []}
    assert taken_by_south.status_code == 404
    assert taken_by_north.status_code == 200
    lead.refresh_from_db()
    assert lead.manager_id == north.pk


def test_a_buyer_who_signs_up_in_a_city_is_a_lead_of_its_showrooms_managers(group, client):
    leningradka, _varshavka, yekaterinburg = group
    UserFactory(role="manager")  # the group's
    UserFactory(role="manager", showroom_ids=[leningradka.pk])
    ural = UserFactory(role="manager", showroom_ids=[yekaterinburg.pk])
    form = client.get(reverse("storefront:sign-up"), HTTP_ACCEPT_LANGUAGE="ru")

    signed_up = client.post(reverse("storefront:sign-up"), sign_up_form(city="Екатеринбург"))
    buyer = User.objects.get(email=sign_up_form()["email"])
    crm_services.client_for_user(buyer.pk)  # what the CRM does on the account's first event
    refused = client.post(reverse("storefront:sign-up"), sign_up_form(city="Атлантида"))

    assert "Ваш город" in form.content.decode() and "Екатеринбург" in form.content.decode()
    assert signed_up.status_code == 302
    assert buyer.city == "Екатеринбург"
    assert Client.objects.get(user_id=buyer.pk).manager_id == ural.pk
    assert refused.status_code == 400 and "city" in refused.context["form"].errors
