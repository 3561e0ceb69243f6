"""The buyer's account: their consents, withdrawn by them alone, and a test drive booked from
the car's page in one of the demo car's free slots, with its own consent."""

import re
import uuid
from decimal import Decimal
from urllib.parse import unquote

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from accounts import selectors as accounts
from accounts import services as account_services
from accounts.tests.factories import UserFactory
from catalog.tests.factories import VehicleFactory
from crm import selectors as crm_selectors
from notifications import selectors as notifications
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
    account_services.consent_give(purpose="account", user=buyer, email=buyer.email)
    consent = account_services.consent_give(purpose="callback", user=buyer, phone="+79161234567")
    client = signed_in(buyer)

    page = client.get(reverse("storefront:account")).content.decode()
    client.post(reverse("storefront:consent-withdraw", args=[consent.pk]))

    assert "Личный кабинет и покупка автомобиля" in page
    withdrawn = {c.purpose: c.withdrawn_at for c in accounts.consent_list(user=buyer)}
    assert withdrawn["callback"] is not None and withdrawn["account"] is None


def withdraw(client, consent, **confirm):
    return client.post(reverse("storefront:consent-withdraw", args=[consent.pk]), confirm)


def test_a_withdrawn_test_drive_consent_cancels_the_drives_to_come_and_tells_the_manager(
    demo_car, django_capture_on_commit_callbacks
):
    buyer = UserFactory()
    client = signed_in(buyer)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("storefront:test-drive", args=[demo_car.pk]),
            {"start_time": tomorrow_at(10).isoformat(), "consent": "on"},
        )
    (consent,) = accounts.consent_list(user=buyer)

    with django_capture_on_commit_callbacks(execute=True):
        response = withdraw(client, consent)

    assert response["Location"] == reverse("storefront:account")
    (drive,) = showroom.test_drive_list(user=buyer)
    assert drive.status == "cancelled"
    record = crm_selectors.client_list(user=UserFactory(role="admin")).get(user_id=buyer.pk)
    timeline = {a.kind: a.summary for a in crm_selectors.client_activity(client=record)}
    assert timeline["consent_withdrawn"] == (
        "Отозвал согласие «Тест-драйв»: предстоящие тест-драйвы отменены; новые не предлагать"
    )


def test_a_withdrawn_events_consent_gives_up_the_seats_to_come(django_capture_on_commit_callbacks):
    buyer = UserFactory()
    event = event_make()
    client = signed_in(buyer)
    client.post(
        reverse("storefront:event", args=[event.pk]), {"key": uuid.uuid4(), "consent": "on"}
    )
    (consent,) = accounts.consent_list(user=buyer)

    with django_capture_on_commit_callbacks(execute=True):
        withdraw(client, consent)

    (registration,) = showroom.registration_list(user=buyer)
    assert registration.status == "cancelled"


def test_the_account_consent_is_withdrawn_only_when_confirmed_and_closes_the_account(
    django_capture_on_commit_callbacks,
):
    buyer = UserFactory()
    consent = account_services.consent_give(purpose="account", user=buyer, email=buyer.email)
    client = signed_in(buyer)

    asked = withdraw(client, consent)
    assert asked.status_code == 200 and 'name="confirm"' in asked.content.decode()
    assert accounts.consent_list(user=buyer).get().withdrawn_at is None

    with django_capture_on_commit_callbacks(execute=True):
        closed = withdraw(client, consent, confirm="1")

    assert closed["Location"] == reverse("storefront:home")
    assert accounts.consent_list(user=buyer).get().withdrawn_at is not None
    buyer.refresh_from_db()
    assert buyer.is_active is False
    assert client.get(reverse("storefront:account")).status_code == 302  # signed out


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


# PROFILE, LANGUAGE, FORGOTTEN PASSWORD
# ------------------------------------------------------------------------------
def test_the_profile_and_the_language_are_saved_on_the_account():
    buyer = UserFactory(full_name="Anna", language="ru")
    client = signed_in(buyer)

    response = client.post(
        reverse("storefront:account"),
        {"full_name": "Анна Петрова", "phone": "+7 916 123-45-67", "language": "en"},
    )

    assert response.status_code == 302
    assert response.cookies["django_language"].value == "en"
    buyer.refresh_from_db()
    assert (buyer.full_name, str(buyer.phone), buyer.language) == (
        "Анна Петрова",
        "+79161234567",
        "en",
    )
    assert "My account" in client.get(reverse("storefront:account")).content.decode()


def test_a_profile_with_a_wrong_phone_is_refused_and_changes_nothing():
    buyer = UserFactory(full_name="Anna", language="ru")

    response = signed_in(buyer).post(
        reverse("storefront:account"),
        {"full_name": "Someone else", "phone": "not a phone", "language": "xx"},
    )

    assert response.status_code == 400
    html = response.content.decode()
    assert "field-invalid" in html
    buyer.refresh_from_db()
    assert (buyer.full_name, buyer.language) == ("Anna", "ru")


def test_a_forgotten_password_sends_a_link_to_an_account_and_says_the_same_to_a_stranger(
    django_capture_on_commit_callbacks,
):
    buyer = UserFactory(email="anna@example.com")
    url = reverse("storefront:password-forgotten")

    with django_capture_on_commit_callbacks(execute=True):
        known = Client().post(url, {"email": "Anna@Example.com"})
        unknown = Client().post(url, {"email": "nobody@example.com"})

    assert known.status_code == unknown.status_code == 200
    said = [
        re.search(r'<p role="status">(.*?)</p>', r.content.decode(), re.S)[1]
        for r in (known, unknown)
    ]
    assert said[0] == said[1] and "ссылку" in said[0]
    assert [m.to for m in mail.outbox] == [[buyer.email]]
    assert "/reset-password?uid=" in mail.outbox[0].body
    assert Client().post(url, {"email": "not an address"}).status_code == 400


def test_the_sign_in_page_links_the_forgotten_password_page():
    html = Client().get(reverse("storefront:sign-in")).content.decode()

    assert reverse("storefront:password-forgotten") in html


def checked(page: str, name: str) -> bool:
    return bool(re.search(rf'<input type="checkbox" name="{name}"[^>]*\bchecked\b', page))


def test_the_account_page_shows_and_saves_the_messages_the_buyer_wants():
    buyer = UserFactory(language="ru")
    client = signed_in(buyer)

    page = client.get(reverse("storefront:account")).content.decode()
    refused = client.post(reverse("storefront:account-notifications"), {"email_marketing": "on"})
    saved = client.post(
        reverse("storefront:account-notifications"),
        {"email_reminders": "on", "email_marketing": "on", "marketing_consent": "on"},
    )

    assert "Сообщения от нас" in page and checked(page, "sms_reminders")
    assert refused.status_code == saved.status_code == 302
    preference = notifications.preference_get(user=buyer)
    assert preference.email_marketing and preference.marketing_consent_at is not None
    assert (preference.sms_reminders, preference.sms_transactional) == (False, False)
    shown = client.get(reverse("storefront:account")).content.decode()
    assert checked(shown, "email_marketing") and not checked(shown, "sms_reminders")


def test_a_signed_out_tap_on_a_slot_keeps_it_through_the_sign_in(demo_car):
    chosen = tomorrow_at(14).isoformat()
    away = Client().post(
        reverse("storefront:test-drive", args=[demo_car.pk]), {"start_time": chosen}
    )
    back = unquote(away["Location"].split("next=", 1)[1])

    page = signed_in(UserFactory()).get(back).content.decode()

    assert away["Location"].startswith(reverse("storefront:sign-in"))
    assert back.startswith(reverse("storefront:car", args=[demo_car.pk])) and "#test-drive" in back
    checked = re.findall(r'name="start_time" value="([^"]+)" required checked', page)
    assert checked == [chosen]  # the slot tapped, not the day's first
