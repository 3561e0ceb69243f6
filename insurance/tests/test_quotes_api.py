from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import client_for
from insurance import rulesets
from insurance.models import OutboxEvent, Policy, Quote
from insurance.tests.factories import outbox_payload, quote_make
from orders.tests.factories import order_make, product_make, vehicle_make

pytestmark = pytest.mark.django_db(databases="__all__")

QUOTES = "/api/v1/insurance/quotes/"
UNKNOWN_FIELD = ["Unknown field: it is not part of this request."]


@pytest.fixture
def camry(db):
    """A Toyota Camry of last year's model, in the catalog at 2,500,000.00."""
    return vehicle_make(
        price="2500000.00", make="Toyota", model="Camry", year=timezone.localdate().year - 1
    )


@pytest.fixture
def order(customer, camry):
    return order_make(customer, (camry, 1))


def osago(order, **fields) -> dict:
    return {
        "order_id": str(order.pk),
        "insurance_type": "osago",
        "driver_age": 30,
        "driver_experience_years": 10,
        "engine_power_hp": 150,
        **fields,
    }


def kasko(order, **fields) -> dict:
    return {"order_id": str(order.pk), "insurance_type": "kasko", **fields}


def nothing_written() -> bool:
    return not Quote.objects.exists() and not OutboxEvent.objects.exists()


def test_an_osago_quote_shows_every_coefficient_its_source_the_version_and_validity(
    customer_client, customer, order
):
    before = timezone.now()

    response = customer_client.post(QUOTES, osago(order), format="json")

    assert response.status_code == 201, response.json()
    body = response.json()
    quote = Quote.objects.get()
    assert body["id"] == str(quote.pk)
    # Worked by hand: 8665 × 1.8 = 15597; × 1.17 = 18248.49; × 0.97 = 17701.0353;
    # × 1.4 = 24781.44942 → 24781.45.
    assert (body["premium"], quote.premium) == ("24781.45", Decimal("24781.45"))
    assert [(c["code"], c["value"]) for c in body["coefficients"]] == [
        ("base_rate", "8665.00"),
        ("territory", "1.8"),  # the default territory: moscow
        ("bonus_malus", "1.17"),  # the default class 3: no history
        ("age_experience", "0.97"),  # 30–34 years old, 10–14 years driving
        ("unlimited_drivers", "1"),
        ("engine_power", "1.4"),
        ("period_of_use", "1.0"),  # the default 12 months
    ]
    assert all("Bank of Russia Directive No. 6007-U" in c["source"] for c in body["coefficients"])
    assert body["ruleset_version"] == quote.ruleset_version == "osago-6007u-2025.12"
    assert before + timedelta(days=30) <= quote.valid_until <= timezone.now() + timedelta(days=30)
    assert (body["status"], body["is_expired"], body["currency"]) == ("quoted", False, "RUB")
    assert (quote.customer_id, quote.order_id, quote.created_by_id) == (
        customer.pk,
        order.pk,
        customer.pk,
    )
    payload = outbox_payload("insurance_quote.created", quote)
    assert (payload["status"], payload["amount"], payload["currency"]) == (
        "quoted",
        "24781.45",
        "RUB",
    )
    assert payload["insurance_type"] == "osago"


def test_osago_covers_the_sum_the_law_fixes_whatever_the_vehicle_costs(customer_client, order):
    response = customer_client.post(QUOTES, osago(order), format="json")

    assert response.status_code == 201, response.json()
    quote = Quote.objects.get()
    assert quote.coverage_amount == rulesets.OSAGO.coverage_limit == Decimal("400000.00")
    assert quote.vehicle_price == Decimal("2500000.00")
    assert response.json()["coverage_amount"] == "400000.00"


def test_the_vehicle_of_a_quote_is_the_catalogs_product_on_the_order(customer_client, order, camry):
    response = customer_client.post(QUOTES, osago(order), format="json")

    assert response.status_code == 201, response.json()
    quote = Quote.objects.get()
    assert (quote.vehicle_make, quote.vehicle_model, quote.vehicle_year, quote.vehicle_vin) == (
        "Toyota",
        "Camry",
        timezone.localdate().year - 1,
        camry.vin,
    )
    assert (quote.product_id, quote.vehicle_price) == (camry.pk, camry.price)
    body = response.json()
    assert (body["vehicle_make"], body["vehicle_vin"], body["product_id"]) == (
        "Toyota",
        camry.vin,
        str(camry.pk),
    )


def test_a_kasko_quote_is_priced_on_the_coverage_vehicle_age_make_and_driver(
    customer_client, order
):
    response = customer_client.post(
        QUOTES, kasko(order, coverage_amount="2000000.00"), format="json"
    )

    assert response.status_code == 201, response.json()
    quote = Quote.objects.get()
    # 2,000,000 × 0.045 (one year old) × 1.30 (Toyota) × 1 × 1.60 (anyone drives)
    assert quote.premium == Decimal("187200.00")
    assert (quote.coverage_amount, quote.unlimited_drivers) == (Decimal("2000000.00"), True)
    assert response.json()["ruleset_version"] == "kasko-autosalon-2026.1"


def test_kasko_covers_the_vehicles_price_when_no_coverage_is_given(customer_client, order):
    response = customer_client.post(QUOTES, kasko(order), format="json")

    assert response.status_code == 201, response.json()
    quote = Quote.objects.get()
    assert quote.coverage_amount == Decimal("2500000.00")
    # 2,500,000 × 0.045 × 1.30 × 1 × 1.60
    assert quote.premium == Decimal("234000.00")


def test_kasko_may_cover_exactly_the_vehicles_price(customer_client, order):
    response = customer_client.post(
        QUOTES, kasko(order, coverage_amount="2500000.00"), format="json"
    )

    assert response.status_code == 201, response.json()
    assert Quote.objects.get().coverage_amount == Decimal("2500000.00")


def test_kasko_above_the_vehicles_price_is_refused(customer_client, order):
    response = customer_client.post(
        QUOTES, kasko(order, coverage_amount="2500000.01"), format="json"
    )

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "coverage_exceeds_vehicle_price"
    assert error["details"] == {"coverage_amount": ["At most 2500000.00, the vehicle's price."]}
    assert nothing_written()


def test_kasko_of_a_vehicle_dearer_than_the_tariff_allows_is_refused(customer_client, customer):
    order = order_make(customer, (vehicle_make(price="150000000.00", make="Rolls-Royce"), 1))

    response = customer_client.post(QUOTES, kasko(order), format="json")

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "coverage_exceeds_limit"
    assert nothing_written()


def test_a_body_that_names_another_car_is_refused_naming_each_field_that_differs(
    customer_client, order, camry
):
    body = osago(
        order,
        vehicle_make="Lada",
        vehicle_model="Granta",
        vehicle_year=2015,
        vehicle_vin="XTA210990Y2766389",
    )

    response = customer_client.post(QUOTES, body, format="json")

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "validation_error"
    assert error["details"] == {
        "vehicle_make": ["The order's car has Toyota."],
        "vehicle_model": ["The order's car has Camry."],
        "vehicle_year": [f"The order's car has {camry.year}."],
        "vehicle_vin": [f"The order's car has {camry.vin}."],
    }
    assert nothing_written()


@pytest.mark.parametrize("coverage", ["400000.00", "1000.00", None])
def test_an_osago_body_with_a_coverage_amount_is_refused_as_an_unknown_field(
    customer_client, order, coverage
):
    response = customer_client.post(QUOTES, osago(order, coverage_amount=coverage), format="json")

    assert response.status_code == 400
    error = response.json()["error"]
    assert (error["code"], error["details"]) == (
        "validation_error",
        {"coverage_amount": UNKNOWN_FIELD},
    )
    assert nothing_written()


def test_an_order_without_a_vehicle_cannot_be_insured(customer_client, customer):
    accessories = order_make(customer, (product_make(price="30000.00"), 2))

    for body in (osago(accessories), kasko(accessories)):
        response = customer_client.post(QUOTES, body, format="json")
        assert (response.status_code, response.json()["error"]["code"]) == (
            409,
            "order_has_no_vehicle",
        )
    assert nothing_written()


def test_an_order_of_several_vehicles_needs_the_one_to_insure(customer_client, customer):
    first = vehicle_make(price="1500000.00", make="Skoda", model="Octavia", year=2025)
    second = vehicle_make(price="3000000.00", make="BMW", model="X3", year=2025)
    order = order_make(customer, (first, 1), (second, 1))

    unnamed = customer_client.post(QUOTES, osago(order), format="json")
    named = customer_client.post(QUOTES, osago(order, product_id=str(second.pk)), format="json")

    assert unnamed.status_code == 400
    error = unnamed.json()["error"]
    assert (error["code"], list(error["details"])) == ("vehicle_required", ["product_id"])
    assert named.status_code == 201, named.json()
    quote = Quote.objects.get()
    assert (quote.product_id, quote.vehicle_make, quote.vehicle_vin, quote.vehicle_price) == (
        second.pk,
        "BMW",
        second.vin,
        Decimal("3000000.00"),
    )


def test_a_product_that_is_not_a_vehicle_of_the_order_is_refused(customer_client, customer, camry):
    accessory = product_make(price="20000.00")
    order = order_make(customer, (camry, 1), (accessory, 1))
    elsewhere = vehicle_make()

    for product in (accessory, elsewhere):
        response = customer_client.post(
            QUOTES, osago(order, product_id=str(product.pk)), format="json"
        )
        assert response.status_code == 400
        error = response.json()["error"]
        assert (error["code"], error["details"]) == (
            "vehicle_not_on_order",
            {"product_id": ["Not a vehicle of this order."]},
        )
    assert nothing_written()


@pytest.mark.parametrize(
    ("change", "status", "code", "field"),
    [
        ({"coverage_amount": "100.001"}, 400, "validation_error", "coverage_amount"),
        ({"coverage_amount": "-5.00"}, 400, "validation_error", "coverage_amount"),
        ({"coverage_amount": "0.00"}, 400, "validation_error", "coverage_amount"),
        ({"coverage_amount": "1e20"}, 400, "validation_error", "coverage_amount"),
        ({"coverage_amount": "NaN"}, 400, "validation_error", "coverage_amount"),
        ({"coverage_amount": [1]}, 400, "validation_error", "coverage_amount"),
        ({"coverage_amount": "99999.99"}, 400, "coverage_below_minimum", "coverage_amount"),
        (
            {"coverage_amount": "2500000.01"},
            400,
            "coverage_exceeds_vehicle_price",
            "coverage_amount",
        ),
        ({"insurance_type": "life"}, 400, "validation_error", "insurance_type"),
        ({"vehicle_year": 2024}, 400, "validation_error", "vehicle_year"),
        ({"vehicle_vin": "XTA210990Y2766389"}, 400, "validation_error", "vehicle_vin"),
        ({"driver_age": 17}, 400, "validation_error", "driver_age"),
        ({"driver_age": "thirty"}, 400, "validation_error", "driver_age"),
        ({"driver_experience_years": None}, 400, "validation_error", "driver_age"),
        ({"driver_experience_years": 15}, 400, "validation_error", "driver_experience_years"),
        ({"engine_power_hp": 0}, 400, "validation_error", "engine_power_hp"),
        ({"period_months": 2}, 400, "validation_error", "period_months"),
        ({"territory": "atlantis"}, 400, "validation_error", "territory"),
        ({"bonus_malus_class": "14"}, 400, "validation_error", "bonus_malus_class"),
        ({"order_id": "not-a-uuid"}, 400, "validation_error", "order_id"),
        ({"product_id": "not-a-uuid"}, 400, "validation_error", "product_id"),
    ],
)
def test_invalid_kasko_quotes_are_refused_with_a_code_and_nothing_is_written(
    customer_client, order, change, status, code, field
):
    body = kasko(order, **{"driver_age": 30, "driver_experience_years": 10, **change})

    response = customer_client.post(QUOTES, body, format="json")

    assert response.status_code == status
    error = response.json()["error"]
    assert error["code"] == code
    assert field in error["details"]
    assert nothing_written()


def test_named_drivers_need_a_driver(customer_client, order):
    body = osago(order, driver_age=None, driver_experience_years=None, unlimited_drivers=False)

    response = customer_client.post(QUOTES, body, format="json")

    assert (response.status_code, response.json()["error"]["code"]) == (400, "driver_required")
    assert Quote.objects.count() == 0


def test_quoting_another_clients_or_a_missing_order_is_a_404(
    customer_client, other_customer, order
):
    others = order_make(other_customer, (vehicle_make(), 1))
    missing = {"order_id": "00000000-0000-0000-0000-000000000000"}

    for body in (osago(others), osago(order, **missing)):
        response = customer_client.post(QUOTES, body, format="json")
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "order_not_found"
    assert Quote.objects.count() == 0


def test_a_cancelled_order_cannot_be_insured(customer_client, customer, order):
    from orders import services as orders_services

    orders_services.order_status_set(order_id=order.pk, status="cancelled", user=customer)

    response = customer_client.post(QUOTES, osago(order), format="json")

    assert (response.status_code, response.json()["error"]["code"]) == (
        409,
        "order_not_insurable",
    )
    assert Quote.objects.count() == 0


def test_clients_list_and_read_their_own_quotes_and_staff_all(
    customer_client, manager_client, customer, other_customer
):
    mine = quote_make(customer)
    theirs = quote_make(other_customer)

    own = customer_client.get(QUOTES).json()
    everything = manager_client.get(QUOTES, {"insurance_type": "kasko"}).json()
    other = customer_client.get(f"{QUOTES}{theirs.pk}/")
    read = customer_client.get(f"{QUOTES}{mine.pk}/")

    assert [row["id"] for row in own["results"]] == [str(mine.pk)]
    assert {row["id"] for row in everything["results"]} == {str(mine.pk), str(theirs.pk)}
    assert (other.status_code, other.json()["error"]["code"]) == (404, "not_found")
    assert read.json()["premium"] == "64000.00"
    assert (read.json()["vehicle_make"], read.json()["vehicle_vin"]) == (
        "Skoda",
        mine.vehicle_vin,
    )


def test_an_expired_quote_cannot_be_bought(customer_client, customer):
    quote = quote_make(customer)
    Quote.objects.filter(pk=quote.pk).update(valid_until=timezone.now() - timedelta(seconds=1))

    response = customer_client.post(reverse("insurance-quote-purchase", args=[quote.pk]))

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "quote_expired"
    assert Policy.objects.count() == 0
    assert Quote.objects.get(pk=quote.pk).status == "quoted"
    assert customer_client.get(f"{QUOTES}{quote.pk}/").json()["is_expired"] is True


def test_another_client_cannot_buy_my_quote(customer, other_customer):
    quote = quote_make(customer)

    response = client_for(other_customer).post(reverse("insurance-quote-purchase", args=[quote.pk]))

    assert response.status_code == 404
    assert Policy.objects.count() == 0
    assert Quote.objects.get(pk=quote.pk).status == "quoted"


def seed_request(order, camry, **changed) -> dict:
    """Seed 000's KASKO request as its README writes it: the car beside the order."""
    return {
        **kasko(order, coverage_amount="2000000.00"),
        "vehicle_make": "Toyota",
        "vehicle_model": "Camry",
        "vehicle_year": camry.year,
        "vehicle_vin": camry.vin,
        **changed,
    }


def test_the_seed_requests_quote_with_the_orders_own_car_is_accepted(customer_client, order, camry):
    response = customer_client.post(QUOTES, seed_request(order, camry, vehicle_make="TOYOTA"))

    assert response.status_code == 201, response.json()
    quote = Quote.objects.get()
    assert (quote.vehicle_make, quote.vehicle_model, quote.vehicle_vin) == (
        "Toyota",
        "Camry",
        camry.vin,
    )


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("vehicle_vin", "1HGCM82633A123456"),
        ("vehicle_model", "Corolla"),
        ("vehicle_year", 2001),
    ],
)
def test_a_car_described_otherwise_than_the_orders_is_a_400_naming_the_field(
    customer_client, order, camry, field, value
):
    response = customer_client.post(QUOTES, seed_request(order, camry, **{field: value}))

    assert response.status_code == 400
    error = response.json()["error"]
    assert (error["code"], list(error["details"])) == ("validation_error", [field])
    assert nothing_written()
