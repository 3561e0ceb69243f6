"""A local OpenID Connect provider standing in for Google: its own RSA key pair, discovery
document, authorization, token and key-set endpoints, served on loopback by a thread.

It checks what Google checks: the client's id and secret, the redirect URI, the PKCE
verifier against the challenge (S256 only), and that a code is used once. The person who
signs in is `account`; `id_token_overrides` changes the next ID tokens' claims, and
`sign_with` the key that signs them, so that a test can hand the client a bad token."""

import base64
import functools
import hashlib
import json
import secrets
import time
from http.server import BaseHTTPRequestHandler
from urllib.parse import parse_qsl, urlencode, urlsplit

import jwt
import requests
from cryptography.hazmat.primitives.asymmetric import rsa

from tests.loopback import LoopbackServer


def _new_key():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


_provider_key = functools.cache(_new_key)  # one per test run: making RSA keys is slow


class OidcProvider(LoopbackServer):
    client_id = "autosalon-stand-in-client"
    client_secret = "stand-in-secret"
    kid = "stand-in-1"

    def __init__(self):
        self.key = _provider_key()
        self.sign_with = self.key
        self.account = {
            "sub": "110248495921238986420",
            "email": "anna.petrova@gmail.example",
            "email_verified": True,
            "name": "Anna Petrova",
        }
        self.id_token_overrides: dict = {}
        self.codes: dict[str, dict] = {}
        self.authorization_requests: list[dict] = []
        self.token_requests: list[dict] = []
        super().__init__(_handler_for(self))
        self.issuer = self.base_url
        self.discovery_url = f"{self.issuer}/.well-known/openid-configuration"

    @staticmethod
    def other_key():
        """A key this provider never publishes."""
        return _new_key()

    def sign_in(self, authorization_url: str) -> dict:
        """What the person's browser does at the provider: the query the provider sends it
        back to the redirect URI with (`code` and `state`)."""
        response = requests.get(authorization_url, allow_redirects=False, timeout=5)
        assert response.status_code == 302, response.text
        return dict(parse_qsl(urlsplit(response.headers["Location"]).query))

    # -- the provider's side ------------------------------------------------------------
    def discovery(self) -> dict:
        return {
            "issuer": self.issuer,
            "authorization_endpoint": f"{self.issuer}/authorize",
            "token_endpoint": f"{self.issuer}/token",
            "jwks_uri": f"{self.issuer}/jwks",
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "code_challenge_methods_supported": ["S256"],
            "scopes_supported": ["openid", "email", "profile"],
        }

    def jwks(self) -> dict:
        public = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(self.key.public_key()))
        return {"keys": [{**public, "kid": self.kid, "use": "sig", "alg": "RS256"}]}

    def authorize(self, query: dict) -> tuple[int, dict]:
        self.authorization_requests.append(query)
        if (
            query.get("response_type") != "code"
            or query.get("client_id") != self.client_id
            or "openid" not in query.get("scope", "").split()
            or query.get("code_challenge_method") != "S256"
            or not query.get("code_challenge")
            or not query.get("redirect_uri")
        ):
            return 400, {"error": "invalid_request"}
        code = secrets.token_urlsafe(24)
        self.codes[code] = {
            "redirect_uri": query["redirect_uri"],
            "code_challenge": query["code_challenge"],
            "nonce": query.get("nonce"),
            "account": dict(self.account),
        }
        back = urlencode({"code": code, "state": query.get("state", "")})
        return 302, {"Location": f"{query['redirect_uri']}?{back}"}

    def token(self, form: dict, authorization: str) -> tuple[int, dict]:
        self.token_requests.append(form)
        expected = base64.b64encode(f"{self.client_id}:{self.client_secret}".encode()).decode()
        if authorization != f"Basic {expected}":
            return 401, {"error": "invalid_client"}
        grant = self.codes.pop(form.get("code", ""), None)  # a code works once
        verifier = form.get("code_verifier", "")
        challenge = (
            base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
            .rstrip(b"=")
            .decode()
        )
        if (
            grant is None
            or form.get("grant_type") != "authorization_code"
            or form.get("redirect_uri") != grant["redirect_uri"]
            or challenge != grant["code_challenge"]
        ):
            return 400, {"error": "invalid_grant"}
        now = int(time.time())
        claims = {
            "iss": self.issuer,
            "aud": self.client_id,
            "iat": now,
            "exp": now + 3600,
            "nonce": grant["nonce"],
            **grant["account"],
            **self.id_token_overrides,
        }
        id_token = jwt.encode(claims, self.sign_with, algorithm="RS256", headers={"kid": self.kid})
        return 200, {
            "access_token": secrets.token_urlsafe(24),
            "token_type": "Bearer",
            "expires_in": 3600,
            "scope": "openid email profile",
            "id_token": id_token,
        }


def _handler_for(provider: OidcProvider):
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            url = urlsplit(self.path)
            query = dict(parse_qsl(url.query))
            if url.path == "/.well-known/openid-configuration":
                self._json(200, provider.discovery())
            elif url.path == "/jwks":
                self._json(200, provider.jwks())
            elif url.path == "/authorize":
                status, body = provider.authorize(query)
                if status == 302:
                    self.send_response(302)
                    self.send_header("Location", body["Location"])
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                else:
                    self._json(status, body)
            else:
                self._json(404, {"error": "not_found"})

        def do_POST(self):
            length = int(self.headers.get("Content-Length") or 0)
            form = dict(parse_qsl(self.rfile.read(length).decode()))
            if urlsplit(self.path).path == "/token":
                self._json(*provider.token(form, self.headers.get("Authorization", "")))
            else:
                self._json(404, {"error": "not_found"})

        def _json(self, status: int, body: dict):
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args):
            pass

    return Handler
