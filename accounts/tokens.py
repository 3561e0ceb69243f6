"""The API's tokens: simplejwt's, with the user's token version (`ver`) in place of its
password-hash claim. Signing in again after a password change, a logout from every device
or a deactivation needs a new version, so that every earlier token stops working at once
(docs/security.md, "Tokens"), and nothing in a token is derived from the password.

Each token also names its issuer (`iss`) and the audience of its type (`aud`): a refresh
token is not addressed to the API, so a verifier that checks `aud` refuses it where an
access token is expected (docs/security.md, "Verifying a token elsewhere"). The key ring's
backend checks both on every decode (common.jwtkeys)."""

from django.conf import settings
from rest_framework_simplejwt import tokens

from common.authentication import TOKEN_VERSION_CLAIM
from common.jwtkeys import audience


class _Addressed:
    """A new token names the issuer and its type's audience."""

    def __init__(self, token=None, verify: bool = True):
        super().__init__(token, verify)
        if token is None:
            self.payload["iss"] = settings.JWT_ISSUER
            self.payload["aud"] = audience(self.token_type)


class AccessToken(_Addressed, tokens.AccessToken):
    @classmethod
    def for_user(cls, user):
        token = super().for_user(user)
        token[TOKEN_VERSION_CLAIM] = user.token_version
        return token


class RefreshToken(_Addressed, tokens.RefreshToken):
    access_token_class = AccessToken
    # The access token made from a refresh token keeps its own audience.
    no_copy_claims = (*tokens.RefreshToken.no_copy_claims, "aud", "iss")

    @classmethod
    def for_user(cls, user):
        token = super().for_user(user)
        token[TOKEN_VERSION_CLAIM] = user.token_version
        return token
