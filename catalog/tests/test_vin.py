import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from catalog.models import Product
from catalog.tests.factories import OTHER_VALID_VIN, VALID_VIN, CategoryFactory, ProductFactory
from catalog.validators import validate_vin, vin_check_digit

CATALOG = pytest.mark.django_db(databases=["default", "catalog"])
URL = reverse("products-list")


# THE VALIDATOR
# ------------------------------------------------------------------------------
@pytest.mark.parametrize("vin", [VALID_VIN, OTHER_VALID_VIN])
def test_north_american_vins_with_the_right_check_digit_are_valid(vin):
    validate_vin(vin)

    assert vin_check_digit(vin) == vin[8]


def test_a_check_digit_of_ten_is_written_as_x():
    assert vin_check_digit(VALID_VIN) == "X"


def test_a_north_american_vin_with_a_wrong_check_digit_is_invalid():
    vin = "1HGCM82633A123456"  # position 9 is 3; the check digit is 7

    with pytest.raises(ValidationError) as caught:
        validate_vin(vin)

    assert caught.value.code == "invalid_vin"
    assert "check digit" in caught.value.message


@pytest.mark.parametrize("vin", [VALID_VIN[:-1], VALID_VIN + "1", "", "1M8GDM9AX KP04278"])
def test_a_vin_of_other_than_17_characters_is_invalid(vin):
    with pytest.raises(ValidationError) as caught:
        validate_vin(vin)

    assert caught.value.code == "invalid_vin"


@pytest.mark.parametrize("letter", ["I", "O", "Q", "i", "o", "q"])
def test_a_vin_with_the_letters_i_o_or_q_is_invalid(letter):
    # A European VIN carries no check digit, so only the letter can make it invalid.
    vin = "WVWZZZ1JZXW00000" + letter

    with pytest.raises(ValidationError) as caught:
        validate_vin(vin)

    assert caught.value.code == "invalid_vin"
    assert "I, O and Q" in caught.value.message


@pytest.mark.parametrize("position_9", ["0", "3", "9", "X", "Z", "A"])
@pytest.mark.parametrize("prefix", ["WVWZZZ1JZ", "XTA210990", "JHMCM5655", "SAJAA01T8"])
def test_a_vin_from_outside_north_america_is_valid_with_any_ninth_character(prefix, position_9):
    vin = f"{prefix[:8]}{position_9}XW000001"

    validate_vin(vin)


def with_check_digit(vin: str, digit: str) -> str:
    return vin[:8] + digit + vin[9:]


@pytest.mark.parametrize("first", ["1", "2", "3", "4", "5"])
def test_a_vin_starting_with_1_to_5_needs_the_right_check_digit(first):
    right = with_check_digit(f"{first}T1BURHE0JC012345", "0")
    right = with_check_digit(right, vin_check_digit(right))
    wrong = with_check_digit(right, "X" if right[8] != "X" else "0")

    validate_vin(right)
    with pytest.raises(ValidationError) as caught:
        validate_vin(wrong)

    assert "check digit" in caught.value.message


def test_a_vin_is_validated_regardless_of_case_and_surrounding_spaces():
    validate_vin(f"  {VALID_VIN.lower()} ")


# THE API
# ------------------------------------------------------------------------------
def product_body(category, /, **overrides) -> dict:
    return {
        "name": "Ford Focus",
        "price": "1500000.00",
        "stock_quantity": 1,
        "category": str(category.pk),
        **overrides,
    }


@CATALOG
def test_creating_a_product_with_a_wrong_check_digit_is_400_with_details_on_the_vin(
    manager_client,
):
    category = CategoryFactory()

    response = manager_client.post(
        URL, product_body(category, vin="1HGCM82633A123456"), format="json"
    )

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "validation_error"
    assert "vin" in error["details"]
    assert not Product.objects.exists()


@CATALOG
@pytest.mark.parametrize("vin", ["1M8GDM9AXKP04278", "WVWZZZ1JZXW00000O", "1M8GDM9AXKP0427888"])
def test_creating_a_product_with_a_malformed_vin_is_400_with_details_on_the_vin(
    manager_client, vin
):
    category = CategoryFactory()

    response = manager_client.post(URL, product_body(category, vin=vin), format="json")

    assert response.status_code == 400
    assert "vin" in response.json()["error"]["details"]
    assert not Product.objects.exists()


@CATALOG
def test_a_vin_entered_in_lower_case_is_stored_in_upper_case(manager_client):
    category = CategoryFactory()

    response = manager_client.post(
        URL, product_body(category, vin=f" {VALID_VIN.lower()} "), format="json"
    )

    assert response.status_code == 201, response.json()
    product = Product.objects.get()
    assert product.vin == VALID_VIN
    assert response.json()["vin"] == VALID_VIN


@CATALOG
def test_a_european_vin_is_accepted_by_the_api(manager_client):
    category = CategoryFactory()

    response = manager_client.post(
        URL, product_body(category, vin="WVWZZZ1JZXW000001"), format="json"
    )

    assert response.status_code == 201, response.json()
    assert Product.objects.get().vin == "WVWZZZ1JZXW000001"


@CATALOG
def test_a_duplicate_vin_in_other_case_is_409_vin_taken_and_creates_no_second_product(
    manager_client,
):
    existing = ProductFactory(vin=VALID_VIN)

    response = manager_client.post(
        URL, product_body(existing.category, name="Copy", vin=VALID_VIN.lower()), format="json"
    )

    assert response.status_code == 409
    error = response.json()["error"]
    assert error["code"] == "vin_taken"
    assert "vin" in error["details"]
    assert list(Product.objects.values_list("pk", flat=True)) == [existing.pk]
    assert not Product.objects.filter(name="Copy").exists()


@CATALOG
def test_giving_a_product_the_vin_of_another_is_409_vin_taken_and_changes_nothing(
    manager_client,
):
    taken = ProductFactory(vin=VALID_VIN)
    product = ProductFactory(vin=OTHER_VALID_VIN)

    response = manager_client.patch(
        reverse("products-detail", args=[product.pk]), {"vin": VALID_VIN.lower()}, format="json"
    )

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "vin_taken"
    product.refresh_from_db()
    taken.refresh_from_db()
    assert product.vin == OTHER_VALID_VIN
    assert taken.vin == VALID_VIN


@CATALOG
def test_a_product_keeps_its_own_vin_when_it_is_sent_again(manager_client):
    product = ProductFactory(vin=VALID_VIN)

    response = manager_client.patch(
        reverse("products-detail", args=[product.pk]),
        {"vin": VALID_VIN.lower(), "name": "Renamed"},
        format="json",
    )

    assert response.status_code == 200, response.json()
    product.refresh_from_db()
    assert (product.vin, product.name) == (VALID_VIN, "Renamed")


@CATALOG
def test_products_without_a_vin_do_not_collide(manager_client):
    category = CategoryFactory()

    first = manager_client.post(URL, product_body(category, name="A"), format="json")
    second = manager_client.post(URL, product_body(category, name="B", vin=None), format="json")

    assert (first.status_code, second.status_code) == (201, 201)
    assert list(Product.objects.order_by("name").values_list("vin", flat=True)) == [None, None]
