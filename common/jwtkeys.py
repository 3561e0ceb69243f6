"""The keys that sign and verify the API's tokens (docs/security.md, "Token keys").

RS256 by default: the current private key signs, and the public halves, published as a JWKS at
`/.well-known/jwks.json`, are all another service needs to verify a token. Every token names
its key in the `kid` header (the key's RFC 7638 thumbprint), so that during a rotation the
previous keys (JWT_PREVIOUS_KEY_FILES) still verify the tokens they signed while new tokens
are signed with the new one. JWT_ALGORITHM=HS256 keeps a shared secret (JWT_SIGNING_KEY) for a
deployment where nothing else verifies tokens; its JWKS is empty.

simplejwt 5.5 signs without a `kid` and verifies with one key, and no longer lets a setting
name the backend class, so `install()` puts `KeyRingTokenBackend` in its place at start-up
(`CommonConfig.ready`); every token class of simplejwt uses it from then on."""

import base64
import hashlib
import json
import os
import tempfile
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from jwt.algorithms import RSAAlgorithm
from rest_framework_simplejwt import state
from rest_framework_simplejwt.backends import TokenBackend
from rest_framework_simplejwt.exceptions import TokenBackendError
from rest_framework_simplejwt.tokens import Token

RSA_KEY_BITS = 2048


@dataclass(frozen=True)
class Key:
    kid: str
    # The private key (or the HS256 secret); None for a key that only verifies.
    signing: rsa.RSAPrivateKey | str | None
    verifying: rsa.RSAPublicKey | str  # the public key (or the HS256 secret)


def private_key_pem() -> bytes:
    key = rsa.generate_private_key(public_exponent=65537, key_size=RSA_KEY_BITS)
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def key_file_create(path: Path) -> bool:
    """Write a new private key to `path` (mode 0600) unless a file is there already; two
    processes racing to create it end up with the same one. Returns True if it wrote it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=path.parent, delete=False) as draft:
        draft.write(private_key_pem())
    os.chmod(draft.name, 0o600)
    try:
        os.link(draft.name, path)  # atomic, and refuses to replace a key
        return True
    except FileExistsError:
        return False
    finally:
        os.unlink(draft.name)


def thumbprint(public_key: rsa.RSAPublicKey) -> str:
    """RFC 7638: the SHA-256 of the key's required JWK members, in order, base64url."""
    jwk = RSAAlgorithm.to_jwk(public_key, as_dict=True)
    canonical = json.dumps({name: jwk[name] for name in ("e", "kty", "n")}, separators=(",", ":"))
    digest = hashlib.sha256(canonical.encode()).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def key_load(pem: bytes) -> Key:
    """A private key (signs and verifies) or a public key (verifies only), RSA."""
    try:
        private = serialization.load_pem_private_key(pem, password=None)
        public = private.public_key()
    except ValueError:
        private, public = None, serialization.load_pem_public_key(pem)
    # (A private key whose public half is RSA's is RSA's.)
    if not isinstance(public, rsa.RSAPublicKey) or not isinstance(
        private, rsa.RSAPrivateKey | None
    ):
        raise ImproperlyConfigured("JWT keys must be RSA keys (RS256).")
    return Key(kid=thumbprint(public), signing=private, verifying=public)


def _current_pem() -> bytes:
    pem: str = settings.JWT_PRIVATE_KEY
    if pem:
        return pem.encode()
    path = Path(settings.JWT_PRIVATE_KEY_FILE)
    if not path.exists() and settings.JWT_PRIVATE_KEY_CREATE:
        key_file_create(path)
    try:
        return path.read_bytes()
    except OSError as exc:
        raise ImproperlyConfigured(f"Cannot read JWT_PRIVATE_KEY_FILE {path}: {exc}") from exc


@cache
def key_ring() -> tuple[Key, ...]:
    """The signing key first, then every key that still verifies."""
    if settings.JWT_ALGORITHM == "HS256":
        secret = settings.SIMPLE_JWT["SIGNING_KEY"]
        kid = "hs-" + hashlib.sha256(secret.encode()).hexdigest()[:16]
        return (Key(kid=kid, signing=secret, verifying=secret),)
    current = key_load(_current_pem())
    if current.signing is None:
        raise ImproperlyConfigured("The current JWT key must be a private key.")
    previous = [key_load(Path(path).read_bytes()) for path in settings.JWT_PREVIOUS_KEY_FILES]
    return (current, *[key for key in previous if key.kid != current.kid])


def jwks() -> dict[str, list[dict[str, Any]]]:
    """The public keys, as a JSON Web Key Set."""
    if settings.JWT_ALGORITHM == "HS256":
        return {"keys": []}
    return {
        "keys": [
            {
                **RSAAlgorithm.to_jwk(key.verifying, as_dict=True),
                "kid": key.kid,
                "use": "sig",
                "alg": "RS256",
            }
            for key in key_ring()
            if isinstance(key.verifying, rsa.RSAPublicKey)  # all of them, under RS256
        ]
    }


def audience(token_type: str | None) -> str | None:
    """The `aud` a token of this type names (docs/security.md, "Verifying a token
    elsewhere"): access and refresh tokens differ, so that neither passes for the other."""
    audiences: dict[str | None, str] = {
        "access": settings.JWT_AUDIENCE,
        "refresh": settings.JWT_REFRESH_AUDIENCE,
    }
    return audiences.get(token_type)


# What simplejwt hands its backend to decode, annotated `Token` there: the encoded token.
RawToken = str | bytes


class KeyRingTokenBackend(TokenBackend):
    """simplejwt's backend, signing with the current key and naming it in `kid`, verifying
    with the key a token names. Only JWT_ALGORITHM is accepted, so neither `alg: none` nor
    HS256 keyed with a public key passes. A verified token must name JWT_ISSUER and the
    audience of its `token_type`: a token without them (issued before they existed) or a
    refresh token relabelled is refused."""

    def encode(self, payload: dict[str, Any]) -> str:
        current = key_ring()[0]
        assert current.signing is not None  # `key_ring` refuses a current key that cannot sign
        return jwt.encode(
            payload,
            current.signing,
            algorithm=self.algorithm,
            headers={"kid": current.kid},
            json_encoder=self.json_encoder,
        )

    # Tokens whose signature this process has verified, newest last (docs/security.md,
    # "Tokens"): about a kilobyte each.
    VERIFIED_TOKENS = 4096

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._verified: OrderedDict[Token, dict[str, Any]] = OrderedDict()
        self._verified_lock = threading.Lock()

    def decode(self, token: Token, verify: bool = True) -> dict[str, Any]:
        """simplejwt's, remembering the claims of the tokens it has verified: a token's
        signature and claims never change, so a token seen before is not verified again
        while it has not expired (an RS256 check was about a twentieth of an order
        creation's CPU). Revocation does not depend on it: the token version is checked
        against the user at every request (common.api.authentication)."""
        if not verify:
            return super().decode(token, verify=False)
        with self._verified_lock:
            claims = self._verified.get(token)
            if claims is not None:
                self._verified.move_to_end(token)
        if (
            claims is None
            or claims.get("exp", 0) <= time.time() - self.get_leeway().total_seconds()
        ):
            claims = super().decode(token)  # raises for an expired or forged token
            if claims.get("aud") != audience(claims.get("token_type")):
                raise TokenBackendError("Token is invalid")
            with self._verified_lock:
                self._verified[token] = claims
                if len(self._verified) > self.VERIFIED_TOKENS:
                    self._verified.popitem(last=False)
        return dict(claims)

    def get_verifying_key(self, token: Token | RawToken) -> rsa.RSAPublicKey | str:
        if isinstance(token, Token):  # not an encoded token (see RawToken)
            raise TokenBackendError("Token is invalid")  # as PyJWT's DecodeError would be
        try:
            kid = jwt.get_unverified_header(token).get("kid")
        except jwt.InvalidTokenError as exc:
            raise TokenBackendError("Token is invalid") from exc
        for key in key_ring():
            if key.kid == kid:
                return key.verifying
        raise TokenBackendError("Token is signed with an unknown key")


def settings_changed(*, setting: str, **kwargs: Any) -> None:
    """Tests that change a JWT setting get a key ring made from it (and the old one back)."""
    if setting.startswith("JWT_") or setting == "SIMPLE_JWT":
        install()


def install() -> None:
    key_ring.cache_clear()
    state.token_backend = KeyRingTokenBackend(
        settings.JWT_ALGORITHM,
        audience=[settings.JWT_AUDIENCE, settings.JWT_REFRESH_AUDIENCE],
        issuer=settings.JWT_ISSUER,
        leeway=state.api_settings.LEEWAY,
        json_encoder=state.api_settings.JSON_ENCODER,
    )
