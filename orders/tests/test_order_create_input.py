"""`order_create_input` answers what `OrderCreateInputSerializer` would: the same validated
data for every body it accepts, the same errors for every body it refuses (docs/conventions.md,
"Hot paths")."""

import uuid

import pytest
from rest_framework.exceptions import ValidationError

from orders.api.serializers import OrderCreateInputSerializer, order_create_input

PRODUCT = "6f1c2a34-5b6d-4e7f-8a9b-0c1d2e3f4a5b"


def _item(**changes):
    return {"product_id": PRODUCT, "quantity": 1, **changes}


GOOD = [
    {"items": [_item()]},
    {"items": [_item(quantity=1000)]},
    {"items": [_item(product_id=PRODUCT.upper())]},
    {"items": [_item(product_id=PRODUCT.replace("-", ""))]},
    {"items": [_item(product_id="{" + PRODUCT + "}")]},
    {"items": [_item(product_id=f"urn:uuid:{PRODUCT}")]},
    {"items": [_item(), _item(quantity=3), _item(product_id=str(uuid.uuid4()), quantity=7)]},
    {"items": [_item() for _ in range(50)]},
    # What the serializer accepts beyond the usual body: the slow way, the same answer.
    {"items": [_item()], "notes": "Blue, please"},
    {"items": [_item()], "notes": ""},
    {"items": [_item()], "notes": 7},
    {"items": [_item(quantity="5")]},
    {"items": [_item(quantity=5.0)]},
    {"items": [_item(product_id=int(uuid.UUID(PRODUCT)))]},
]

BAD: list[object] = [
    None,
    [],
    "items",
    {},
    {"items": []},
    {"items": None},
    {"items": "x"},
    {"items": {"product_id": PRODUCT, "quantity": 1}},
    {"items": [_item() for _ in range(51)]},
    {"items": [_item()], "customer_id": PRODUCT},
    {"items": [_item()], "total_amount": "1.00", "status": "paid"},
    {"items": [_item()], "notes": None},
    {"items": [_item()], "notes": "x" * 2001},
    {"items": [None]},
    {"items": ["x"]},
    {"items": [{"product_id": PRODUCT}]},
    {"items": [{"quantity": 1}]},
    {"items": [_item(unit_price="1.00")]},
    {"items": [_item(product_id="not-a-uuid")]},
    {"items": [_item(product_id="")]},
    {"items": [_item(product_id=PRODUCT + "0")]},
    {"items": [_item(product_id=None)]},
    {"items": [_item(product_id=["x"])]},
    {"items": [_item(quantity=0)]},
    {"items": [_item(quantity=-1)]},
    {"items": [_item(quantity=1001)]},
    {"items": [_item(quantity=10**30)]},
    {"items": [_item(quantity=True)]},
    {"items": [_item(quantity=1.5)]},
    {"items": [_item(quantity="1" * 2000)]},
    {"items": [_item(quantity=None)]},
    {"items": [_item(), _item(quantity=0), _item(product_id="x")]},
]


def _plain(body):
    serializer = OrderCreateInputSerializer(data=body)
    if serializer.is_valid():
        return "valid", serializer.validated_data
    return "refused", serializer.errors


def _lean(body):
    try:
        return "valid", order_create_input(body)
    except ValidationError as exc:
        return "refused", exc.detail


@pytest.mark.parametrize("body", GOOD)
def test_a_body_the_serializer_accepts_gives_the_same_data(body):
    verdict, data = _plain(body)
    assert verdict == "valid"

    assert _lean(body) == ("valid", data)


@pytest.mark.parametrize("body", BAD)
def test_a_body_the_serializer_refuses_gets_the_same_errors(body):
    verdict, errors = _plain(body)
    assert verdict == "refused"

    lean_verdict, lean_errors = _lean(body)
    assert lean_verdict == "refused"
    assert lean_errors == errors
    # The codes too, which the error envelope carries.
    assert ValidationError(lean_errors).get_codes() == ValidationError(errors).get_codes()


def test_the_usual_body_gives_plain_types_the_service_takes():
    data = order_create_input({"items": [_item(quantity=2)]})

    assert data == {"items": [{"product_id": uuid.UUID(PRODUCT), "quantity": 2}], "notes": ""}
    assert type(data["items"][0]["quantity"]) is int
