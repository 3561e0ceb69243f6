"""Requests are authenticated from a cached copy of the user, keyed by user and token
version: no query of the user per request, and every change that matters reaches the next
request at once (common/api/authentication.py, docs/security.md "Tokens")."""

import pytest
from django.db import connections
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts import services
from accounts.tests.factories import PASSWORD
from conftest import client_for

pytestmark = pytest.mark.django_db(databases="__all__")


def user_selects(client) -> int:
    """How many queries of the users table one GET users/me makes."""
    with CaptureQueriesContext(connections["default"]) as queries:
        assert client.get(reverse("users-me")).status_code == 200
    return sum('FROM "accounts_user"' in query["sql"] for query in queries.captured_queries)


def test_a_second_request_reads_no_user_from_the_database(customer):
    client = client_for(customer)

    first, second = user_selects(client), user_selects(client)

    assert (first, second) == (1, 0)


def test_a_password_change_ends_the_cached_sign_in_at_once(customer):
    client = client_for(customer)
    user_selects(client)  # cached

    changed = client.post(
        reverse("auth-password-change"),
        {"old_password": PASSWORD, "new_password": "Another-sturdy-2027"},
    )

    assert changed.status_code == 204
    assert client.get(reverse("users-me")).status_code == 401


def test_a_role_change_ends_the_cached_sign_in_at_once(manager, admin_user):
    client = client_for(manager)
    assert client.get(reverse("crm-clients")).status_code == 200  # cached as a manager

    services.user_role_set(actor=admin_user, user=manager, role="client")

    assert client.get(reverse("crm-clients")).status_code == 401
    assert client_for(manager).get(reverse("users-me")).json()["role"] == "client"


def test_a_deactivation_ends_the_cached_sign_in_at_once(customer, admin_user):
    client = client_for(customer)
    user_selects(client)

    services.user_active_set(actor=admin_user, user=customer, is_active=False)

    assert client.get(reverse("users-me")).status_code == 401


def test_logging_out_everywhere_ends_every_token_at_once(customer, api_client):
    signed_in = api_client.post(
        reverse("auth-token"), {"email": customer.email, "password": PASSWORD}
    ).json()
    client, other_device = client_for(customer), client_for(customer)
    user_selects(other_device)

    assert client.post(reverse("auth-logout-all")).status_code == 204

    assert other_device.get(reverse("users-me")).status_code == 401
    refreshed = api_client.post(
        reverse("auth-token-refresh"), {"refresh_token": signed_in["refresh_token"]}
    )
    assert refreshed.status_code == 401


def test_a_profile_change_is_not_served_stale(customer):
    client = client_for(customer)
    user_selects(client)

    client.patch(reverse("users-me"), {"full_name": "Renamed Client"})

    assert client.get(reverse("users-me")).json()["full_name"] == "Renamed Client"
