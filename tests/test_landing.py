"""The first pages a newcomer opens: `/` and `/api/v1/`."""

import pytest
from django.test import override_settings

from tests.test_dashboard_browser import chromium_page

ENTRY_POINTS = ["/api/docs/", "/api/redoc/", "/api/v1/", "/admin/", "/dashboard/orders/", "/health"]


def test_the_landing_page_links_to_every_entry_point(client):
    page = client.get("/")

    assert page.status_code == 200
    html = page.content.decode()
    assert "<h1>Autosalon</h1>" in html
    for path in ENTRY_POINTS:
        assert f'href="http://testserver{path}"' in html, path
    assert "Demo logins" not in html  # not outside `make run`'s local settings


@override_settings(LANDING_SHOWS_DEMO_LOGINS=True)
def test_the_local_landing_page_shows_the_demo_logins(client):
    html = client.get("/").content.decode()

    assert "Demo logins" in html
    assert "manager@autosalon.local" in html and "Manager-demo-2026" in html


@pytest.mark.django_db(databases="__all__")
def test_the_api_index_lists_the_resources_with_links(client):
    response = client.get("/api/v1/")

    assert response.status_code == 200
    index = response.json()
    assert index["documentation"]["docs"] == "http://testserver/api/docs/"
    assert index["documentation"]["schema"] == "http://testserver/api/schema/"
    assert index["resources"]["orders"]["url"] == "http://testserver/api/v1/orders/"
    for name, resource in index["resources"].items():  # every link leads somewhere real
        answer = client.get(resource["url"].removeprefix("http://testserver"))
        assert answer.status_code in (200, 401, 405), (name, answer.status_code)


@pytest.mark.slow
@pytest.mark.django_db(transaction=True, databases="__all__")
def test_the_landing_page_renders_in_chromium_with_no_console_error(server):
    with chromium_page() as page:
        problems = []
        page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda error: problems.append(str(error)))
        page.on("requestfailed", lambda request: problems.append(request.url))
        page.goto(f"{server.url}/")
        heading = page.locator("h1").inner_text()
        cards = page.locator("nav a.card").count()
        page.locator("nav a.card", has_text="API index").click()
        page.wait_for_load_state()
        index_url = page.url

    assert heading == "Autosalon"
    assert cards == 7
    assert index_url == f"{server.url}/api/v1/"
    assert problems == []
