"""The production settings' environment, pointed at the test databases and Redis: for the
tests that start a process or a command as production runs it (docker-compose.yml's env file)."""

import secrets

from cryptography.fernet import Fernet

from common import jwtkeys
from tests.processes import environment as services_environment

SECRET = secrets.token_urlsafe(50)
METRICS_TOKEN = secrets.token_urlsafe(32)
JWT_PRIVATE_KEY = jwtkeys.private_key_pem().decode()
WEBHOOKS_SECRETS_KEY = Fernet.generate_key().decode()
ALLOWED_ORIGIN = "https://shop.example.com"


def production_environment(**overrides) -> dict:
    """What docker-compose.yml's env file gives the production settings, here pointed at
    the test databases and Redis."""
    env = {
        **services_environment(),
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DJANGO_SECRET_KEY": SECRET,
        "DJANGO_ALLOWED_HOSTS": "autosalon.example.com,127.0.0.1,localhost",
        "DJANGO_CSRF_TRUSTED_ORIGINS": "https://autosalon.example.com",
        "SITE_URL": "https://autosalon.example.com",
        "EMAIL_URL": "smtp+tls://mailer:secret@smtp.example.com:587",
        "METRICS_TOKEN": METRICS_TOKEN,
        "CORS_ALLOWED_ORIGINS": ALLOWED_ORIGIN,
        "JWT_PRIVATE_KEY": JWT_PRIVATE_KEY,
        "PAYMENTS_PROVIDER": "yookassa",
        "FINANCING_LENDER": "manual",
        "EVENTS_SIGNING_KEYS": secrets.token_urlsafe(48),
        "YOOKASSA_SHOP_ID": "100500",
        "YOOKASSA_SECRET_KEY": "live_secret",
        "PAYMENTS_RETURN_URL": "https://autosalon.example.com/payments/{payment_id}/return",
        "WEBHOOKS_SECRETS_KEY": WEBHOOKS_SECRETS_KEY,
    }
    env.update(overrides)
    return {name: value for name, value in env.items() if value is not None}
