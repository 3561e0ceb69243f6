"""The first pages a developer opens: `/developers/` and `/api/v1/`."""

import pytest
from django.test import override_settings

ENTRY_POINTS = [
    "/api/docs/",
    "/api/redoc/",
    "/api/v1/",
    "/admin/",
    "/dashboard/",
    "/dashboard/orders/",
    "/health",
]


def test_the_landing_page_links_to_every_entry_point(client):
    page = client.get("/developers/")

    assert page.status_code == 200
    html = page.content.decode()
    assert "<h1>Autosalon</h1>" in html
    for path in ENTRY_POINTS:
        assert f'href="http://testserver{path}"' in html, path
    assert "Demo logins" not in html  # not outside `make run`'s local settings


@override_settings(LANDING_SHOWS_DEMO_LOGINS=True)
def test_the_local_landing_page_shows_the_demo_logins(client):
    html = client.get("/developers/").content.decode()

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
