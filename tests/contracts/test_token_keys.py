"""Tokens signed with RS256 and a `kid`, verified by anyone with the published key set alone;
forgeries refused; keys rotated without signing anyone out (docs/security.md, "Token keys")."""

import base64
import hashlib
import hmac
import io
import json
import subprocess
import sys
import time
from datetime import timedelta

import jwt
import pytest
import time_machine
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command
from rest_framework_simplejwt import backends as simplejwt_backends

from accounts.tokens import AccessToken, RefreshToken
from common import jwtkeys

pytestmark = pytest.mark.django_db(databases="__all__")

ME = "/api/v1/users/me"

# A verifier that knows nothing of this project: PyJWT, the key set, the issuer and audience
# it expects (docs/security.md, "Verifying a token elsewhere"), and the token.
VERIFIER = """
import json, sys
import jwt
jwks, token, issuer, audience = json.loads(sys.argv[1]), *sys.argv[2:5]
kid = jwt.get_unverified_header(token)["kid"]
key = jwt.PyJWKSet.from_dict(jwks)[kid]
print(jwt.decode(token, key.key, algorithms=["RS256"], issuer=issuer, audience=audience)["user_id"])
"""


def bearer(api_client, token):
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return api_client.get(ME)


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


@pytest.mark.process
def test_a_token_verifies_with_the_published_public_key_alone(api_client, customer, settings):
    token = str(AccessToken.for_user(customer))
    published = api_client.get("/.well-known/jwks.json")
    addressed = [settings.JWT_ISSUER, settings.JWT_AUDIENCE]

    verified = subprocess.run(
        [sys.executable, "-I", "-c", VERIFIER, json.dumps(published.json()), token, *addressed],
        cwd="/",  # nothing of the project importable, no settings
        env={},
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert verified.returncode == 0, verified.stderr
    assert verified.stdout.strip() == str(customer.pk)
    assert jwt.get_unverified_header(token) == {
        "alg": "RS256",
        "kid": jwtkeys.key_ring()[0].kid,
        "typ": "JWT",
    }
    assert "max-age=300" in published["Cache-Control"] and "public" in published["Cache-Control"]
    assert [key["kid"] for key in published.json()["keys"]] == [jwtkeys.key_ring()[0].kid]
    assert "d" not in published.json()["keys"][0]  # no private part


def forgeries(customer) -> dict[str, str]:
    claims = {**AccessToken.for_user(customer).payload}
    current = jwtkeys.key_ring()[0]
    stranger = jwtkeys.key_load(jwtkeys.private_key_pem())
    # RS256: both sign with a private key, and ours verifies with its public key.
    assert isinstance(current.signing, rsa.RSAPrivateKey)
    assert isinstance(current.verifying, rsa.RSAPublicKey)
    assert isinstance(stranger.signing, rsa.RSAPrivateKey)
    public_pem = current.verifying.public_bytes(
        serialization.Encoding.PEM,
        serialization.PublicFormat.SubjectPublicKeyInfo,
    )
    header = b64(json.dumps({"alg": "HS256", "kid": current.kid, "typ": "JWT"}).encode())
    body = b64(json.dumps(claims).encode())
    confused = hmac.new(public_pem, f"{header}.{body}".encode(), hashlib.sha256).digest()
    none_header = b64(json.dumps({"alg": "none", "kid": current.kid}).encode())
    return {
        "another key, our kid": jwt.encode(
            claims, stranger.signing, algorithm="RS256", headers={"kid": current.kid}
        ),
        "another key, its own kid": jwt.encode(
            claims, stranger.signing, algorithm="RS256", headers={"kid": stranger.kid}
        ),
        "alg none": f"{none_header}.{body}.",
        "HS256 keyed with the public key": f"{header}.{body}.{b64(confused)}",
        "no kid": jwt.encode(claims, current.signing, algorithm="RS256"),
    }


def test_forged_tokens_are_refused(api_client, customer):
    assert bearer(api_client, AccessToken.for_user(customer)).status_code == 200
    for name, token in forgeries(customer).items():
        response = bearer(api_client, token)
        assert response.status_code == 401, name
        assert response.json()["success"] is False


def test_after_a_rotation_old_tokens_work_until_they_expire_and_new_ones_use_the_new_key(
    settings, tmp_path, api_client, customer
):
    old_access = str(AccessToken.for_user(customer))
    old_refresh = str(RefreshToken.for_user(customer))
    old_kid = jwtkeys.key_ring()[0].kid
    new_file = tmp_path / "jwt-2.pem"
    call_command("jwt_key_create", str(new_file), stdout=io.StringIO())

    settings.JWT_PREVIOUS_KEY_FILES = [settings.JWT_PRIVATE_KEY_FILE]
    settings.JWT_PRIVATE_KEY_FILE = str(new_file)

    new_access = str(AccessToken.for_user(customer))
    new_kid = jwt.get_unverified_header(new_access)["kid"]
    assert new_kid != old_kid and new_kid == jwtkeys.key_load(new_file.read_bytes()).kid
    published = [key["kid"] for key in api_client.get("/.well-known/jwks.json").json()["keys"]]
    assert published == [new_kid, old_kid]
    assert bearer(api_client, old_access).status_code == 200
    assert bearer(api_client, new_access).status_code == 200
    refreshed = api_client.post(
        "/api/v1/auth/token/refresh", {"refresh_token": old_refresh}, format="json"
    )
    assert refreshed.status_code == 200, refreshed.content
    assert jwt.get_unverified_header(refreshed.json()["access_token"])["kid"] == new_kid

    settings.JWT_PREVIOUS_KEY_FILES = []  # the old key retired, its tokens expired
    assert bearer(api_client, old_access).status_code == 401
    assert bearer(api_client, new_access).status_code == 200


def test_hs256_stays_available_for_a_single_service(settings, api_client, customer):
    settings.JWT_ALGORITHM = "HS256"

    token = str(AccessToken.for_user(customer))

    assert jwt.get_unverified_header(token)["alg"] == "HS256"
    assert bearer(api_client, token).status_code == 200
    assert api_client.get("/.well-known/jwks.json").json() == {"keys": []}


def test_the_key_command_never_overwrites_a_key(tmp_path):
    path = tmp_path / "jwt.pem"
    call_command("jwt_key_create", str(path), stdout=io.StringIO())
    first = path.read_bytes()

    with pytest.raises(CommandError, match="exists already"):
        call_command("jwt_key_create", str(path), stdout=io.StringIO())
    assert path.read_bytes() == first
    assert oct(path.stat().st_mode & 0o777) == "0o600"


def test_make_run_makes_its_development_key_on_first_use_and_production_never(
    settings, tmp_path, customer
):
    settings.JWT_PRIVATE_KEY_FILE = str(tmp_path / "var" / "jwt-signing-key.pem")

    token = str(AccessToken.for_user(customer))

    made = tmp_path / "var" / "jwt-signing-key.pem"
    assert oct(made.stat().st_mode & 0o777) == "0o600"
    assert jwt.get_unverified_header(token)["kid"] == jwtkeys.key_load(made.read_bytes()).kid
    settings.JWT_PRIVATE_KEY_CREATE = False
    settings.JWT_PRIVATE_KEY_FILE = str(tmp_path / "missing.pem")
    with pytest.raises(ImproperlyConfigured, match="Cannot read JWT_PRIVATE_KEY_FILE"):
        str(AccessToken.for_user(customer))  # signed when written out


def test_a_verified_token_is_not_verified_again_until_it_expires(api_client, customer, monkeypatch):
    verifications = []
    real_decode = simplejwt_backends.jwt.decode

    def decode(token, *args, **kwargs):
        verifications.append(token.decode() if isinstance(token, bytes) else token)
        return real_decode(token, *args, **kwargs)

    monkeypatch.setattr(simplejwt_backends.jwt, "decode", decode)
    token = AccessToken.for_user(customer)
    token.set_exp(lifetime=timedelta(seconds=2))
    token = str(token)

    answers = [bearer(api_client, token).status_code for _ in range(3)]
    assert answers == [200, 200, 200] and verifications == [token]

    with time_machine.travel(time.time() + 3):  # past the token's two seconds
        expired = bearer(api_client, token)
    assert expired.status_code == 401 and expired.json()["error"]["code"] == "token_not_valid"
    assert verifications == [token, token]  # verified afresh, and refused


def test_a_revoked_token_verified_before_is_refused_at_once(api_client, customer):
    from accounts import services

    token = str(AccessToken.for_user(customer))
    assert bearer(api_client, token).status_code == 200

    services.tokens_revoke_all(user=customer)

    assert bearer(api_client, token).status_code == 401
