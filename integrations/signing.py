"""The subscriptions' signing secrets (docs/integrations.md, "Secrets"): made here, kept in
the database only encrypted and opened only to sign a delivery, by the project's one
encryption of stored secrets (common/encryption.py, WEBHOOKS_SECRETS_KEY)."""

import base64
import secrets

from common.encryption import secret_decrypt, secret_encrypt, secret_reencrypt

# The migration that encrypted the secrets stored in plain text imports them from here.
__all__ = [
    "SECRET_PREFIX",
    "secret_decrypt",
    "secret_encrypt",
    "secret_generate",
    "secret_reencrypt",
]

SECRET_PREFIX = "whsec_"


def secret_generate() -> str:
    """A Standard Webhooks secret: `whsec_` and 32 random bytes in base64."""
    return f"{SECRET_PREFIX}{base64.b64encode(secrets.token_bytes(32)).decode()}"
