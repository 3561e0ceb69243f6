"""The Content-Security-Policy production serves (config/settings/base.py) in a real browser
(headless Chromium, as tests/browser/test_browser.py): the admin, the dashboard and Swagger UI load
under it with no error and no request to another host. The rest of the production profile:
tests/deploy/test_production.py."""

from urllib.parse import urlsplit

import pytest
from django.db import connections

from accounts.tests.factories import UserFactory
from tests.browser.pages import chromium_page, log_in


def todays_test_drive():
    """A test drive booked earlier for the first half hour of the dealership's today (the
    dashboard's day): written directly, as the service books only slots still to come."""
    from datetime import datetime, time

    from django.utils import timezone

    from showroom.models import Allocation, TestDrive
    from showroom.tests.factories import resource_make

    car = resource_make(name="Demo car")
    start = datetime.combine(timezone.localdate(), time(0), tzinfo=timezone.get_current_timezone())
    end = start.replace(minute=30)
    allocation = Allocation.objects.create(
        resource=car, start_time=start, end_time=end, exclusive=True
    )
    return TestDrive.objects.create(
        user_id=car.pk, resource=car, allocation=allocation, start_time=start, end_time=end
    )


@pytest.mark.django_db(transaction=True, databases="__all__")
def test_admin_dashboard_and_swagger_load_under_the_csp_with_no_error_and_no_other_host(
    chromium, server, settings
):
    from config.settings import base

    settings.PASSWORD_HASHERS = base.PASSWORD_HASHERS  # the server checks passwords its way
    manager = UserFactory(role="manager")
    drive = todays_test_drive()
    problems: list[str] = []
    with chromium_page(chromium) as page:
        host = urlsplit(server.url).netloc
        page.on(
            "console",
            lambda m: problems.append(f"console {m.type}: {m.text} {m.location}")
            if m.type == "error"
            else None,
        )
        page.on(
            "request",
            lambda r: problems.append(f"request to {r.url}")
            if urlsplit(r.url).netloc not in (host, "") and not r.url.startswith("data:")
            else None,
        )
        page.on(
            "response",
            lambda r: problems.append(f"{r.status} for {r.url}") if r.status >= 400 else None,
        )
        log_in(server, page, manager)  # the admin's login page, then the dashboard
        row = page.locator(f'tr[data-test-drive-id="{drive.pk}"]')
        row.wait_for(timeout=10_000)
        drive_row = row.inner_text()
        page.goto(f"{server.url}/admin/")
        page.wait_for_selector("#content")
        page.goto(f"{server.url}/api/docs/")
        page.wait_for_selector(".swagger-ui .information-container", timeout=20_000)
        title = page.locator(".swagger-ui .title").first.inner_text()
    connections.close_all()

    assert "Autosalon API" in title
    assert "Demo car" in drive_row and "booked" in drive_row  # the day's test drives
    assert problems == []
