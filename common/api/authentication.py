"""DRF's authentication classes of the API, tagging the request's log lines with the user
(common/ops/logging.py)."""

import logging
from collections.abc import Callable
from typing import Any, ParamSpec, Protocol, TypeVar
from uuid import UUID

import redis
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, transaction
from drf_spectacular import authentication as drf_spectacular_authentication
from drf_spectacular.contrib.rest_framework_simplejwt import SimpleJWTScheme
from rest_framework import authentication, exceptions
from rest_framework.request import Request
from rest_framework_simplejwt import authentication as jwt
from rest_framework_simplejwt.exceptions import InvalidToken
from rest_framework_simplejwt.settings import api_settings
from rest_framework_simplejwt.tokens import Token

from common.ops.logging import user_bind

_P = ParamSpec("_P")
_T = TypeVar("_T")


class _UserLogged(authentication.BaseAuthentication):
    """Put first among an authentication class's bases: the user it finds tags the log."""

    def authenticate(self, request: Request) -> tuple[Any, Any] | None:
        result = super().authenticate(request)
        if result is not None:
            user_bind(result[0])
        return result


# The claim that carries the user's token version (accounts/tokens.py): a token whose version
# is not the user's current one was revoked.
TOKEN_VERSION_CLAIM = "ver"


# How long a request may be authenticated from the cached copy of its user rather than the
# database (docs/security.md, "Tokens"). Every change of the user drops the copy at once; the
# time bounds what a lost race (a request that read the user just before a change committed)
# can leave behind.
USER_CACHE_SECONDS = 60
logger = logging.getLogger(__name__)


class VersionedUser(Protocol):
    """A user whose tokens carry its version (the user model, accounts/models.py)."""

    @property
    def pk(self) -> UUID: ...

    @property
    def token_version(self) -> int: ...


def user_cache_key(user_id: UUID | str, version: int | None) -> str:
    """The key of a user's cached copy, by its id and token version as a token's claims
    say them (a missing version claim, None, is no user's)."""
    return f"auth:user:{user_id}:v{version}"


def user_cache_forget(user: VersionedUser) -> None:
    """Drop the cached copy of `user` (of its current token version): at once, and again
    once the transaction that changes it commits, so that no request caches it in between."""
    key = user_cache_key(user.pk, user.token_version)
    _cache_call(cache.delete, key)
    transaction.on_commit(lambda: _cache_call(cache.delete, key), using=DEFAULT_DB_ALIAS)


def _cache_call(method: Callable[_P, _T], *args: _P.args, **kwargs: _P.kwargs) -> _T | None:
    """The cache is a shortcut: while Redis is down, requests go to the database."""
    try:
        return method(*args, **kwargs)
    except (redis.RedisError, OSError):
        logger.warning("The user cache is unavailable", exc_info=True)
        return None


class JWTAuthentication(_UserLogged, jwt.JWTAuthentication):
    """simplejwt's, with the user read from a small cache keyed by user and token version
    (no query per request) and a token of an earlier version refused."""

    def get_user(self, validated_token: Token) -> Any:
        # The project's user (checked below). simplejwt declares the method to return a type
        # variable bound by none of its arguments, which no override can name: so `Any`.
        key = user_cache_key(
            validated_token.get(api_settings.USER_ID_CLAIM),
            validated_token.get(TOKEN_VERSION_CLAIM),
        )
        cached: AbstractBaseUser | None = _cache_call(cache.get, key)
        if cached is not None:
            return cached
        user = super().get_user(validated_token)
        # simplejwt reads the user from its `user_model`, the project's (AUTH_USER_MODEL).
        assert isinstance(user, self.user_model)
        if validated_token.get(TOKEN_VERSION_CLAIM) != user.token_version:
            raise InvalidToken("The token was revoked.")
        _cache_call(cache.set, key, user, USER_CACHE_SECONDS)
        return user


class SessionAuthentication(_UserLogged, authentication.SessionAuthentication):
    """The staff dashboard's page session: CSRF-checked on every unsafe request, a refusal
    being a 403 `csrf_failed` (docs/security.md, "CSRF")."""

    def enforce_csrf(self, request: Request) -> None:
        # Imported here: common.api.exceptions imports DRF's views, which import this module.
        from common.api.exceptions import CsrfFailed

        try:
            super().enforce_csrf(request)
        except exceptions.PermissionDenied as exc:
            raise CsrfFailed(exc.detail) from exc


class JWTScheme(SimpleJWTScheme):
    """The OpenAPI description of the classes above: the same as DRF's and simplejwt's."""

    target_class = "common.api.authentication.JWTAuthentication"


class SessionScheme(drf_spectacular_authentication.SessionScheme):
    target_class = "common.api.authentication.SessionAuthentication"
