"""Google sign-in (accounts/oidc.py, docs/security.md "Google sign-in") against a local
OpenID provider standing in for Google (tests/oidc_provider.py): the code flow with state,
PKCE and nonce, the account rules, and every way a callback is refused."""

import re
import time

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import ActivityLog, ExternalIdentity, OutboxEvent, User
from accounts.tests.factories import PASSWORD, UserFactory
from accounts.tests.google import CALLBACK, START, google_flow, me, sign_in_with_google

pytestmark = pytest.mark.django_db(databases="__all__")


def test_a_first_google_sign_in_creates_a_client_and_the_second_reuses_it(oidc_provider):
    first = sign_in_with_google(oidc_provider)

    assert first.status_code == 200, first.content
    user = User.objects.get(email="anna.petrova@gmail.example")
    assert (user.role, user.full_name, user.has_usable_password()) == (
        "client",
        "Anna Petrova",
        False,
    )
    identity = ExternalIdentity.objects.get(user=user)
    assert (identity.provider, identity.subject) == ("google", oidc_provider.account["sub"])
    assert OutboxEvent.objects.filter(type="user.created", aggregate_id=user.pk).count() == 1
    assert me(first.json())["id"] == str(user.pk)

    second = sign_in_with_google(oidc_provider)

    assert second.status_code == 200, second.content
    assert me(second.json())["id"] == str(user.pk)
    assert User.objects.filter(email__iexact="anna.petrova@gmail.example").count() == 1
    assert ExternalIdentity.objects.count() == 1
    refresh = APIClient().post(
        "/api/v1/auth/token/refresh", {"refresh_token": second.json()["refresh_token"]}
    )
    assert refresh.status_code == 200, refresh.content


def test_the_flow_sends_pkce_s256_and_a_nonce_and_keeps_the_verifier_off_the_url(
    oidc_provider,
):
    browser, back = google_flow(oidc_provider)
    asked = oidc_provider.authorization_requests[-1]

    assert asked["code_challenge_method"] == "S256"
    assert asked["nonce"] and asked["state"] == back["state"]
    assert "code_verifier" not in asked
    browser.get(CALLBACK, back)
    exchanged = oidc_provider.token_requests[-1]
    assert len(exchanged["code_verifier"]) >= 43
    assert exchanged["code_verifier"] not in str(asked)


def test_the_start_cookie_is_signed_httponly_samesite_and_expires_in_ten_minutes(oidc_provider):
    started = APIClient().post(START)
    cookie = started.cookies["autosalon_oidc"]

    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"
    assert cookie["max-age"] == 600
    assert started.json()["expires_in"] == 600
    assert ":" in cookie.value  # Django's signature follows the value


def test_a_browser_can_start_with_a_plain_redirect(oidc_provider):
    browser = APIClient()
    redirected = browser.get(START)

    assert redirected.status_code == 302
    assert redirected["Location"].startswith(f"{oidc_provider.issuer}/authorize?")
    back = oidc_provider.sign_in(redirected["Location"])
    assert browser.get(CALLBACK, back).status_code == 200


def test_a_front_end_may_post_the_code_and_state(oidc_provider):
    browser, back = google_flow(oidc_provider)

    finished = browser.post(CALLBACK, back)

    assert finished.status_code == 200, finished.content
    assert finished.json()["token_type"] == "Bearer"


# REFUSALS: each with a clear code, and no user or link made
# ------------------------------------------------------------------------------
def refused(response, status: int, code: str) -> None:
    assert response.status_code == status, response.content
    assert response.json()["error"]["code"] == code
    assert not User.objects.filter(email__iexact="anna.petrova@gmail.example").exists()
    assert ExternalIdentity.objects.count() == 0


def test_a_callback_without_state_is_refused(oidc_provider):
    browser, back = google_flow(oidc_provider)

    refused(browser.get(CALLBACK, {"code": back["code"]}), 400, "oauth_state_invalid")


def test_an_unknown_state_is_refused(oidc_provider):
    browser, back = google_flow(oidc_provider)

    refused(browser.get(CALLBACK, {**back, "state": "made-up"}), 400, "oauth_state_invalid")


def test_a_reused_state_is_refused(oidc_provider):
    browser, back = google_flow(oidc_provider)
    assert browser.get(CALLBACK, back).status_code == 200
    users = User.objects.count()

    again = browser.get(CALLBACK, back)

    assert again.status_code == 400
    assert again.json()["error"]["code"] == "oauth_state_invalid"
    assert User.objects.count() == users


def test_a_state_from_another_browser_is_refused(oidc_provider):
    _, back = google_flow(oidc_provider)

    refused(APIClient().get(CALLBACK, back), 400, "oauth_state_invalid")


def test_an_expired_state_is_refused(oidc_provider, settings):
    settings.OIDC_STATE_TTL_SECONDS = 1
    browser, back = google_flow(oidc_provider)
    time.sleep(1.5)

    refused(browser.get(CALLBACK, back), 400, "oauth_state_invalid")


def test_a_code_exchanged_with_another_flows_pkce_verifier_is_refused(oidc_provider):
    # Given an attacker's browser with a flow of its own, and a victim's code
    _, victims = google_flow(oidc_provider)
    attacker, attackers = google_flow(oidc_provider)

    # When the attacker plays the victim's code into their own flow
    response = attacker.get(CALLBACK, {"code": victims["code"], "state": attackers["state"]})

    # Then the provider refuses the verifier, and so does this system
    refused(response, 400, "oauth_code_invalid")
    assert oidc_provider.token_requests[-1]["code"] == victims["code"]


@pytest.mark.parametrize(
    "overrides",
    [
        pytest.param({"nonce": "not-the-flows-nonce"}, id="wrong nonce"),
        pytest.param(
            {"exp": int(time.time()) - 3600, "iat": int(time.time()) - 7200}, id="expired"
        ),
        pytest.param({"aud": "another-client"}, id="foreign audience"),
        pytest.param({"iss": "https://impostor.example"}, id="foreign issuer"),
    ],
)
def test_an_id_token_with_a_bad_claim_is_refused(oidc_provider, overrides):
    oidc_provider.id_token_overrides = overrides

    refused(sign_in_with_google(oidc_provider), 400, "id_token_invalid")


def test_an_id_token_signed_with_a_key_the_provider_does_not_publish_is_refused(oidc_provider):
    oidc_provider.sign_with = oidc_provider.other_key()

    refused(sign_in_with_google(oidc_provider), 400, "id_token_invalid")


def test_an_unverified_google_email_is_neither_linked_nor_signed_up(oidc_provider):
    oidc_provider.account["email_verified"] = False

    refused(sign_in_with_google(oidc_provider), 403, "identity_email_unverified")


def test_an_unverified_email_that_matches_a_user_links_nothing(oidc_provider):
    owner = UserFactory(email="anna.petrova@gmail.example")
    oidc_provider.account["email_verified"] = False

    response = sign_in_with_google(oidc_provider)

    assert response.status_code == 403
    assert not ExternalIdentity.objects.filter(user=owner).exists()
    assert mail.outbox == []


def test_a_person_who_declines_at_google_gets_a_clear_error(oidc_provider):
    browser, back = google_flow(oidc_provider)

    refused(
        browser.get(CALLBACK, {"error": "access_denied", "state": back["state"]}),
        400,
        "oauth_denied",
    )


def test_an_unconfigured_provider_is_a_404_in_the_envelope(settings):
    settings.GOOGLE_CLIENT_ID = ""

    response = APIClient().post(START)

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "sign_in_provider_not_configured"


@pytest.mark.parametrize("broken", ["issuer", "authorization_endpoint"])
def test_a_provider_whose_discovery_document_is_broken_is_a_503_and_is_asked_again(
    oidc_provider, broken
):
    healthy = oidc_provider.discovery
    oidc_provider.discovery = lambda: {k: v for k, v in healthy().items() if k != broken}
    # A missing issuer is noticed when the ID token is checked, a missing endpoint at once.
    response = sign_in_with_google(oidc_provider) if broken == "issuer" else APIClient().post(START)

    assert response.status_code == 503
    assert response.json()["error"]["code"] == "sign_in_provider_unavailable"
    assert not User.objects.filter(email__iexact="anna.petrova@gmail.example").exists()
    oidc_provider.discovery = healthy  # fixed at the provider: the next sign-in works
    assert sign_in_with_google(oidc_provider).status_code == 200


def test_a_provider_that_does_not_answer_is_a_503(oidc_provider):
    oidc_provider.stop()

    response = APIClient().post(START)

    assert response.status_code == 503
    assert response.json()["error"]["code"] == "sign_in_provider_unavailable"


# LINKING TO AN EXISTING ACCOUNT
# ------------------------------------------------------------------------------
def link_token(message) -> str:
    found = re.search(r"link-account\?token=(\S+)", message.body)
    assert found is not None, message.body
    return found.group(1)


def test_an_existing_email_links_only_after_its_owner_confirms_by_email(
    oidc_provider, django_capture_on_commit_callbacks
):
    owner = UserFactory(email="anna.petrova@gmail.example")

    # When someone signs in with a Google account that has the owner's e-mail
    with django_capture_on_commit_callbacks(execute=True):
        pending = sign_in_with_google(oidc_provider)

    # Then nobody is signed in and nothing is linked: the owner is asked by e-mail
    assert pending.status_code == 202, pending.content
    assert pending.json()["confirmation_sent_to"] == owner.email
    assert "access_token" not in pending.json()
    assert ExternalIdentity.objects.count() == 0
    assert User.objects.count() == 1
    assert [m.to for m in mail.outbox] == [[owner.email]]
    assert ActivityLog.objects.filter(user=owner, type="identity_link_requested").exists()

    # When the owner confirms from the e-mail
    confirmed = APIClient().post(
        "/api/v1/auth/identity-link/confirm", {"token": link_token(mail.outbox[0])}
    )

    # Then the identity is theirs, and the next Google sign-in is the owner
    assert confirmed.status_code == 200, confirmed.content
    assert ExternalIdentity.objects.get().user_id == owner.pk
    again = sign_in_with_google(oidc_provider)
    assert again.status_code == 200
    assert me(again.json())["id"] == str(owner.pk)


def test_the_link_page_links_on_a_click_and_not_on_opening(
    oidc_provider, django_capture_on_commit_callbacks
):
    owner = UserFactory(email="anna.petrova@gmail.example")
    with django_capture_on_commit_callbacks(execute=True):
        sign_in_with_google(oidc_provider)
    token = link_token(mail.outbox[0])
    page = Client()

    opened = page.get("/link-account", {"token": token})
    assert opened.status_code == 200
    assert ExternalIdentity.objects.count() == 0

    clicked = page.post("/link-account", {"token": token})
    assert clicked.status_code == 200
    assert b'id="done"' in clicked.content
    assert ExternalIdentity.objects.get().user_id == owner.pk


@pytest.mark.parametrize(
    ("token", "code"), [("garbage", "link_token_invalid"), ("", "validation_error")]
)
def test_a_forged_link_token_links_nothing(oidc_provider, token, code):
    UserFactory(email="anna.petrova@gmail.example")

    response = APIClient().post("/api/v1/auth/identity-link/confirm", {"token": token})

    assert response.status_code == 400
    assert response.json()["error"]["code"] == code
    assert ExternalIdentity.objects.count() == 0


def test_a_link_sent_to_an_e_mail_the_account_no_longer_has_links_nothing(
    oidc_provider, django_capture_on_commit_callbacks
):
    owner = UserFactory(email="anna.petrova@gmail.example")
    with django_capture_on_commit_callbacks(execute=True):
        sign_in_with_google(oidc_provider)
    User.objects.filter(pk=owner.pk).update(email="anna@new-mailbox.example")

    response = APIClient().post(
        "/api/v1/auth/identity-link/confirm", {"token": link_token(mail.outbox[0])}
    )

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "link_token_invalid"
    assert ExternalIdentity.objects.count() == 0


def test_an_expired_link_token_links_nothing(
    oidc_provider, settings, django_capture_on_commit_callbacks
):
    UserFactory(email="anna.petrova@gmail.example")
    with django_capture_on_commit_callbacks(execute=True):
        sign_in_with_google(oidc_provider)
    settings.IDENTITY_LINK_TTL_SECONDS = -1

    response = APIClient().post(
        "/api/v1/auth/identity-link/confirm", {"token": link_token(mail.outbox[0])}
    )

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "link_token_invalid"
    assert ExternalIdentity.objects.count() == 0


def password_session(user) -> APIClient:
    """A session that signed in with its password just now, as linking needs
    (accounts/tests/test_identity_linking.py has the rest of the rules)."""
    User.objects.filter(pk=user.pk).update(email_verified_at=timezone.now())
    tokens = APIClient().post("/api/v1/auth/token", {"email": user.email, "password": PASSWORD})
    assert tokens.status_code == 200, tokens.content
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {tokens.json()['access_token']}")
    return api


def test_a_signed_in_user_links_their_google_account_whatever_its_email(oidc_provider, customer):
    browser, back = google_flow(oidc_provider, password_session(customer))

    linked = browser.get(CALLBACK, back)

    assert linked.status_code == 200, linked.content
    assert me(linked.json())["id"] == str(customer.pk)
    identity = ExternalIdentity.objects.get()
    assert (identity.user_id, identity.email) == (customer.pk, "anna.petrova@gmail.example")
    assert not User.objects.filter(email="anna.petrova@gmail.example").exists()


def test_a_google_account_linked_to_someone_else_is_not_linked_again(
    oidc_provider, customer, other_customer
):
    linked = sign_in_with_google(oidc_provider, password_session(other_customer))
    assert linked.status_code == 200

    response = sign_in_with_google(oidc_provider, password_session(customer))

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "identity_linked_elsewhere"
    assert ExternalIdentity.objects.get().user_id == other_customer.pk


def test_a_deactivated_users_google_sign_in_is_refused(oidc_provider):
    assert sign_in_with_google(oidc_provider).status_code == 200
    User.objects.filter(email="anna.petrova@gmail.example").update(is_active=False)

    response = sign_in_with_google(oidc_provider)

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "account_inactive"


def test_the_schema_documents_the_google_endpoints():
    from drf_spectacular.generators import SchemaGenerator

    paths = SchemaGenerator().get_schema(request=None, public=True)["paths"]

    start, callback = paths["/api/v1/auth/google/start"], paths["/api/v1/auth/google/callback"]
    assert "302" in start["get"]["responses"] and "200" in start["post"]["responses"]
    assert {"200", "202", "default"} <= set(callback["get"]["responses"])
    assert {"code", "state", "error"} == {p["name"] for p in callback["get"]["parameters"]}
    assert "200" in paths["/api/v1/auth/identity-link/confirm"]["post"]["responses"]
