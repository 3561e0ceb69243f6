"""Google sign-in from a browser, against the local stand-in for Google
(tests/oidc_provider.py): the flow's two addresses, the flow, and the account it signs in."""

from rest_framework.test import APIClient

START = "/api/v1/auth/google/start"
CALLBACK = "/api/v1/auth/google/callback"


def google_flow(oidc_provider, browser: APIClient | None = None) -> tuple[APIClient, dict]:
    """A browser starts the flow and the person signs in at the provider: the browser, and
    the query the provider sends it back with."""
    browser = browser or APIClient()
    started = browser.post(START)
    assert started.status_code == 200, started.content
    return browser, oidc_provider.sign_in(started.json()["authorization_url"])


def sign_in_with_google(oidc_provider, browser: APIClient | None = None):
    """The whole flow in a browser: the callback's response, the tokens if it succeeded."""
    browser, back = google_flow(oidc_provider, browser)
    return browser.get(CALLBACK, back)


def me(tokens: dict) -> dict:
    """`users/me` as the holder of `tokens` sees it."""
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {tokens['access_token']}")
    response = api.get("/api/v1/users/me")
    assert response.status_code == 200, response.content
    return response.json()
