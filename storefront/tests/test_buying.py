"""Buying on the storefront: signing up with a consent, signing in through the API's own
lockout, reserving a car once however often the form is sent, paying a deposit, and the
buyer's own order pages; another buyer's are 404s."""

import re
import threading
import uuid
from decimal import Decimal

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import translation

from accounts import selectors as accounts
from accounts.tests.factories import PASSWORD, UserFactory
from catalog import selectors as catalog
from catalog.tests.factories import VehicleFactory
from common import formatting
from conftest import run_concurrently
from documents import services as documents_services
from documents.tests.factories import legal_entity_make
from financing import selectors as financing
from insurance import selectors as insurance
from orders import selectors as orders
from payments import selectors as payments
from payments import services as payment_services

pytestmark = pytest.mark.django_db(databases="__all__")

SIGN_UP = reverse("storefront:sign-up")
SIGN_IN = reverse("storefront:sign-in")


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def reserve(client: Client, car, key=None):
    return client.post(reverse("storefront:reserve", args=[car.pk]), {"key": key or uuid.uuid4()})


@pytest.fixture
def car():
    return VehicleFactory(price=Decimal("3000000.00"))


# SIGNING UP AND IN
# ------------------------------------------------------------------------------
def sign_up_form(**changes) -> dict:
    return {
        "full_name": "Анна Петрова",
        "email": "anna@example.com",
        "phone": "+79161234567",
        "password": "Sekret-pass-2026",
        "consent": "on",
        **changes,
    }


def test_signing_up_records_the_consent_with_its_version_and_asks_to_confirm_then_sign_in():
    client = Client(REMOTE_ADDR="198.51.100.7")

    response = client.post(SIGN_UP, sign_up_form())

    user = accounts.user_get_by_email(email="anna@example.com")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("storefront:sign-in"))
    assert user is not None and user.full_name == "Анна Петрова" and user.language == "ru"
    assert "_auth_user_id" not in client.session  # the same answer as for a taken e-mail
    (consent,) = accounts.consent_list(user=user)
    text = accounts.consent_text(purpose="account")
    assert (consent.purpose, consent.text_version) == ("account", text.version)
    assert consent.ip_address == "198.51.100.7" and consent.withdrawn_at is None
    assert user.email_verified_at is None  # until the e-mailed link is opened


def test_without_the_consent_nobody_is_signed_up():
    response = Client().post(SIGN_UP, sign_up_form(consent=""))

    assert response.status_code == 400
    assert "Без этого согласия мы не можем продолжить" in response.content.decode()
    assert accounts.user_get_by_email(email="anna@example.com") is None


def test_a_taken_e_mail_is_answered_as_a_new_one_and_no_second_account_is_made():
    owner = UserFactory(email="anna@example.com")
    taken_client, new_client = Client(), Client()

    taken = taken_client.post(SIGN_UP, sign_up_form())
    new = new_client.post(SIGN_UP, sign_up_form(email="boris@example.com"))

    assert taken.status_code == new.status_code == 302
    assert taken["Location"] == new["Location"]
    assert set(taken.cookies) == set(new.cookies)
    assert accounts.user_list().filter(email="anna@example.com").count() == 1
    assert not accounts.consent_list(user=owner).exists()
    assert "_auth_user_id" not in taken_client.session


def test_the_consent_box_is_unticked_and_its_text_is_beside_it():
    html = Client().get(SIGN_UP).content.decode()

    box = re.search(r'<input type="checkbox" name="consent"[^>]*>', html).group(0)
    assert "checked" not in box
    assert "Я даю согласие автосалону на обработку моих имени" in html


def test_signing_in_opens_a_session_and_goes_back_to_the_page_that_asked():
    user = UserFactory()
    client = Client()

    response = client.post(
        SIGN_IN, {"login": user.email, "password": PASSWORD, "next": "/compare/"}
    )

    assert response.status_code == 302 and response["Location"] == "/compare/"
    assert client.session["_auth_user_id"] == str(user.pk)
    assert accounts.activity_list(actor=user, user_id=user.pk).filter(type="login").exists()


def test_a_next_page_on_another_site_is_ignored():
    user = UserFactory()

    response = Client().post(
        SIGN_IN, {"login": user.email, "password": PASSWORD, "next": "https://evil.example/"}
    )

    assert response["Location"] == "/"


def test_the_lockout_of_the_api_locks_the_website_too():
    user = UserFactory()
    client = Client(REMOTE_ADDR="203.0.113.9")
    for _ in range(5):
        wrong = client.post(SIGN_IN, {"login": user.email, "password": "not-it"})
        assert wrong.status_code == 400

    right = client.post(SIGN_IN, {"login": user.email, "password": PASSWORD})

    assert right.status_code == 400  # locked: answered as a wrong password is
    assert "_auth_user_id" not in client.session
    failures = accounts.activity_list(actor=user, user_id=user.pk).filter(type="login_failed")
    assert failures.count() >= 5


def test_the_sign_in_form_refuses_a_missing_csrf_token():
    user = UserFactory()
    client = Client(enforce_csrf_checks=True)

    response = client.post(SIGN_IN, {"login": user.email, "password": PASSWORD})

    assert response.status_code == 403
    assert "_auth_user_id" not in client.session


# RESERVING AND PAYING
# ------------------------------------------------------------------------------
def test_reserving_needs_a_sign_in_and_comes_back_to_the_car(car):
    response = reserve(Client(), car)

    assert response.status_code == 302
    assert response["Location"] == f"{SIGN_IN}?next=/cars/{car.pk}/"
    assert catalog.product_get(product_id=car.pk).stock_quantity == 1


def test_a_reservation_sent_twice_is_one_order_holding_the_car(car):
    buyer = UserFactory()
    client = signed_in(buyer)
    key = uuid.uuid4()

    first = reserve(client, car, key)
    again = reserve(client, car, key)

    (order,) = orders.orders_of_buyer(user=buyer)
    assert first["Location"] == again["Location"] == f"/checkout/{order.pk}/"
    assert [item.product_id for item in order.line_items] == [car.pk]
    assert catalog.product_get(product_id=car.pk).stock_quantity == 0


def test_a_reserved_car_cannot_be_reserved_by_another_buyer(car):
    reserve(signed_in(UserFactory()), car)
    other = UserFactory()

    response = reserve(signed_in(other), car)

    assert response["Location"] == f"/cars/{car.pk}/"
    assert not orders.orders_of_buyer(user=other).exists()


def test_an_unverified_buyer_is_told_to_verify_and_holds_nothing(car):
    buyer = UserFactory(email_verified_at=None)
    client = signed_in(buyer)

    response = reserve(client, car)
    page = client.get(response["Location"])

    assert "Сначала подтвердите e-mail" in page.content.decode()
    assert not orders.orders_of_buyer(user=buyer).exists()
    assert catalog.product_get(product_id=car.pk).stock_quantity == 1


def test_paying_the_deposit_makes_one_payment_of_the_deposit_however_often_sent(car):
    buyer = UserFactory()
    client = signed_in(buyer)
    checkout = reserve(client, car)["Location"]
    key = uuid.uuid4()

    first = client.post(checkout, {"plan": "deposit", "key": key, "term_months": 60})
    again = client.post(checkout, {"plan": "deposit", "key": key, "term_months": 60})

    (order,) = orders.orders_of_buyer(user=buyer)
    (payment,) = payments.payment_list(user=buyer)
    deposit = Decimal("3000000.00") * settings.ORDERS_VEHICLE_DEPOSIT_PERCENT / 100
    assert payment.amount == deposit and payment.payable_id == order.pk
    assert first["Location"] == again["Location"] == f"/account/orders/{order.pk}/"


def test_a_loan_plan_without_its_figures_is_refused_and_pays_nothing(car):
    buyer = UserFactory()
    client = signed_in(buyer)
    checkout = reserve(client, car)["Location"]

    response = client.post(checkout, {"plan": "loan", "key": uuid.uuid4(), "term_months": 60})

    assert response.status_code == 400
    assert "Нужно для кредита" in response.content.decode()
    assert not payments.payment_list(user=buyer).exists()


def test_another_buyers_checkout_and_order_pages_are_404s(car):
    buyer = UserFactory()
    checkout = reserve(signed_in(buyer), car)["Location"]
    (order,) = orders.orders_of_buyer(user=buyer)
    stranger = signed_in(UserFactory())

    assert stranger.get(checkout).status_code == 404
    assert stranger.get(reverse("storefront:order", args=[order.pk])).status_code == 404
    assert stranger.post(checkout, {"plan": "full", "key": uuid.uuid4()}).status_code == 404
    assert not payments.payment_list(user=buyer).exists()


def test_the_order_page_says_the_status_in_words_and_the_deal(car):
    buyer = UserFactory()
    client = signed_in(buyer)
    reserve(client, car)
    (order,) = orders.orders_of_buyer(user=buyer)

    html = client.get(reverse("storefront:order", args=[order.pk])).content.decode()

    assert "Забронирован, ждёт оплаты" in html
    # The live script shows the words the feed sends: the page gives it none of its own.
    assert f'data-order="{order.pk}"' in html and "data-word-" not in html
    assert "3\xa0000\xa0000,00\xa0₽" in html


DRIVER = {"driver_age": 40, "driver_experience_years": 15}


def quoted(client, order, kind="kasko"):
    """The first step of buying a policy on the order's page: its quote, priced for the
    driver, shown; nothing bought."""
    asked = client.post(
        reverse("storefront:order-insure", args=[order.pk]), {"insurance_type": kind, **DRIVER}
    )
    assert asked.status_code == 302, asked
    return asked["Location"]


def test_kasko_is_priced_first_and_bought_only_on_the_button_that_names_its_premium(car):
    """The review: one tap charged 114,950 ₽ for KASKO that the page had never priced, and
    the form then offered KASKO again."""
    buyer = UserFactory()
    client = signed_in(buyer)
    reserve(client, car)
    (order,) = orders.orders_of_buyer(user=buyer)

    shown = quoted(client, order)
    page = client.get(shown).content.decode()
    (quote,) = insurance.quote_list(user=buyer)
    bought_before = (
        insurance.policy_list(user=buyer).count(),
        payments.payment_list(user=buyer).count(),
    )
    with translation.override("ru"):
        premium = formatting.money(quote.premium, "RUB")
    form = {"quote": quote.pk, "premium": quote.premium, "key": uuid.uuid4()}
    first = client.post(reverse("storefront:order-insure-buy", args=[order.pk]), form)
    again = client.post(reverse("storefront:order-insure-buy", args=[order.pk]), form)
    after = client.get(reverse("storefront:order", args=[order.pk])).content.decode()

    assert shown == f"/account/orders/{order.pk}/?quote={quote.pk}#insure"
    assert bought_before == (0, 0)  # priced, not bought
    assert f"Оформить полис и оплатить {premium}" in page
    (policy,) = insurance.policy_list(user=buyer)
    (payment,) = payments.payment_list(user=buyer)
    assert policy.order_id == order.pk and policy.insurance_type == "kasko"
    assert policy.quote_id == quote.pk and policy.premium == quote.premium
    assert policy.coverage_amount == Decimal("3000000.00")
    assert payment.payable_id == policy.pk and payment.amount == policy.premium
    assert first["Location"] == again["Location"] == f"/account/orders/{order.pk}/"
    assert 'value="kasko"' not in after and 'value="osago"' in after  # KASKO not offered again


def test_the_policy_bought_is_the_quote_whose_button_was_pressed_at_its_premium(car):
    """The fifth review: a young driver's OSAGO quote was bought and left waiting for its
    premium; a second quote for an experienced driver showed its own premium on the button,
    and pressing it charged the first one's and made the young driver's policy."""
    buyer = UserFactory()
    client = signed_in(buyer)
    reserve(client, car)
    (order,) = orders.orders_of_buyer(user=buyer)
    buy_url = reverse("storefront:order-insure-buy", args=[order.pk])
    client.post(
        reverse("storefront:order-insure", args=[order.pk]),
        {"insurance_type": "osago", "driver_age": 19, "driver_experience_years": 1},
    )
    (young,) = insurance.quote_list(user=buyer)
    client.post(buy_url, {"quote": young.pk, "premium": young.premium, "key": uuid.uuid4()})
    (waiting,) = insurance.policy_list(user=buyer)
    quoted(client, order, kind="osago")
    experienced = insurance.quote_list(user=buyer).exclude(pk=young.pk).get()
    assert experienced.premium < young.premium  # the two buttons name two premiums

    named_otherwise = client.post(
        buy_url, {"quote": experienced.pk, "premium": young.premium, "key": uuid.uuid4()}
    )
    after_mismatch = insurance.policy_list(user=buyer).count()
    pressed = client.post(
        buy_url, {"quote": experienced.pk, "premium": experienced.premium, "key": uuid.uuid4()}
    )

    assert named_otherwise.status_code == 302 and after_mismatch == 1  # nothing bought
    assert pressed.status_code == 302
    bought = insurance.policy_list(user=buyer).get(quote_id=experienced.pk)
    assert (bought.status, bought.premium) == ("pending_payment", experienced.premium)
    waiting.refresh_from_db()
    assert waiting.status == "lapsed"  # the young driver's policy, never paid, is replaced
    charged = payments.payment_list(user=buyer).get(payable_id=bought.pk)
    assert charged.amount == experienced.premium
    assert (
        not payments.payment_list(user=buyer)
        .filter(amount=young.premium)
        .exclude(payable_id=waiting.pk)
    )


def test_another_buyers_quote_is_not_bought(car):
    buyer, stranger = UserFactory(), UserFactory()
    reserve(signed_in(buyer), car)
    (order,) = orders.orders_of_buyer(user=buyer)
    quoted(signed_in(buyer), order)
    (quote,) = insurance.quote_list(user=buyer)
    reserve(signed_in(stranger), VehicleFactory(price=Decimal("3000000.00")))
    (own,) = orders.orders_of_buyer(user=stranger)

    on_theirs = signed_in(stranger).post(
        reverse("storefront:order-insure-buy", args=[order.pk]),
        {"quote": quote.pk, "premium": quote.premium, "key": uuid.uuid4()},
    )
    on_own = signed_in(stranger).post(
        reverse("storefront:order-insure-buy", args=[own.pk]),
        {"quote": quote.pk, "premium": quote.premium, "key": uuid.uuid4()},
    )

    assert on_theirs.status_code == 404
    assert on_own.status_code == 302
    assert not insurance.policy_list(user=buyer).exists()
    assert not insurance.policy_list(user=stranger).exists()


def test_another_buyers_order_cannot_be_insured(car):
    buyer = UserFactory()
    reserve(signed_in(buyer), car)
    (order,) = orders.orders_of_buyer(user=buyer)
    stranger = UserFactory()

    response = signed_in(stranger).post(
        reverse("storefront:order-insure", args=[order.pk]),
        {
            "insurance_type": "osago",
            "driver_age": 40,
            "driver_experience_years": 15,
            "key": uuid.uuid4(),
        },
    )

    assert response.status_code == 404
    assert not insurance.policy_list(user=buyer).exists()


# Committed for real: each domain's events are consumed as their transactions commit.
@pytest.mark.django_db(transaction=True, databases="__all__")
def test_with_the_loan_applied_for_and_the_down_payment_paid_nothing_is_left_to_the_buyer(car):
    buyer = UserFactory()
    client = signed_in(buyer)
    checkout = reserve(client, car)["Location"]
    client.post(
        checkout,
        {
            "plan": "loan",
            "key": uuid.uuid4(),
            "down_payment": "600000",
            "term_months": 60,
            "monthly_income": "300000",
            "employment_status": "employed",
        },
    )
    (payment,) = payments.payment_list(user=buyer)
    payment_services.payment_process(payment_id=payment.pk)  # a worker's part, charged
    (order,) = orders.orders_of_buyer(user=buyer)

    again = client.get(checkout)
    page = client.get(reverse("storefront:order", args=[order.pk])).content.decode()

    assert payment.amount == Decimal("600000.00")
    assert again["Location"] == f"/account/orders/{order.pk}/"  # nothing to pay: no checkout
    assert f'href="{checkout}"' not in page
    assert "2\xa0400\xa0000,00\xa0₽" in page  # the loan, to come from the lender


@pytest.mark.django_db(transaction=True, databases="__all__")
def test_two_buyers_reserving_one_car_at_the_same_moment_get_one_order_between_them(car):
    buyers = [UserFactory(), UserFactory()]
    clients = iter([signed_in(buyer) for buyer in buyers])
    lock = threading.Lock()

    def reserve_in_a_browser():
        with lock:
            client = next(clients)
        return reserve(client, car)["Location"]

    landed = run_concurrently(2, reserve_in_a_browser)

    held = [list(orders.orders_of_buyer(user=buyer)) for buyer in buyers]
    assert sorted(len(orders_of) for orders_of in held) == [0, 1]
    assert sorted(location.startswith("/checkout/") for location in landed) == [False, True]
    assert catalog.product_get(product_id=car.pk).stock_quantity == 0


@pytest.mark.django_db(transaction=True, databases="__all__")
def test_kasko_sent_twice_at_the_same_moment_buys_one_policy_and_one_payment(car):
    buyer = UserFactory()
    reserve(signed_in(buyer), car)
    (order,) = orders.orders_of_buyer(user=buyer)
    quoted(signed_in(buyer), order)
    (quote,) = insurance.quote_list(user=buyer)
    form = {"quote": quote.pk, "premium": quote.premium, "key": uuid.uuid4()}

    landed = run_concurrently(
        2,
        lambda: signed_in(buyer).post(
            reverse("storefront:order-insure-buy", args=[order.pk]), form
        ),
    )

    (policy,) = insurance.policy_list(user=buyer)
    (payment,) = payments.payment_list(user=buyer)
    assert payment.payable_id == policy.pk
    assert [response.status_code for response in landed] == [302, 302]


def test_the_loan_plan_sent_again_pays_the_open_applications_down_payment_and_applies_once(car):
    buyer = UserFactory()
    client = signed_in(buyer)
    checkout = reserve(client, car)["Location"]
    plan = {
        "plan": "loan",
        "down_payment": "600000",
        "term_months": 60,
        "monthly_income": "300000",
        "employment_status": "employed",
    }

    first = client.post(checkout, {**plan, "key": uuid.uuid4()})
    again = client.post(checkout, {**plan, "down_payment": "700000", "key": uuid.uuid4()})

    (application,) = financing.application_list(user=buyer)
    assert application.down_payment == Decimal("600000.00")
    assert first.status_code == again.status_code == 302
    amounts = sorted(p.amount for p in payments.payment_list(user=buyer))
    assert amounts == [Decimal("600000.00"), Decimal("600000.00")]


def test_the_order_page_shows_its_payments_the_loan_and_its_indicative_schedule(car):
    buyer = UserFactory()
    client = signed_in(buyer)
    checkout = reserve(client, car)["Location"]
    client.post(
        checkout,
        {
            "plan": "loan",
            "key": uuid.uuid4(),
            "down_payment": "600000",
            "term_months": 36,
            "monthly_income": "300000",
            "employment_status": "employed",
        },
    )
    (order,) = orders.orders_of_buyer(user=buyer)
    (application,) = financing.application_list(user=buyer)

    html = client.get(reverse("storefront:order", args=[order.pk])).content.decode()

    assert "Платежи" in html and "600\xa0000,00\xa0₽" in html
    assert "График платежей" in html and "ориентировоч" in html.lower()
    rows = re.findall(r"<tr><td>(\d+)</td>", html)
    assert rows == [str(n) for n in range(1, 37)]
    assert application.monthly_payment is not None
    assert f"{application.monthly_payment:,.2f}".replace(",", "\xa0").replace(".", ",") in html


def test_the_order_page_lists_its_documents_and_opens_them_for_their_buyer_only(car):
    legal_entity_make()
    buyer = UserFactory()
    client = signed_in(buyer)
    reserve(client, car)
    (order,) = orders.orders_of_buyer(user=buyer)
    offer = documents_services.document_generate(kind="offer", order_id=order.pk)
    link = reverse("storefront:order-document", args=[order.pk, offer.pk])

    html = client.get(reverse("storefront:order", args=[order.pk])).content.decode()
    opened = client.get(link)

    assert f'href="{link}"' in html and offer.number in html
    assert opened["Content-Type"] == "application/pdf"
    assert b"".join(opened.streaming_content).startswith(b"%PDF")
    assert signed_in(UserFactory()).get(link).status_code == 404
