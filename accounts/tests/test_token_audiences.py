"""Access and refresh tokens name their issuer and different audiences, so that a refresh
token is refused wherever an access token is expected: by the API, and by a partner holding
only the published key set (docs/security.md, "Verifying a token elsewhere"). Revoking a
user's tokens, a role change included, ends them at once (docs/security.md, "Tokens")."""

import re
from pathlib import Path

import jwt
import pytest
from django.conf import settings
from django.urls import reverse
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken

from accounts import services
from accounts.choices import ActivityType, Role
from accounts.models import ActivityLog
from accounts.tests.factories import PASSWORD
from accounts.tokens import AccessToken
from common import jwtkeys
from conftest import client_for

pytestmark = pytest.mark.django_db(databases="__all__")

SECURITY_DOC = Path(settings.BASE_DIR) / "docs/security.md"


def obtain(api_client, user) -> dict:
    response = api_client.post(reverse("auth-token"), {"email": user.email, "password": PASSWORD})
    assert response.status_code == 200, response.json()
    return response.json()


def as_bearer(api_client, token: str):
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return api_client


class PublishedKeys:
    """Stands in for the snippet's `PyJWKClient`: the same lookup by `kid`, in the key set
    the app publishes, fetched once with the test client instead of over the network."""

    def __init__(self, jwks: dict):
        self.keys = jwt.PyJWKSet.from_dict(jwks)

    def get_signing_key_from_jwt(self, token: str) -> jwt.PyJWK:
        header = jwt.get_unverified_header(token)
        try:
            return self.keys[header["kid"]]
        except KeyError as exc:
            raise jwt.PyJWKClientError(f"No key {header.get('kid')!r} in the set") from exc


def partner_verifier(api_client):
    """The verifier docs/security.md gives partners, run as written, with the key set the
    app publishes and the deployment's issuer and audience."""
    doc = SECURITY_DOC.read_text()
    section = doc.split("### Verifying a token elsewhere", 1)[1]
    snippet = re.search(r"```python\n(.*?)```", section, re.DOTALL).group(1)
    namespace: dict = {}
    exec(snippet, namespace)  # the repository's own documentation, run as written
    namespace.update(
        jwks_client=PublishedKeys(api_client.get("/.well-known/jwks.json").json()),
        ISSUER=settings.JWT_ISSUER,
        AUDIENCE=settings.JWT_AUDIENCE,
    )
    return namespace["access_token_claims"]


def signed(claims: dict) -> str:
    """A token signed with the app's own current key: what only the app could issue."""
    current = jwtkeys.key_ring()[0]
    assert current.signing is not None  # the ring's first key is the one that signs
    return jwt.encode(claims, current.signing, algorithm="RS256", headers={"kid": current.kid})


def test_access_and_refresh_tokens_name_the_issuer_and_different_audiences(api_client, customer):
    body = obtain(api_client, customer)

    access, refresh = (
        jwt.decode(body[name], options={"verify_signature": False})
        for name in ("access_token", "refresh_token")
    )

    assert (access["iss"], access["aud"]) == ("autosalon", "autosalon-api")
    assert (refresh["iss"], refresh["aud"]) == ("autosalon", "autosalon-api:refresh")


def test_a_refresh_token_presented_as_a_bearer_token_is_refused_by_the_api(api_client, customer):
    body = obtain(api_client, customer)

    refused = as_bearer(api_client, body["refresh_token"]).get(reverse("users-me"))
    no_ticket = as_bearer(api_client, body["refresh_token"]).post(reverse("auth-ws-ticket"))

    assert refused.status_code == 401
    assert refused.json()["error"]["code"] == "token_not_valid"
    assert no_ticket.status_code == 401
    assert "ticket" not in no_ticket.json()
    # The access token of the same pair is good.
    me = as_bearer(api_client, body["access_token"]).get(reverse("users-me"))
    assert me.json()["id"] == str(customer.pk)


def test_the_verifier_the_docs_give_partners_passes_an_access_token_and_refuses_a_refresh_token(
    api_client, customer
):
    body = obtain(api_client, customer)
    verify = partner_verifier(api_client)

    claims = verify(body["access_token"])

    assert (claims["user_id"], claims["token_type"]) == (str(customer.pk), "access")
    with pytest.raises(jwt.InvalidAudienceError):
        verify(body["refresh_token"])


def test_the_partner_verifier_refuses_a_token_of_another_issuer_or_without_an_audience(
    api_client, customer
):
    claims = dict(AccessToken.for_user(customer).payload)
    verify = partner_verifier(api_client)

    with pytest.raises(jwt.InvalidIssuerError):
        verify(signed({**claims, "iss": "someone-else"}))
    with pytest.raises(jwt.MissingRequiredClaimError):
        verify(signed({key: value for key, value in claims.items() if key != "aud"}))


@pytest.mark.parametrize(
    "change",
    [
        pytest.param({"aud": None}, id="no audience, as tokens issued before it existed"),
        pytest.param({"iss": None}, id="no issuer"),
        pytest.param({"iss": "someone-else"}, id="another issuer"),
        pytest.param({"aud": "autosalon-api:refresh"}, id="an access token for refresh"),
        pytest.param({"aud": ["autosalon-api", "other"]}, id="a list of audiences"),
    ],
)
def test_the_api_refuses_a_token_whose_issuer_or_audience_is_not_its_own(
    api_client, customer, change
):
    claims = {**AccessToken.for_user(customer).payload, **change}
    token = signed({key: value for key, value in claims.items() if value is not None})

    refused = as_bearer(api_client, token).get(reverse("users-me"))
    verified = api_client.post(reverse("auth-token-verify"), {"token": token})

    assert refused.status_code == 401
    assert refused.json()["error"]["code"] == "token_not_valid"
    assert verified.json()["valid"] is False


def test_a_refresh_token_sent_to_verify_is_a_401_not_a_valid_answer(api_client, customer):
    body = obtain(api_client, customer)

    response = api_client.post(reverse("auth-token-verify"), {"token": body["refresh_token"]})

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "token_not_valid"
    assert "valid" not in response.json()


def test_a_refreshed_access_token_keeps_the_access_audience(api_client, customer):
    body = obtain(api_client, customer)

    rotated = api_client.post(
        reverse("auth-token-refresh"), {"refresh_token": body["refresh_token"]}
    ).json()

    access = jwt.decode(rotated["access_token"], options={"verify_signature": False})
    assert access["aud"] == settings.JWT_AUDIENCE
    assert partner_verifier(api_client)(rotated["access_token"])["user_id"] == str(customer.pk)


def test_a_role_change_ends_the_users_access_and_refresh_tokens(api_client, manager, admin_user):
    body = obtain(api_client, manager)
    assert (
        as_bearer(api_client, body["access_token"]).get(reverse("crm-clients")).status_code == 200
    )

    changed = client_for(admin_user).patch(
        reverse("users-role", args=[manager.pk]), {"role": "client"}, format="json"
    )

    manager.refresh_from_db()
    assert changed.status_code == 200
    assert (manager.role, manager.token_version) == ("client", 1)
    refused = as_bearer(api_client, body["access_token"]).get(reverse("users-me"))
    assert refused.status_code == 401
    assert refused.json()["error"]["code"] == "token_not_valid"
    api_client.credentials()
    again = api_client.post(reverse("auth-token-refresh"), {"refresh_token": body["refresh_token"]})
    assert again.json()["error"]["code"] == "refresh_token_invalid"
    assert BlacklistedToken.objects.filter(token__user=manager).count() == 1
    assert ActivityLog.objects.filter(user=manager, type=ActivityType.ROLE_CHANGED).count() == 1
    # Signing in again gives tokens of the new role.
    assert obtain(api_client, manager)["access_token"]
    assert client_for(manager).get(reverse("users-me")).json()["role"] == "client"


@pytest.mark.parametrize(
    "revoke",
    [
        pytest.param(
            lambda user, admin: services.user_role_set(actor=admin, user=user, role=Role.MANAGER),
            id="role change",
        ),
        pytest.param(
            lambda user, admin: services.user_active_set(actor=admin, user=user, is_active=False),
            id="deactivation",
        ),
        pytest.param(lambda user, admin: services.logout_everywhere(user=user), id="logout-all"),
        pytest.param(
            lambda user, admin: services.password_change(
                user=user, old_password=PASSWORD, new_password="An0ther-long-passphrase"
            ),
            id="password change",
        ),
    ],
)
def test_a_websocket_ticket_issued_before_a_revocation_is_refused(customer, admin_user, revoke):
    ticket = services.ws_ticket_issue(user=customer)["ticket"]

    revoke(customer, admin_user)

    assert services.ws_ticket_consume(ticket=ticket) is None
    customer.refresh_from_db()
    assert customer.token_version == 1
