"""ABUSE CONTROLS and BROWSERS: rate limits, trusted proxies, request bounds, CORS and the
Content Security Policy (docs/security.md, "Rate limits" and "Request limits")."""

from corsheaders.defaults import default_headers as cors_default_headers
from csp.constants import NONCE as CSP_NONCE
from csp.constants import NONE as CSP_NONE
from csp.constants import SELF as CSP_SELF

from common.environment import env

# ABUSE CONTROLS (docs/security.md)
# ------------------------------------------------------------------------------
# Requests per client and window, by bucket (common/api/throttling.py). Signing up and signing
# in are separate buckets at the same rate; order creation has its own; every other call
# counts as `user` (authenticated, per user) or `anon` (per client IP).
THROTTLE_RATES = {
    "register": env.str("THROTTLE_RATE_AUTH", default="10/min"),
    "login": env.str("THROTTLE_RATE_AUTH", default="10/min"),
    "order_create": env.str("THROTTLE_RATE_ORDER_CREATE", default="20/min"),
    # The storefront's forms that leave a phone number with no account (a call back).
    "lead": env.str("THROTTLE_RATE_LEAD", default="10/min"),
    # Photo uploads (a vehicle's, a trade-in's), per user: each one is decoded.
    "upload": env.str("THROTTLE_RATE_UPLOAD", default="30/min"),
    # Asking for an order's document (`POST orders/{id}/documents/`), per user: each new one
    # is a PDF rendered and a number taken (docs/security.md, "Documents asked for again").
    "document": env.str("THROTTLE_RATE_DOCUMENT", default="10/min"),
    "user": env.str("THROTTLE_RATE_USER", default="100/min"),
    "anon": env.str("THROTTLE_RATE_ANON", default="100/min"),
    # /health/components, per client address: a monitor asks every few seconds; a flood of
    # calls is answered from the cached report, then refused (common/ops/health.py).
    "readiness": env.str("THROTTLE_RATE_READINESS", default="60/min"),
}
# Addresses or networks of the reverse proxies in front of the app: only a request whose
# peer is one of them has its client IP taken from X-Forwarded-For. Separated by commas or
# spaces: Caddy reads the same variable as its trusted_proxies (config/Caddyfile), as a list
# separated by spaces.
TRUSTED_PROXIES = env.str("TRUSTED_PROXIES", default="").replace(",", " ").split()
SILENCED_SYSTEM_CHECKS: list[str] = []

# Request bodies larger than this are refused with a 413 before they are read, and JSON
# nested deeper than REQUEST_MAX_JSON_DEPTH with a 400 (common/api/parsers.py).
REQUEST_MAX_BODY_BYTES = env.int("REQUEST_MAX_BODY_BYTES", default=1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = REQUEST_MAX_BODY_BYTES
REQUEST_MAX_JSON_DEPTH = 32

# BROWSERS: what other origins may do (docs/security.md, "CSRF" and "WebSocket origins")
# ------------------------------------------------------------------------------
# Front ends on other origins that may call the API; cookies are not sent cross-origin
# unless CORS_ALLOW_CREDENTIALS is set (the API authenticates with bearer tokens).
CORS_ALLOWED_ORIGINS = env.list("CORS_ALLOWED_ORIGINS", default=[])
CORS_ALLOW_CREDENTIALS = env.bool("CORS_ALLOW_CREDENTIALS", default=False)
CORS_URLS_REGEX = r"^/api/.*$"
CORS_ALLOW_HEADERS = (*cors_default_headers, "idempotency-key", "x-request-id")
CORS_EXPOSE_HEADERS = ["Retry-After", "X-Request-ID"]
# Every page's assets are served from here (drf-spectacular-sidecar for Swagger UI and
# ReDoc, ECharts for the dashboard): nothing is allowed from another host, and no inline
# script but one that carries the response's nonce (the admin's date-range filters); the
# header names a nonce only on a page that used one.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [CSP_SELF],
        "script-src": [CSP_SELF, CSP_NONCE],
        "style-src": [CSP_SELF, CSP_NONCE],
        "img-src": [CSP_SELF, "data:"],
        "font-src": [CSP_SELF],
        "connect-src": [CSP_SELF],
        "object-src": [CSP_NONE],
        "base-uri": [CSP_SELF],
        "form-action": [CSP_SELF],
        "frame-ancestors": [CSP_NONE],
    }
}
