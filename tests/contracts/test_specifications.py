"""The specifications' own example requests, sent as written with only the path prefix
changed (issue 33). tests/contracts/specifications/<number>.json holds, for specifications
001, 003 and 004, each example request (method, path, headers, body), what its specification
says happens, and what happens here: the answer the specification implies, or the refusal of
a deliberate difference, cited by its key (docs/api.md, "Differences from the
specifications").

An example that a part still missing keeps from being accepted says so in `pending`, with
the answer it gets today under `today`, and is held to that answer: when the part lands,
the test fails until the example is accepted and its `pending` removed. The accepted share
of each specification is printed at the end of the run."""

import json
import re
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import User
from accounts.tests.factories import UserFactory
from catalog.models import Category, Product
from conftest import client_for
from crm.models import Client
from orders.models import Order
from payments.models import Payment
from showroom.models import Allocation, Event

pytestmark = pytest.mark.django_db(databases="__all__")

SPECIFICATIONS = ("001", "003", "004")
EXAMPLES_DIR = Path(__file__).parent / "specifications"
DOCS_API = Path(__file__).parents[2] / "docs/api.md"
PLACEHOLDER = re.compile(r"\{(\w+)\}")
SPECIFICATION_ADDRESS = re.compile(r"[\w.]+@example\.com")


def _specification(number: str) -> dict:
    return json.loads((EXAMPLES_DIR / f"{number}.json").read_text(encoding="utf-8"))


def _examples():
    for number in SPECIFICATIONS:
        specification = _specification(number)
        for example in specification["examples"]:
            yield pytest.param(
                number, specification["paths"], example, id=f"{number} {example['name']}"
            )


def path_mapped(path: str, paths: dict[str, str]) -> str:
    """The specification's path on this API: an entry of `paths` naming the whole path,
    else the longest entry that is a prefix of it, ending at a `/` of the path."""
    if path in paths:
        return paths[path]
    for prefix in sorted(paths, key=len, reverse=True):
        if path == prefix or path.startswith(prefix.rstrip("/") + "/"):
            return paths[prefix] + path[len(prefix) :]
    raise AssertionError(f"No entry of the path table maps {path}")


# ACCEPTED SHARES
# ------------------------------------------------------------------------------
class _Shares:
    """Collects each example's outcome and prints the share of each specification in the
    terminal summary, after every test of the run."""

    def __init__(self):
        self.outcomes: dict[str, dict[str, str]] = {number: {} for number in SPECIFICATIONS}

    def pytest_terminal_summary(self, terminalreporter):
        terminalreporter.section("the specifications' example requests")
        for number, outcomes in self.outcomes.items():
            if not outcomes:
                continue
            accepted = sum(outcome == "accepted" for outcome in outcomes.values())
            others = ", ".join(
                f"{name}: {outcome}" for name, outcome in outcomes.items() if outcome != "accepted"
            )
            terminalreporter.write_line(
                f"specification {number}: {accepted} of {len(outcomes)} accepted"
                + (f" ({others})" if others else "")
            )


_shares = _Shares()


@pytest.fixture(scope="module", autouse=True)
def _shares_printed(request):
    manager = request.config.pluginmanager
    if not manager.is_registered(_shares):
        manager.register(_shares, "specification-shares")
    yield


# WHAT THE EXAMPLES NEED FIRST
# ------------------------------------------------------------------------------
def _addresses_freed(users) -> None:
    """The factories number their addresses (`user1@example.com`), as the specifications'
    examples do: the callers move off any address an example registers or signs in with."""
    taken = set()
    for number in SPECIFICATIONS:
        text = (EXAMPLES_DIR / f"{number}.json").read_text(encoding="utf-8")
        taken |= set(SPECIFICATION_ADDRESS.findall(text))
    for user in users:
        if user.email in taken:
            user.email = f"caller-{user.pk}@autosalon.test"
            user.save(update_fields=["email"])


class Given:
    """The objects an example's placeholders name, made first and only when named."""

    def __init__(self, *, customer, other_customer, manager, admin_user):
        callers = [customer, other_customer, manager, admin_user]
        _addresses_freed(callers)
        self.customer = customer
        self.other_customer = other_customer
        self.callers = {"customer": customer, "manager": manager, "admin": admin_user}
        self.values: dict[str, str] = {}
        self.objects: dict[str, object] = {}

    def value(self, name: str) -> str:
        if name not in self.values:
            self.values[name] = str(getattr(self, f"_{name}")())
        return self.values[name]

    def _product(self, key: str):
        from orders.tests.factories import product_make

        if key not in self.objects:
            self.objects[key] = product_make(stock=100)
        return self.objects[key]

    def _category_id(self):
        from orders.tests.factories import category_make

        self.objects["category"] = category_make()
        return self.objects["category"].pk

    def _product_id(self):
        return self._product("product").pk

    def _product_id_2(self):
        return self._product("product_2").pk

    def _customer_id(self):
        return self.customer.pk

    def _order_id(self):
        from orders.tests.factories import order_make

        self.objects["order"] = order_make(self.customer, (self._product("product"), 1))
        return self.objects["order"].pk

    def _other_order_id(self):
        from orders.tests.factories import order_make

        self.objects["other_order"] = order_make(self.other_customer, (self._product("product"), 1))
        return self.objects["other_order"].pk

    def _tomorrow(self):
        return timezone.localdate() + timedelta(days=1)

    def _event_category_id(self):
        from showroom import services

        return services.category_create(name="Конференции").pk

    def _event_id(self):
        from showroom.tests.factories import event_make

        self.objects["event"] = event_make()
        return self.objects["event"].pk

    def _resource_id(self):
        from showroom.tests.factories import resource_make

        self.objects["resource"] = resource_make(name="Конференц-зал")
        return self.objects["resource"].pk

    def _client_id(self):
        from crm.tests.factories import crm_client_make

        return crm_client_make(name="ООО Пример").pk

    def _payment_method_id(self):
        from payments.services.methods import payment_method_save

        return payment_method_save(
            user=self.customer,
            brand="visa",
            last4="4242",
            exp_month=12,
            exp_year=timezone.now().year + 3,
            holder_name="IVAN IVANOV",
        ).pk

    def substituted(self, value):
        """`value` (a request's path, header, body or an expected field) with its
        placeholders replaced by the ids of objects made for it."""
        if isinstance(value, str):
            return PLACEHOLDER.sub(
                lambda match: match[0] if match[1] == "token" else self.value(match[1]), value
            )
        if isinstance(value, list):
            return [self.substituted(item) for item in value]
        if isinstance(value, dict):
            return {key: self.substituted(item) for key, item in value.items()}
        return value


@pytest.fixture
def given(customer, other_customer, manager, admin_user):
    return Given(
        customer=customer, other_customer=other_customer, manager=manager, admin_user=admin_user
    )


def _prepared(example: dict, given: Given) -> None:
    """What an example's `given` says exists before it is sent."""
    setup = example.get("given", {})
    if "user" in setup:
        fields = dict(setup["user"])
        UserFactory(password=fields.pop("password"), **fields)  # as registered before
    if setup.get("products"):
        given.value("product_id")
        given.value("product_id_2")
    if setup.get("order"):
        given.value("order_id")
    if setup.get("other_order"):
        given.value("other_order_id")


def _sent(example: dict, paths: dict, given: Given):
    """The example's request, sent as written: only its path mapped and its placeholders
    replaced; the caller's own token where the specification shows `<token>`."""
    path = given.substituted(path_mapped(example["path"], paths))
    headers = given.substituted(example.get("headers", {}))
    caller = example["as"]
    token = None
    if caller != "anonymous":
        from accounts.tokens import AccessToken

        token = str(AccessToken.for_user(given.callers[caller]))
    content_type = headers.pop("Content-Type", None)
    extra = {
        f"HTTP_{name.upper().replace('-', '_')}": value.replace("{token}", token or "")
        for name, value in headers.items()
    }
    body = given.substituted(example.get("body"))
    if body is None:
        data = ""
    elif isinstance(body, str):
        data = body
    else:
        data = json.dumps(body, ensure_ascii=False)
    client = APIClient()
    kwargs = {"content_type": content_type} if content_type else {}
    return client.generic(example["method"], path, data, **kwargs, **extra)


def _answer(response) -> dict | None:
    if response.get("Content-Type", "").startswith("application/json"):
        return response.json()
    return None


# WHAT EACH ACCEPTED EXAMPLE LEAVES BEHIND
# ------------------------------------------------------------------------------
def _registered_001(answer, given):
    user = User.objects.get(email="test@example.com")
    assert user.username == "testuser"
    assert "password" not in answer


def _signed_in(answer, given):
    me = APIClient()
    me.credentials(HTTP_AUTHORIZATION=f"Bearer {answer['access_token']}")
    assert me.get("/api/v1/users/me").status_code == 200


def _category_made(answer, given):
    category = Category.objects.get(pk=answer["id"])
    assert (category.name, category.parent_id) == ("Электроника", None)


def _product_made(answer, given):
    product = Product.objects.get(pk=answer["id"])
    assert product.price == Decimal("30000")
    assert product.stock_quantity == 50
    assert str(product.category_id) == given.value("category_id")


def _products_listed(answer, given):
    listed = {row["id"] for row in answer["results"]}
    assert {given.value("product_id"), given.value("product_id_2")} <= listed


def _no_order(answer, given):
    assert not Order.objects.filter(customer_id=given.customer.pk).exists()


def _not_registered_003(answer, given):
    assert not User.objects.filter(email="user1@example.com").exists()


def _event_made(answer, given):
    event = Event.objects.get(pk=answer["id"])
    assert event.title == "Конференция по микросервисам"
    assert str(event.category_id) == given.value("event_category_id")


def _client_made(answer, given):
    client = Client.objects.get(pk=answer["id"])
    assert (client.name, client.type, client.industry) == ("ООО Пример", "organization", "IT")


def _no_payment(answer, given):
    assert not Payment.objects.exists()


def _allocated(answer, given):
    allocation = Allocation.objects.get(pk=answer["id"])
    assert str(allocation.resource_id) == given.value("resource_id")
    assert str(allocation.event_id) == given.value("event_id")
    assert allocation.quantity == 1


def _registered_004(answer, given):
    assert str(User.objects.get(email="user@example.com").pk) == answer["id"]


def _order_read(answer, given):
    assert answer["customer_id"] == str(given.customer.pk)


def _order_unpaid(answer, given):
    assert Order.objects.get(pk=given.value("order_id")).status == "pending"


def _orders_of_the_customer(answer, given):
    listed = {row["id"] for row in answer["results"]}
    assert listed == {given.value("order_id")}


THEN = {
    ("001", "register"): _registered_001,
    ("001", "login"): _signed_in,
    ("001", "category"): _category_made,
    ("001", "product"): _product_made,
    ("001", "products"): _products_listed,
    ("001", "order"): _no_order,
    ("003", "register"): _not_registered_003,
    ("003", "login"): _signed_in,
    ("003", "event"): _event_made,
    ("003", "client"): _client_made,
    ("003", "payment"): _no_payment,
    ("003", "allocate"): _allocated,
    ("004", "register"): _registered_004,
    ("004", "token"): _signed_in,
    ("004", "order"): _no_order,
    ("004", "order detail"): _order_read,
    ("004", "order paid"): _order_unpaid,
    ("004", "orders of a user"): _orders_of_the_customer,
}


def _held_to(response, expected: dict, given: Given) -> dict | None:
    answer = _answer(response)
    assert response.status_code == expected["status"], (response.status_code, answer)
    if "code" in expected:
        assert answer is not None and answer["error"]["code"] == expected["code"], answer
    for field in expected.get("details", []):
        assert answer is not None and field in answer["error"]["details"], answer
    for field, value in given.substituted(expected.get("fields", {})).items():
        assert answer is not None and answer[field] == value, (field, answer)
    return answer


@pytest.mark.parametrize(("number", "paths", "example"), _examples())
def test_each_example_request_of_the_specifications_is_answered_as_documented(
    number, paths, example, given
):
    _prepared(example, given)

    response = _sent(example, paths, given)

    if "pending" in example:
        # An example whose part has landed fails here: expect its answer, drop `pending`.
        answer = _held_to(response, example["today"], given)
        if "refused" in example:  # refused today and once the part lands: nothing made
            THEN[number, example["name"]](answer, given)
        _shares.outcomes[number][example["name"]] = f"pending {example['pending']}"
        return
    answer = _held_to(response, example["expect"], given)
    THEN[number, example["name"]](answer, given)
    refused = example.get("refused")
    _shares.outcomes[number][example["name"]] = f"refused, {refused}" if refused else "accepted"


def _differences_documented() -> dict[str, str]:
    """docs/api.md's table of differences: each key with its row."""
    section = DOCS_API.read_text().split("## Differences from the specifications", 1)[1]
    section = section.split("\n## ", 1)[0]
    return dict(re.findall(r"^\| `([a-z-]+)` \|(.*)$", section, re.MULTILINE))


def test_every_refused_example_cites_a_difference_documented_with_its_refusal():
    documented = _differences_documented()
    for number in SPECIFICATIONS:
        for example in _specification(number)["examples"]:
            if "refused" not in example:
                continue
            assert example["refused"] in documented, (number, example["name"])
            row = documented[example["refused"]]
            assert f"`{example['expect']['code']}`" in row, (number, example["name"], row)
            assert str(example["expect"]["status"]) in row, (number, example["name"], row)


def test_every_example_path_maps_onto_the_api_prefix():
    for number in SPECIFICATIONS:
        specification = _specification(number)
        for example in specification["examples"]:
            mapped = path_mapped(example["path"], specification["paths"])
            assert mapped.startswith("/api/v1/"), (number, example["name"], mapped)


def test_every_pending_example_names_its_part_and_the_answer_it_gets_today():
    for number in SPECIFICATIONS:
        for example in _specification(number)["examples"]:
            if "pending" in example:
                assert example["pending"] and "today" in example, (number, example["name"])


@pytest.mark.parametrize(
    ("difference", "body", "named"),
    [
        (
            "roles-not-self-chosen",
            {"email": "chooser@example.com", "password": "Sturdy-pass-2026", "role": "admin"},
            "role",
        ),
        ("strong-passwords", {"email": "weak@example.com", "password": "password123"}, "password"),
    ],
)
def test_a_registration_against_a_difference_is_refused_with_the_documented_code(
    difference, body, named
):
    """The differences that no example of 001, 003 or 004 reaches on its own today."""
    assert difference in _differences_documented()

    response = APIClient().post("/api/v1/auth/register", body, format="json")

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "validation_error"
    assert named in response.json()["error"]["details"]
    assert not User.objects.filter(email=body["email"]).exists()


def test_specification_003s_payment_with_a_key_is_refused_for_naming_no_payable(customer, given):
    """The payment example, given the key it lacks, meets the next difference."""
    example = next(
        example for example in _specification("003")["examples"] if example["name"] == "payment"
    )
    body = given.substituted(example["body"])
    client = client_for(customer)

    response = client.post(
        "/api/v1/payments/", body, format="json", HTTP_IDEMPOTENCY_KEY="specification-003-payment"
    )

    assert "payments-name-their-payable" in _differences_documented()
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "validation_error"
    assert {"client_id", "event_id", "currency"} <= set(response.json()["error"]["details"])
    assert not Payment.objects.exists()
