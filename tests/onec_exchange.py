"""The fixtures of the exchange with 1C's tests (onec/tests/, tests/flows/test_onec_*.py): the
demo's mappings on the test's showrooms, an account, and 1C's side of the protocol
(onec/emulator.py) talking to the site in this process, through its WSGI application, so that
the test's transaction sees every change."""

import uuid

import httpx
import pytest
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections

from catalog import services as catalog_services
from onec import demo
from onec.emulator import OneC
from onec.models import WarehouseMapping
from onec.samples import WAREHOUSES

LOGIN, PASSWORD = "1c-test", "Exchange-test-2026"


CITIES = ("Москва", "Москва", "Екатеринбург")


@pytest.fixture
def onec_showrooms(db) -> list[uuid.UUID]:
    """Three showrooms as the catalog knows them, one for each of the samples' first three
    warehouses."""
    made = [uuid.uuid4() for _ in CITIES]
    for number, (showroom_id, city) in enumerate(zip(made, CITIES, strict=True), start=1):
        catalog_services.location_note(
            showroom_id=showroom_id, name=f"Салон {number}", city=city, address="", phone="",
            is_active=True,
        )  # fmt: skip
    return made


@pytest.fixture
def onec_mapped(onec_showrooms):
    """The demo's mappings, with the samples' warehouses mapped to the showrooms."""
    demo.seed(_Quiet())
    WarehouseMapping.objects.all().delete()
    for name, showroom_id in zip(WAREHOUSES, onec_showrooms, strict=False):
        WarehouseMapping.objects.create(name=name, showroom_id=showroom_id)
    return onec_showrooms


@pytest.fixture
def onec_account(onec_mapped):
    from onec.services import sessions

    return sessions.account_create(login=LOGIN, password=PASSWORD)


@pytest.fixture
def onec(onec_account):
    """1C's side, through the WSGI application in this thread: as Django's test client does,
    the requests leave the test's connections (and its transaction) open."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    transport = httpx.WSGITransport(app=get_wsgi_application())
    client = httpx.Client(transport=transport, base_url="http://testserver", timeout=60)
    yield OneC("http://testserver", LOGIN, PASSWORD, client=client)
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


class _Quiet:
    def write(self, *args, **kwargs) -> None:
        pass
