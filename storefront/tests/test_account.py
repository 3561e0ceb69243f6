"""The buyer's account: their consents, withdrawn by them alone, and a test drive booked from
the car's page in one of the demo car's free slots, with its own consent."""

import uuid
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from accounts import selectors as accounts
from accounts import services as account_services
from accounts.tests.factories import UserFactory
from catalog.tests.factories import VehicleFactory
from crm import selectors as crm_selectors
from payments import selectors as payments
from showroom import selectors as showroom
from showroom.tests.factories import event_make, resource_make, tomorrow_at

pytestmark = pytest.mark.django_db(databases="__all__")


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def demo_car():
    car = VehicleFactory(test_drive_available=True)
    resource_make(name="Demo K5", vehicle_id=car.pk)
    return car


def test_the_account_page_lists_the_consents_and_one_is_withdrawn_by_its_giver():
    buyer = UserFactory()
    consent = account_services.consent_give(purpose="account", user=buyer, email=buyer.email)
    client = signed_in(buyer)

    page = client.get(reverse("storefront:account")).content.decode()
    client.post(reverse("storefront:consent-withdraw", args=[consent.pk]))

    assert "Личный кабинет и покупка автомобиля" in page
    (withdrawn,) = accounts.consent_list(user=buyer)
    assert withdrawn.withdrawn_at is not None


def test_another_buyers_consent_cannot_be_withdrawn():
    owner = UserFactory()
    consent = account_services.consent_give(purpose="account", user=owner, email=owner.email)

    response = signed_in(UserFactory()).post(
        reverse("storefront:consent-withdraw", args=[consent.pk])
    )

    assert response.status_code == 404
    assert accounts.consent_list(user=owner).get().withdrawn_at is None


def test_the_account_page_asks_a_stranger_to_sign_in():
    response = Client().get(reverse("storefront:account"))

    assert response["Location"] == f"{reverse('storefront:sign-in')}?next=/account/"


def test_the_car_page_offers_the_demo_cars_free_slots_of_the_day(demo_car):
    day = tomorrow_at(10).date()

    html = (
        Client().get(reverse("storefront:car", args=[demo_car.pk]), {"day": day}).content.decode()
    )

    assert 'name="start_time" value="' + tomorrow_at(10).isoformat() in html
    assert 'name="start_time" value="' + tomorrow_at(8).isoformat() in html  # opens at 8


def test_booking_a_test_drive_takes_the_slot_and_records_its_consent(demo_car):
    buyer = UserFactory()
    client = signed_in(buyer)

    response = client.post(
        reverse("storefront:test-drive", args=[demo_car.pk]),
        {"start_time": tomorrow_at(10).isoformat(), "consent": "on"},
    )

    assert response["Location"] == reverse("storefront:account")
    (drive,) = showroom.test_drive_list(user=buyer)
    assert drive.start_time == tomorrow_at(10)
    assert [c.purpose for c in accounts.consent_list(user=buyer)] == ["test_drive"]
    taken = Client().get(
        reverse("storefront:car", args=[demo_car.pk]), {"day": tomorrow_at(10).date()}
    )
    assert 'value="' + tomorrow_at(10).isoformat() not in taken.content.decode()


def test_a_test_drive_without_its_consent_is_not_booked(demo_car):
    buyer = UserFactory()

    signed_in(buyer).post(
        reverse("storefront:test-drive", args=[demo_car.pk]),
        {"start_time": tomorrow_at(10).isoformat()},
    )

    assert not showroom.test_drive_list(user=buyer).exists()
    assert not accounts.consent_list(user=buyer).exists()


def test_call_me_back_leaves_a_lead_with_a_manager_and_its_consent(demo_car):
    response = Client(REMOTE_ADDR="198.51.100.20").post(
        reverse("storefront:callback", args=[demo_car.pk]),
        {"name": "Иван", "phone": "8 916 123-45-67", "consent": "on"},
    )

    assert response["Location"] == reverse("storefront:car", args=[demo_car.pk])
    lead = crm_selectors.client_list(user=UserFactory(role="admin")).get(phone="+79161234567")
    assert lead.source == "website" and lead.name == "Иван"
    (entry,) = lead.activities.all()
    assert entry.kind == "callback_requested" and demo_car.vin in entry.summary
    (consent,) = accounts.consent_list_of_phone(phone="+79161234567")
    assert consent.purpose == "callback" and consent.ip_address == "198.51.100.20"


def test_call_me_back_without_its_consent_leaves_nothing(demo_car):
    Client().post(
        reverse("storefront:callback", args=[demo_car.pk]),
        {"name": "Иван", "phone": "+79161234567"},
    )

    assert (
        not crm_selectors.client_list(user=UserFactory(role="admin"))
        .filter(phone="+79161234567")
        .exists()
    )


def test_a_free_showroom_event_confirms_the_seat_with_its_consent():
    event = event_make(capacity=5)
    buyer = UserFactory()

    response = signed_in(buyer).post(
        reverse("storefront:event", args=[event.pk]), {"key": uuid.uuid4(), "consent": "on"}
    )

    assert response["Location"] == reverse("storefront:account")
    (registration,) = showroom.registration_list(user=buyer)
    assert registration.event_id == event.pk and registration.status == "confirmed"
    assert [c.purpose for c in accounts.consent_list(user=buyer)] == ["events"]


def test_a_paid_event_holds_the_seat_and_asks_for_its_price():
    event = event_make(capacity=5, price=Decimal("1500.00"))
    buyer = UserFactory()
    key = uuid.uuid4()
    client = signed_in(buyer)

    client.post(reverse("storefront:event", args=[event.pk]), {"key": key, "consent": "on"})

    (registration,) = showroom.registration_list(user=buyer)
    (payment,) = payments.payment_list(user=buyer)
    assert payment.amount == Decimal("1500.00") and payment.payable_id == registration.pk


def test_an_event_seat_needs_a_sign_in_and_the_consent():
    event = event_make(capacity=5)
    buyer = UserFactory()

    anonymous = Client().post(
        reverse("storefront:event", args=[event.pk]), {"key": uuid.uuid4(), "consent": "on"}
    )
    unconsented = signed_in(buyer).post(
        reverse("storefront:event", args=[event.pk]), {"key": uuid.uuid4()}
    )

    assert anonymous["Location"].startswith(reverse("storefront:sign-in"))
    assert unconsented.status_code == 400
    assert not showroom.registration_list(user=buyer).exists()
