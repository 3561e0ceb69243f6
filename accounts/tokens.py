"""The API's tokens: simplejwt's, with the user's token version (`ver`) in place of its
password-hash claim. Signing in again after a password change, a logout from every device
or a deactivation needs a new version, so that every earlier token stops working at once
(docs/security.md, "Tokens"), and nothing in a token is derived from the password.

Each token also names its issuer (`iss`) and the audience of its type (`aud`): a refresh
token is not addressed to the API, so a verifier that checks `aud` refuses it where an
access token is expected (docs/security.md, "Verifying a token elsewhere"). The key ring's
backend checks both on every decode (common.jwtkeys)."""

from typing import Self, cast

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from rest_framework_simplejwt import tokens
from rest_framework_simplejwt.models import TokenUser
from rest_framework_simplejwt.tokens import AuthUser

from accounts.models import User
from common.api.authentication import TOKEN_VERSION_CLAIM
from common.jwtkeys import audience


def _encoded(token: str | None) -> tokens.Token | None:
    """`token` as simplejwt's classes are annotated to take it: they decode the JWT's text,
    but annotate it as a `Token` (jazzband/djangorestframework-simplejwt#787)."""
    return cast("tokens.Token | None", token)


def _token_version(user: AbstractBaseUser | TokenUser) -> int:
    """The user's token version; simplejwt's `for_user` takes any user, only ours have one."""
    if not isinstance(user, User):
        raise TypeError(f"Tokens are for accounts' users, not for a {type(user).__name__}.")
    return user.token_version


def _address(token: tokens.Token) -> None:
    """Name the issuer and the audience of the token's type."""
    assert token.token_type is not None  # Token() refuses a class without one
    token["iss"] = settings.JWT_ISSUER
    token["aud"] = audience(token.token_type)


class _Addressed(tokens.Token):
    """A new token names the issuer and its type's audience."""

    def __init__(self, token: str | None = None, verify: bool = True) -> None:
        super().__init__(_encoded(token), verify)
        if token is None:
            _address(self)


class AccessToken(_Addressed, tokens.AccessToken):
    @classmethod
    def for_user(cls, user: AuthUser) -> Self:
        token = super().for_user(user)
        token[TOKEN_VERSION_CLAIM] = _token_version(user)
        return token


class RefreshToken(_Addressed, tokens.RefreshToken):
    access_token_class: type[tokens.AccessToken] = AccessToken

    @property
    def access_token(self) -> tokens.AccessToken:
        """simplejwt's, which copies every claim of the refresh token but its type, times and
        id: the access token keeps its own issuer and audience."""
        access = super().access_token
        _address(access)
        return access

    @classmethod
    def for_user(cls, user: AuthUser) -> Self:
        token = super().for_user(user)
        assert isinstance(token, cls)  # `cls()`, which simplejwt's mixin types as its own class
        token[TOKEN_VERSION_CLAIM] = _token_version(user)
        return token


class UntypedToken(tokens.UntypedToken):
    """simplejwt's, which checks a token's signature and expiry whatever its type."""

    def __init__(self, token: str, verify: bool = True) -> None:
        super().__init__(_encoded(token), verify)
