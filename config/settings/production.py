"""Settings for a deployment (docker-compose.yml). Everything that matters comes from the
environment, and what would be unsafe to guess is refused at start, with the reason
(docs/operations.md, "Settings")."""

import ipaddress

from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import (
    DATABASES,
    DEFAULT_EVENTS_SIGNING_KEY,
    DEFAULT_SECRET_KEY,
    EMAIL_CONFIG,
    EVENTS_KAFKA_BOOTSTRAP_SERVERS,
    EVENTS_KAFKA_SASL_MECHANISM,
    EVENTS_KAFKA_SASL_PASSWORD,
    EVENTS_KAFKA_SASL_USERNAME,
    EVENTS_KAFKA_SECURITY_PROTOCOL,
    EVENTS_SIGNING_KEYS,
    EVENTS_SIGNING_KINDS,
    FINANCING_LENDER,
    GOOGLE_CLIENT_ID,
    GOOGLE_CLIENT_SECRET,
    GOOGLE_REDIRECT_URI,
    JWT_ALGORITHM,
    LOGGING,
    PAYMENTS_PROVIDER,
    PAYMENTS_RETURN_URL,
    PROCESS_KIND,
    SERVICES_MODE,
    SILENCED_SYSTEM_CHECKS,
    SITE_URL,
    STRIPE_SECRET_KEY,
    STRIPE_WEBHOOK_SECRET,
    WEBHOOKS_SECRETS_KEY,
    YOOKASSA_SECRET_KEY,
    YOOKASSA_SHOP_ID,
    env,
)

# Hosts that catch mail instead of delivering it: the usual catchers' names, and this machine.
MAIL_CATCHER_NAMES = ("mailpit", "mailhog", "mailcatcher", "maildev", "smtp4dev", "localhost")


def mail_catcher(host: str) -> bool:
    host = host.strip("[]").rstrip(".").lower()
    name = host.split(".")[0]
    if name in MAIL_CATCHER_NAMES or host.endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return address.is_loopback or address.is_unspecified


def _refuse(message: str):
    raise ImproperlyConfigured(f"Production settings: {message}")


# GENERAL
# ------------------------------------------------------------------------------
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="")
if not SECRET_KEY or SECRET_KEY == DEFAULT_SECRET_KEY:
    _refuse("set DJANGO_SECRET_KEY to a long random string (50 characters or more).")
if len(SECRET_KEY) < 50:
    _refuse(f"DJANGO_SECRET_KEY has {len(SECRET_KEY)} characters; it needs 50 or more.")
if env.bool("DJANGO_DEBUG", default=False):
    _refuse("DJANGO_DEBUG must be off.")
DEBUG = False
# `manage.py seed_demo` refuses to mix demo records into real ones (docs/operations.md,
# "Demo data").
DEMO_DATA_ALLOWED = False
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=[])
if not ALLOWED_HOSTS:
    _refuse("set DJANGO_ALLOWED_HOSTS to the host names the site answers to.")
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])
if not CSRF_TRUSTED_ORIGINS:
    _refuse("set DJANGO_CSRF_TRUSTED_ORIGINS to the site's origins (https://…).")
if not SERVICES_MODE or any(db["ENGINE"] != "common.db.postgresql" for db in DATABASES.values()):
    _refuse("set REDIS_URL and a PostgreSQL DATABASE_URL_* for every database.")

# SECURITY
# ------------------------------------------------------------------------------
# TLS ends at the reverse proxy, which says so in X-Forwarded-Proto.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
# The containers' health checks speak plain HTTP to the process itself.
SECURE_REDIRECT_EXEMPT = [r"^health"]
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
# Preloading is a promise to browsers that is slow to take back: off unless asked for.
SECURE_HSTS_PRELOAD = env.bool("DJANGO_SECURE_HSTS_PRELOAD", default=False)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
X_FRAME_OPTIONS = "DENY"
SILENCED_SYSTEM_CHECKS = [
    *SILENCED_SYSTEM_CHECKS,
    *([] if SECURE_HSTS_PRELOAD else ["security.W021"]),  # preload off, on purpose
]

# THE SITE'S ADDRESS
# ------------------------------------------------------------------------------
# Every link the site sends (the e-mails' reset, confirmation and unsubscribe links, the
# Google sign-in's return) is made from SITE_URL: over http:// they would carry their
# tokens in clear (docs/security.md, "Mail").
if not SITE_URL.startswith("https://"):
    _refuse(
        f"SITE_URL is {SITE_URL!r}; it must be this site's https:// address, which every "
        "link in its e-mails and the Google sign-in's return are made from."
    )

# E-MAIL
# ------------------------------------------------------------------------------
if not EMAIL_CONFIG["EMAIL_BACKEND"].endswith("smtp.EmailBackend"):
    _refuse("set EMAIL_URL to an SMTP server (smtp://, smtp+tls:// or smtp+ssl://).")
# A catcher (Mailpit and the like) shows every message, password reset links included, to
# whoever reaches its web page: production mail goes to a real server. A staging deployment
# says EMAIL_ALLOW_CATCHER=true (docs/security.md, "Mail").
EMAIL_ALLOW_CATCHER = env.bool("EMAIL_ALLOW_CATCHER", default=False)
if not EMAIL_ALLOW_CATCHER and mail_catcher(EMAIL_CONFIG.get("EMAIL_HOST", "")):
    _refuse(
        f"EMAIL_URL's host {EMAIL_CONFIG['EMAIL_HOST']!r} is a mail catcher, which shows "
        "password reset links to anyone who reaches it; use a real SMTP server, or set "
        "EMAIL_ALLOW_CATCHER=true on a staging deployment."
    )

# TOKEN KEYS
# ------------------------------------------------------------------------------
# RS256 needs a private key the operator made (`manage.py jwt_key_create`), never one
# made on the fly in a container: it would differ between web processes and restarts.
JWT_PRIVATE_KEY_CREATE = False
if JWT_ALGORITHM == "RS256" and not (
    env.str("JWT_PRIVATE_KEY", default="") or env.str("JWT_PRIVATE_KEY_FILE", default="")
):
    _refuse("set JWT_PRIVATE_KEY or JWT_PRIVATE_KEY_FILE (manage.py jwt_key_create makes one).")

# GOOGLE SIGN-IN
# ------------------------------------------------------------------------------
if GOOGLE_CLIENT_ID and not GOOGLE_CLIENT_SECRET:
    _refuse("set GOOGLE_CLIENT_SECRET too, since GOOGLE_CLIENT_ID is set.")
if GOOGLE_CLIENT_ID and not GOOGLE_REDIRECT_URI.startswith("https://"):
    _refuse("GOOGLE_REDIRECT_URI must be an https:// address of this site.")

# PAYMENTS
# ------------------------------------------------------------------------------
# The fake provider takes no money: a deployment names a real one and its credentials.
if PAYMENTS_PROVIDER == "yookassa":
    if not (YOOKASSA_SHOP_ID and YOOKASSA_SECRET_KEY):
        _refuse("set YOOKASSA_SHOP_ID and YOOKASSA_SECRET_KEY (PAYMENTS_PROVIDER=yookassa).")
elif PAYMENTS_PROVIDER == "stripe":
    if not (STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET):
        _refuse("set STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET (PAYMENTS_PROVIDER=stripe).")
else:
    _refuse(f"PAYMENTS_PROVIDER is {PAYMENTS_PROVIDER!r}; set it to yookassa or stripe.")
if not PAYMENTS_RETURN_URL.startswith("https://") or "{payment_id}" not in PAYMENTS_RETURN_URL:
    _refuse("PAYMENTS_RETURN_URL must be an https:// address of this site with {payment_id}.")

# FINANCING
# ------------------------------------------------------------------------------
# The fake lender pays every loan by itself: an order would be paid by money nobody sent
# (docs/security.md, "Money only from money").
if FINANCING_LENDER == "fake":
    _refuse("FINANCING_LENDER is 'fake'; set it to manual (staff record each disbursement).")
# Demo banks answer and pay by themselves, likewise: never sent to in production.
FINANCING_DEMO_BANKS = False

# EVENTS
# ------------------------------------------------------------------------------
# The workers act only on events signed with these keys, which only the processes that hand
# events on hold: the relay, and the workers, whose sweep publishes too. The development
# default is public. Any other process holds none, and could sign nothing (common/events/
# signing.py): the servers, beat and the commands never hand an event to the workers.
if PROCESS_KIND in EVENTS_SIGNING_KINDS:
    if not EVENTS_SIGNING_KEYS or DEFAULT_EVENTS_SIGNING_KEY in EVENTS_SIGNING_KEYS:
        _refuse("set EVENTS_SIGNING_KEYS: the keys the relay signs events with for the workers.")
    if any(len(key) < 32 for key in EVENTS_SIGNING_KEYS):
        _refuse("EVENTS_SIGNING_KEYS must each be 32 characters or more.")
elif DEFAULT_EVENTS_SIGNING_KEY in EVENTS_SIGNING_KEYS:
    EVENTS_SIGNING_KEYS = []
# Kafka only over TLS, to a broker whose certificate checks out, as a user of the project's
# own (docs/events.md, "Kafka: TLS and SASL"). The processes that publish hold its password.
if EVENTS_KAFKA_BOOTSTRAP_SERVERS:
    if EVENTS_KAFKA_SECURITY_PROTOCOL != "SASL_SSL":
        _refuse(
            f"EVENTS_KAFKA_SECURITY_PROTOCOL is {EVENTS_KAFKA_SECURITY_PROTOCOL!r}; set it to "
            "SASL_SSL: events reach Kafka over TLS, as a user with a password."
        )
    if EVENTS_KAFKA_SASL_MECHANISM not in ("SCRAM-SHA-512", "SCRAM-SHA-256", "PLAIN"):
        _refuse("EVENTS_KAFKA_SASL_MECHANISM must be SCRAM-SHA-512, SCRAM-SHA-256 or PLAIN.")
    if PROCESS_KIND in EVENTS_SIGNING_KINDS and not (
        EVENTS_KAFKA_SASL_USERNAME and EVENTS_KAFKA_SASL_PASSWORD
    ):
        _refuse(
            "set EVENTS_KAFKA_SASL_USERNAME and EVENTS_KAFKA_SASL_PASSWORD (or its _FILE): "
            "the relay and the workers publish to Kafka as that user."
        )

# INTEGRATIONS
# ------------------------------------------------------------------------------
# Webhooks reach partners over https only, and never an address inside the network
# (server-side request forgery), unless the operator lists a network on purpose.
WEBHOOKS_REQUIRE_HTTPS = True
WEBHOOKS_ALLOWED_NETWORKS = env.list("WEBHOOKS_ALLOWED_NETWORKS", default=[])
# Their secrets are encrypted with a key of the operator's, never one derived from
# SECRET_KEY (docs/integrations.md, "Secrets").
if not WEBHOOKS_SECRETS_KEY:
    _refuse("set WEBHOOKS_SECRETS_KEY: webhook secrets are encrypted with it.")
try:
    _webhooks_secrets_keys = [Fernet(key) for key in WEBHOOKS_SECRETS_KEY]
except ValueError:
    _refuse("WEBHOOKS_SECRETS_KEY must be Fernet keys (Fernet.generate_key()), comma-separated.")

# METRICS
# ------------------------------------------------------------------------------
METRICS_TOKEN = env.str("METRICS_TOKEN", default="")
if len(METRICS_TOKEN) < 32:
    _refuse("set METRICS_TOKEN (32 characters or more): /metrics answers only with it.")

# LOGS: one JSON object per line
# ------------------------------------------------------------------------------
LOGGING["handlers"]["console"]["formatter"] = "json"
