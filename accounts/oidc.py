"""Sign-in through an OpenID Connect provider (Google): the authorization-code flow with
`state`, PKCE (S256) and the `nonce`, spoken by Authlib (docs/security.md, "Google sign-in").

This module speaks the protocol and nothing else. `flow_start` begins a flow and keeps what
its end needs server-side; `flow_finish` ends it with the identity the provider vouched for.
Which user that identity signs in is `accounts.services`' business.

- The provider's endpoints and keys come from its discovery document (`GOOGLE_DISCOVERY_URL`),
  so a local stand-in can take its place in tests and development.
- `state` names a record in the cache holding the PKCE verifier, the nonce, the redirect URI,
  the signed-in user who is linking (if any) and a hash of a random value that the starting
  browser keeps in a cookie. The record is taken once, atomically, and expires after
  `OIDC_STATE_TTL_SECONDS` (10 minutes).
- The ID token must be signed by a key of the provider's set, name the provider as issuer
  and this client as its audience, be unexpired and carry the flow's nonce."""

import functools
import hashlib
import hmac
import logging
import secrets
from dataclasses import dataclass

import requests
from authlib.integrations.base_client import OAuthError
from authlib.integrations.django_client import OAuth
from django.conf import settings
from django.core.cache import cache
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from joserfc.errors import JoseError

from accounts.error_codes import AccountErrorCode
from common.api.exceptions import ApplicationError
from common.cache import cache_take

logger = logging.getLogger(__name__)

GOOGLE = "google"
STATE_PREFIX = "oidc-state:"


@dataclass(frozen=True)
class Flow:
    """A started flow: where to send the browser, and what the browser keeps meanwhile."""

    authorization_url: str
    state: str
    binding: str  # goes into the starting browser's cookie, never into a URL
    expires_in: int


@dataclass(frozen=True)
class VerifiedIdentity:
    """What the provider vouched for in a valid ID token."""

    provider: str
    subject: str
    email: str
    email_verified: bool
    name: str


def provider_configured(provider: str = GOOGLE) -> bool:
    return provider == GOOGLE and bool(settings.GOOGLE_CLIENT_ID)


@functools.lru_cache(maxsize=8)
def _client(discovery_url: str, client_id: str, client_secret: str):
    """One Authlib client per configuration; it keeps the discovery document and the key set
    it fetched, and fetches the set again when a token names a key it does not know."""
    return OAuth().register(
        name=GOOGLE,
        server_metadata_url=discovery_url,
        client_id=client_id,
        client_secret=client_secret,
        client_kwargs={
            "scope": "openid email profile",
            "code_challenge_method": "S256",
            "default_timeout": settings.OIDC_HTTP_TIMEOUT_SECONDS,
        },
    )


def _google():
    if not provider_configured(GOOGLE):
        raise ApplicationError(
            _("Sign-in with Google is not configured here."),
            code=AccountErrorCode.SIGN_IN_PROVIDER_NOT_CONFIGURED,
            status=404,
        )
    return _client(
        settings.GOOGLE_DISCOVERY_URL, settings.GOOGLE_CLIENT_ID, settings.GOOGLE_CLIENT_SECRET
    )


# What a provider that answers nonsense (a discovery document without its endpoints, a body
# that is not JSON, a key set that is not one) makes Authlib and joserfc raise.
PROVIDER_NONSENSE = (RuntimeError, ValueError, KeyError, TypeError)


def _unavailable(exc: Exception) -> ApplicationError:
    """The provider cannot be asked now. Its discovery document is fetched afresh next time,
    in case a bad one was cached."""
    logger.warning("identity provider unreachable or unreadable: %r", exc)
    _client.cache_clear()
    return ApplicationError(
        _("The sign-in provider does not answer; try again in a moment."),
        code=AccountErrorCode.SIGN_IN_PROVIDER_UNAVAILABLE,
        status=503,
        retry_after=30,
    )


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def flow_start(*, user_id: str | None = None, redirect_uri: str = "") -> Flow:
    """Begin a Google sign-in; with `user_id`, a signed-in user linking their account. The
    provider sends the browser back to `redirect_uri`, the API's callback
    (`GOOGLE_REDIRECT_URI`) unless a website names its own."""
    client = _google()
    redirect_uri = redirect_uri or settings.GOOGLE_REDIRECT_URI
    try:
        started = client.create_authorization_url(redirect_uri=redirect_uri)
    except (requests.RequestException, *PROVIDER_NONSENSE) as exc:
        raise _unavailable(exc) from exc
    binding = secrets.token_urlsafe(32)
    ttl = settings.OIDC_STATE_TTL_SECONDS
    cache.set(
        f"{STATE_PREFIX}{started['state']}",
        {
            "provider": GOOGLE,
            "code_verifier": started["code_verifier"],
            "nonce": started["nonce"],
            "redirect_uri": redirect_uri,
            "user_id": user_id,
            "binding": _digest(binding),
        },
        timeout=ttl,
    )
    return Flow(started["url"], started["state"], binding, ttl)


def _refused(message: str | Promise, code: AccountErrorCode) -> ApplicationError:
    return ApplicationError(message, code=code, status=400)


def flow_finish(*, state: str, code: str, binding: str | None) -> tuple[VerifiedIdentity, str]:
    """End a flow: the verified identity, and the id of the user who started it to link
    (or ""). The state works once, and only in the browser that started the flow."""
    record = cache_take(f"{STATE_PREFIX}{state}") if state else None
    if record is None or not hmac.compare_digest(record["binding"], _digest(binding or "")):
        raise _refused(
            _(
                "This sign-in is unknown, expired, already used or was started in another "
                "browser; start again."
            ),
            AccountErrorCode.OAUTH_STATE_INVALID,
        )
    client = _google()
    try:
        token = client.fetch_access_token(
            redirect_uri=record["redirect_uri"], code=code, code_verifier=record["code_verifier"]
        )
    except OAuthError as exc:  # a wrong, reused or foreign code, or a wrong PKCE verifier
        raise _refused(
            _("The provider refused the authorization code (%(error)s).") % {"error": exc.error},
            AccountErrorCode.OAUTH_CODE_INVALID,
        ) from exc
    except (requests.RequestException, *PROVIDER_NONSENSE) as exc:
        raise _unavailable(exc) from exc
    claims = _id_token_claims(client, token, nonce=record["nonce"])
    verified = claims.get("email_verified")
    identity = VerifiedIdentity(
        provider=GOOGLE,
        subject=str(claims["sub"]),
        email=str(claims.get("email") or ""),
        email_verified=verified is True or verified == "true",
        name=str(claims.get("name") or "")[:200],
    )
    return identity, record["user_id"] or ""


def _id_token_claims(client, token: dict, *, nonce: str) -> dict:
    try:
        issuer = client.load_server_metadata()["issuer"]
        claims = client.parse_id_token(
            token,
            nonce=nonce,
            claims_options={
                # Google's tokens may name the issuer without its scheme.
                "iss": {"essential": True, "values": [issuer, issuer.removeprefix("https://")]},
                "aud": {"essential": True, "value": client.client_id},
            },
        )
    except JoseError as exc:
        raise _refused(
            _("The provider's ID token is not valid: %(error)s.")
            % {"error": exc.description or exc.error},
            AccountErrorCode.ID_TOKEN_INVALID,
        ) from exc
    except (requests.RequestException, *PROVIDER_NONSENSE) as exc:
        raise _unavailable(exc) from exc
    if claims is None:
        raise _refused(_("The provider sent no ID token."), AccountErrorCode.ID_TOKEN_INVALID)
    return claims
