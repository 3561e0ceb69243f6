"""Paths that forgive and errors that stay JSON (docs/api.md, "Paths"): every API path answers
in both trailing-slash forms, served rather than redirected; an unknown `/api/` path is the
JSON 404 for every method; a refused CSRF check under `/api/` is a JSON 403."""

import re

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from django.urls.resolvers import RegexPattern
from rest_framework.test import APIClient

from accounts.tests.factories import PASSWORD, UserFactory
from common.middleware import API_NOT_FOUND_URL_NAME, api_path_served
from orders.models import Order
from orders.tests.factories import product_make

pytestmark = pytest.mark.django_db(databases="__all__")

# Fixed: the test ids name it, and every pytest-xdist worker must collect the same ids.
SAMPLE_ID = "bd5a8d9a-cec6-48d6-8dbc-6d8b5e1f1947"
_CONVERTER = re.compile(r"<(?:(?P<kind>\w+):)?\w+>")
_GROUP = re.compile(r"\(\?P<\w+>[^)]*\)")
_SAMPLES = {"uuid": SAMPLE_ID, "int": "1", "slug": "sample", "str": "sample", "path": "sample"}


def _sample(pattern) -> str:
    """A concrete path that `pattern`'s route (or regex) matches."""
    if isinstance(pattern, RegexPattern):
        return _GROUP.sub(SAMPLE_ID, pattern.regex.pattern.lstrip("^").rstrip("$"))
    return _CONVERTER.sub(lambda m: _SAMPLES[m["kind"] or "str"], str(pattern))


def _api_endpoints(patterns=None, prefix="/"):
    """(a concrete path, its view) for every URL pattern under /api/, includes walked."""
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        path = prefix + _sample(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from _api_endpoints(entry.url_patterns, path)
        elif path.startswith("/api/") and entry.name != API_NOT_FOUND_URL_NAME:
            assert isinstance(entry, URLPattern)
            yield path, entry.callback


ENDPOINTS = list(_api_endpoints())


def _other_form(path: str) -> str:
    return path[:-1] if path.endswith("/") else f"{path}/"


def test_the_walk_finds_the_api_in_both_of_its_declared_forms():
    paths = {path for path, _ in ENDPOINTS}

    assert len(ENDPOINTS) > 90
    assert "/api/v1/auth/token" in paths
    assert "/api/v1/orders/" in paths
    assert f"/api/v1/catalog/products/{SAMPLE_ID}/" in paths


@pytest.mark.parametrize(("path", "view"), ENDPOINTS, ids=[path for path, _ in ENDPOINTS])
def test_every_api_path_resolves_to_the_same_view_in_both_slash_forms(path, view):
    other = _other_form(path)

    assert resolve(path).func is view
    assert api_path_served(path) == path
    assert api_path_served(other) == path
    assert resolve(api_path_served(other)).func is view


@pytest.mark.parametrize(("path", "view"), ENDPOINTS, ids=[path for path, _ in ENDPOINTS])
def test_every_api_path_is_served_not_redirected_in_its_other_form(path, view):
    client = APIClient(enforce_csrf_checks=True)

    declared = client.options(path)
    other = client.options(_other_form(path))

    assert other.status_code == declared.status_code
    assert not 300 <= other.status_code < 400
    assert other.wsgi_request.resolver_match.func is view
    assert other.wsgi_request.path == path


def test_the_schema_documents_each_path_in_its_declared_form_only():
    from drf_spectacular.generators import SchemaGenerator

    documented = set(SchemaGenerator().get_schema(request=None, public=True)["paths"])

    assert "/api/v1/auth/token" in documented
    assert "/api/v1/orders/" in documented
    assert sorted(p for p in documented if _other_form(p) in documented) == []


def test_a_token_is_obtained_by_a_post_with_a_body_to_the_other_slash_form():
    user = UserFactory()
    client = APIClient(enforce_csrf_checks=True)

    response = client.post(
        "/api/v1/auth/token/", {"email": user.email, "password": PASSWORD}, format="json"
    )

    assert response.status_code == 200, response.content
    assert response.json()["access_token"]
    assert response.json()["refresh_token"]


def test_an_order_is_placed_by_a_post_with_a_body_to_the_other_slash_form(
    customer_client, customer
):
    product = product_make(stock=5, price="100.00")
    customer_client.handler.enforce_csrf_checks = True

    response = customer_client.post(
        "/api/v1/orders",
        {"items": [{"product_id": str(product.pk), "quantity": 2}]},
        format="json",
    )

    assert response.status_code == 201, response.content
    order = Order.objects.get(pk=response.json()["id"])
    assert order.customer_id == customer.pk
    assert [(i.product_id, i.quantity) for i in order.items.all()] == [(product.pk, 2)]


def test_a_status_change_is_a_post_to_the_other_slash_form(customer_client, manager_client):
    product = product_make(stock=5)
    placed = customer_client.post(
        reverse("orders-list"),
        {"items": [{"product_id": str(product.pk), "quantity": 1}]},
        format="json",
    ).json()

    response = manager_client.post(
        f"/api/v1/orders/{placed['id']}/status/", {"status": "cancelled"}, format="json"
    )

    assert response.status_code == 200, response.content
    assert Order.objects.get(pk=placed["id"]).status == "cancelled"


@pytest.mark.parametrize("method", ["get", "post", "put", "patch", "delete"])
@pytest.mark.parametrize("path", ["/api/v1/nope", "/api/v1/orders/x/y/z", "/api/v2/orders/"])
def test_an_unknown_api_path_is_the_json_404_for_every_method(method, path):
    client = APIClient(enforce_csrf_checks=True)

    response = getattr(client, method)(path, {"a": 1}, format="json")

    assert response.status_code == 404, response.content
    assert response["Content-Type"] == "application/json"
    assert response.json()["success"] is False
    assert response.json()["error"]["code"] == "not_found"


def test_a_session_without_a_csrf_token_is_a_json_403_csrf_failed_and_places_nothing(customer):
    product = product_make(stock=5)
    client = Client(enforce_csrf_checks=True)
    client.force_login(customer)

    response = client.post(
        reverse("orders-list"),
        {"items": [{"product_id": str(product.pk), "quantity": 1}]},
        content_type="application/json",
    )

    assert response.status_code == 403
    assert response["Content-Type"] == "application/json"
    assert response.json()["error"]["code"] == "csrf_failed"
    assert not Order.objects.filter(customer_id=customer.pk).exists()


def test_a_session_with_its_csrf_token_places_the_order(customer):
    product = product_make(stock=5)
    client = Client(enforce_csrf_checks=True)
    client.force_login(customer)
    client.get("/admin/login/")  # sets the CSRF cookie
    token = client.cookies["csrftoken"].value

    response = client.post(
        reverse("orders-list"),
        {"items": [{"product_id": str(product.pk), "quantity": 1}]},
        content_type="application/json",
        HTTP_X_CSRFTOKEN=token,
    )

    assert response.status_code == 201, response.content
    assert Order.objects.filter(customer_id=customer.pk).count() == 1


def test_a_refused_csrf_check_outside_a_drf_view_is_json_under_the_api():
    response = Client(enforce_csrf_checks=True).post("/api/schema/events/", {"a": 1})

    assert response.status_code == 403
    assert response["Content-Type"] == "application/json"
    assert response.json()["error"]["code"] == "csrf_failed"


def test_the_admin_keeps_djangos_html_csrf_page():
    response = Client(enforce_csrf_checks=True).post(
        "/admin/login/", {"username": "a@example.com", "password": "x"}
    )

    assert response.status_code == 403
    assert response["Content-Type"].startswith("text/html")
    assert b"CSRF verification failed" in response.content
