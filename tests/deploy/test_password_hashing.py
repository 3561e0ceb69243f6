"""Passwords are hashed with Argon2 outside the test suite, whose own hasher is a fast one
(config/settings/test.py)."""

import pytest
from django.urls import reverse

from accounts.models import User
from config.settings import base

pytestmark = pytest.mark.django_db


def test_the_settings_every_server_runs_on_hash_new_passwords_with_argon2(api_client, settings):
    settings.PASSWORD_HASHERS = base.PASSWORD_HASHERS

    response = api_client.post(
        reverse("auth-register"),
        {"email": "argon@example.com", "password": "Sturdy-pass-2026", "full_name": "A"},
    )

    assert response.status_code == 201, response.json()
    user = User.objects.get(email="argon@example.com")
    assert user.password.startswith("argon2$")
    assert user.check_password("Sturdy-pass-2026")
