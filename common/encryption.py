"""Secrets kept in the database only encrypted (Fernet, with WEBHOOKS_SECRETS_KEY): the
webhook subscriptions' signing secrets (docs/integrations.md, "Secrets") and the partner
banks' callback secrets (docs/financing.md, "The bank's secret"). Each key of the setting
decrypts; the first encrypts, so that a new key can be put first while the old one still
opens what it sealed (`manage.py secrets_reencrypt` then seals every app's secrets with the
new one: each app names its re-encryption in its `DomainAppConfig.secrets_reencrypt`)."""

import base64
from functools import cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.utils.crypto import salted_hmac


def development_key() -> str:
    """The key where WEBHOOKS_SECRETS_KEY is unset (development and tests only: production
    refuses to start without it), derived from SECRET_KEY: changing SECRET_KEY then makes
    the stored secrets unreadable. The salt is the one it was first made with, so that what
    was sealed before still opens."""
    digest = salted_hmac(
        "integrations.webhook-secrets", "key", secret=settings.SECRET_KEY, algorithm="sha256"
    ).digest()
    return base64.urlsafe_b64encode(digest).decode()


@cache
def _box(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(key) for key in keys])


def box() -> MultiFernet:
    return _box(tuple(settings.WEBHOOKS_SECRETS_KEY) or (development_key(),))


def secret_encrypt(secret: str) -> str:
    return box().encrypt(secret.encode()).decode()


def secret_decrypt(token: str) -> str:
    """The secret a token seals; a token no configured key opens is a configuration error
    (the key was changed without keeping the old one), raised as such."""
    try:
        return box().decrypt(token.encode()).decode()
    except InvalidToken as exc:
        raise RuntimeError(
            "A stored secret cannot be decrypted with WEBHOOKS_SECRETS_KEY: keep the key it "
            'was sealed with in the list (docs/integrations.md, "Secrets").'
        ) from exc


def secret_reencrypt(token: str) -> str:
    """The same secret sealed with the first key."""
    return box().rotate(token.encode()).decode()
