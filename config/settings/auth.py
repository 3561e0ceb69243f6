"""AUTHENTICATION: the user model, password hashing, and the API's tokens, their keys and
audiences (docs/security.md, "Token keys"); Google sign-in is accounts/settings.py's."""

from datetime import timedelta

from django.core.exceptions import ImproperlyConfigured

from common.environment import env
from config.settings.general import SECRET_KEY, VAR_DIR

# AUTHENTICATION
# ------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "accounts.lockout.LockoutBackend",  # Django's ModelBackend, behind the lockout
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
PASSWORD_RESET_TIMEOUT = env.int("PASSWORD_RESET_TIMEOUT", default=60 * 60 * 3)
PHONENUMBER_DEFAULT_REGION = env.str("PHONENUMBER_DEFAULT_REGION", default="RU")

JWT_ACCESS_TOKEN_LIFETIME = timedelta(seconds=env.int("JWT_ACCESS_TOKEN_LIFETIME", default=300))
JWT_REFRESH_TOKEN_LIFETIME = timedelta(
    seconds=env.int("JWT_REFRESH_TOKEN_LIFETIME", default=7 * 24 * 3600)
)
# Token keys (common/jwtkeys.py, docs/security.md "Token keys"): RS256 with the private key
# in JWT_PRIVATE_KEY (PEM) or the file JWT_PRIVATE_KEY_FILE; the public keys of a rotation's
# previous keys in JWT_PREVIOUS_KEY_FILES. HS256 signs with JWT_SIGNING_KEY instead.
JWT_ALGORITHM = env.str("JWT_ALGORITHM", default="RS256")
if JWT_ALGORITHM not in ("RS256", "HS256"):
    raise ImproperlyConfigured("JWT_ALGORITHM is RS256 or HS256.")
JWT_PRIVATE_KEY = env.str("JWT_PRIVATE_KEY", default="", multiline=True)
JWT_PRIVATE_KEY_FILE = env.str("JWT_PRIVATE_KEY_FILE", default=str(VAR_DIR / "jwt-signing-key.pem"))
JWT_PREVIOUS_KEY_FILES = env.list("JWT_PREVIOUS_KEY_FILES", default=[])
# A missing key file is made on first use, for `make run` and the tests; production refuses.
JWT_PRIVATE_KEY_CREATE = True
# Who issues the tokens (`iss`) and whom each kind is for (`aud`), so that a verifier holding
# only the key set tells an access token from a refresh token (docs/security.md "Verifying
# a token elsewhere"): access tokens name JWT_AUDIENCE, refresh tokens JWT_REFRESH_AUDIENCE.
JWT_ISSUER = env.str("JWT_ISSUER", default="autosalon")
JWT_AUDIENCE = env.str("JWT_AUDIENCE", default="autosalon-api")
JWT_REFRESH_AUDIENCE = env.str("JWT_REFRESH_AUDIENCE", default=f"{JWT_AUDIENCE}:refresh")
if JWT_REFRESH_AUDIENCE == JWT_AUDIENCE:
    raise ImproperlyConfigured("JWT_REFRESH_AUDIENCE must differ from JWT_AUDIENCE.")
SIMPLE_JWT = {
    "ALGORITHM": JWT_ALGORITHM,
    "ACCESS_TOKEN_LIFETIME": JWT_ACCESS_TOKEN_LIFETIME,
    "REFRESH_TOKEN_LIFETIME": JWT_REFRESH_TOKEN_LIFETIME,
    "ROTATE_REFRESH_TOKENS": True,
    "BLACKLIST_AFTER_ROTATION": True,
    "UPDATE_LAST_LOGIN": False,
    "SIGNING_KEY": env.str("JWT_SIGNING_KEY", default=SECRET_KEY),
    "AUTH_HEADER_TYPES": ("Bearer",),
    "USER_ID_FIELD": "id",
    "USER_ID_CLAIM": "user_id",
    # Tokens carry the user's token version instead of a hash of the password
    # (accounts/tokens.py): a new version invalidates them at once.
    "CHECK_REVOKE_TOKEN": False,
}
WS_TICKET_TTL_SECONDS = 30
