"""The API's tokens: simplejwt's, with the user's token version (`ver`) in place of its
password-hash claim. Signing in again after a password change, a logout from every device
or a deactivation needs a new version, so that every earlier token stops working at once
(docs/security.md, "Tokens"), and nothing in a token is derived from the password."""

from rest_framework_simplejwt import tokens

from common.authentication import TOKEN_VERSION_CLAIM


class AccessToken(tokens.AccessToken):
    @classmethod
    def for_user(cls, user):
        token = super().for_user(user)
        token[TOKEN_VERSION_CLAIM] = user.token_version
        return token


class RefreshToken(tokens.RefreshToken):
    access_token_class = AccessToken

    @classmethod
    def for_user(cls, user):
        token = super().for_user(user)
        token[TOKEN_VERSION_CLAIM] = user.token_version
        return token
