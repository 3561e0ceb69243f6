"""DRF's authentication classes of the API, tagging the request's log lines with the user
(common/logging.py)."""

from drf_spectacular import authentication as drf_spectacular_authentication
from drf_spectacular.contrib.rest_framework_simplejwt import SimpleJWTScheme
from rest_framework import authentication
from rest_framework_simplejwt import authentication as jwt
from rest_framework_simplejwt.exceptions import InvalidToken

from common.logging import user_bind


class _UserLogged:
    def authenticate(self, request):
        result = super().authenticate(request)
        if result is not None:
            user_bind(result[0])
        return result


# The claim that carries the user's token version (accounts/tokens.py): a token whose version
# is not the user's current one was revoked.
TOKEN_VERSION_CLAIM = "ver"


class JWTAuthentication(_UserLogged, jwt.JWTAuthentication):
    def get_user(self, validated_token):
        user = super().get_user(validated_token)
        if validated_token.get(TOKEN_VERSION_CLAIM) != user.token_version:
            raise InvalidToken("The token was revoked.")
        return user


class SessionAuthentication(_UserLogged, authentication.SessionAuthentication):
    """The staff dashboard's page session: CSRF-checked on every unsafe request."""


class JWTScheme(SimpleJWTScheme):
    """The OpenAPI description of the classes above: the same as DRF's and simplejwt's."""

    target_class = JWTAuthentication


class SessionScheme(drf_spectacular_authentication.SessionScheme):
    target_class = SessionAuthentication
