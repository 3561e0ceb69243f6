"""The exchange with 1C as an admin sees it (docs/1c.md, "Seeing it"), in headless Chromium on
the site served as in production, on a 390 px phone in Russian and on a desktop in English:
after an exchange with a refused good, the exchange log's session lists its files with what
each created, changed and refused; the file names the refused good and why; and the
dashboard says when the exchange last succeeded. The screenshot walk saves the pages."""

import uuid

import pytest
from playwright.sync_api import expect

from accounts.tests.factories import UserFactory
from catalog import services as catalog_services
from onec import demo
from onec.models import ExchangeFile, ExchangeSession, WarehouseMapping
from onec.samples import WAREHOUSES, catalog_sample
from onec.services import files, imports, sessions
from tests.browser.pages import chromium_page, sign_in, snap

pytestmark = [
    pytest.mark.django_db(transaction=True, databases="__all__"),
    pytest.mark.usefixtures("server_password_hashers"),
]


class _Quiet:
    def write(self, *args, **kwargs) -> None:
        pass


def _exchange() -> ExchangeSession:
    """The demo's mappings, and an exchange of 4 cars and 6 parts, one car's year not a
    number."""
    showrooms = [uuid.uuid4() for _ in range(3)]
    for number, showroom_id in enumerate(showrooms, start=1):
        catalog_services.location_note(
            showroom_id=showroom_id, name=f"Салон {number}", city="Москва", address="",
            phone="", is_active=True,
        )  # fmt: skip
    demo.seed(_Quiet())
    WarehouseMapping.objects.all().delete()
    for name, showroom_id in zip(WAREHOUSES, showrooms, strict=False):
        WarehouseMapping.objects.create(name=name, showroom_id=showroom_id)
    session, _cookie = sessions.session_start(
        login=demo.LOGIN, password=demo.PASSWORD, exchange_type="catalog", client_ip=None
    )
    sample = catalog_sample(cars=4, parts=6).files
    body = sample["import.xml"].decode().replace("<Значение>2", "<Значение>ый", 1).encode()
    for name, data in {**sample, "import.xml": body}.items():
        files.file_receive(session=session, name=name, data=data)
        while imports.file_import(session=session, name=name).word == "progress":
            pass
    return session


@pytest.mark.parametrize(
    ("language", "width", "words"),
    [
        ("ru", 390, ("сеанс обмена с 1С", "Отклонено", "не число", "Обмен с 1С: последний")),
        ("en", 1280, ("1C exchange session", "Refused", "не число", "Exchange with 1C: last")),
    ],
    ids=["ru-390", "en-desktop"],
)
def test_an_admin_reads_the_exchange_log_and_the_dashboard_says_when_it_last_ran(
    server, chromium, language, width, words
):
    sessions_title, refused_column, reason, dashboard_line = words
    session = _exchange()
    refused = ExchangeFile.objects.get(session=session, name="import.xml")
    assert refused.refused == 1
    admin = UserFactory(role="admin", language=language)

    with chromium_page(chromium, viewport={"width": width, "height": 800}) as page:
        sign_in(server, page, admin)
        page.goto(f"{server.url}/admin/onec/exchangesession/")
        expect(page.locator("#content h1")).to_contain_text(sessions_title)
        page.locator("#result_list tbody tr th a").first.click()
        files_table = page.locator(".inline-group")
        expect(files_table).to_contain_text("import.xml")
        expect(files_table).to_contain_text("offers.xml")
        expect(files_table.locator("thead")).to_contain_text(refused_column)
        snap(page, f"onec-session-{language}")

        files_table.get_by_role("link", name="import.xml").click()
        expect(page.locator(".inline-group")).to_contain_text(reason)
        snap(page, f"onec-file-{language}")
        assert page.evaluate("document.documentElement.scrollWidth") <= width + 1

        page.goto(f"{server.url}/dashboard/")
        status = page.locator("#onec-status")
        expect(status).to_contain_text(dashboard_line)
        expect(status).not_to_have_attribute("role", "alert")  # a good refused, no file
        snap(page, f"onec-dashboard-{language}")
