"""The exchange endpoint as 1C's side and an attacker would use it (docs/1c.md, "The protocol"
and "Safety"): its own accounts, signing in counted like any sign-in, a cookie for one
exchange and one endpoint, and files refused whole, with their reason, for anything unsafe."""

import io
import zipfile
from datetime import timedelta

import httpx
import pytest
from django.utils import timezone

from onec.emulator import ExchangeFailed
from onec.models import ExchangeFile, ExchangeSession, Good
from onec.samples import catalog_sample
from tests.onec_exchange import LOGIN, PASSWORD

pytestmark = pytest.mark.django_db(databases="__all__")
URL = "/exchange/1c/"


def _get(onec, **params) -> httpx.Response:
    return onec.client.get(URL, params=params, headers={"Cookie": onec.cookie})


def test_a_wrong_password_is_refused_and_opens_no_session(onec):
    onec.auth = httpx.BasicAuth(LOGIN, "wrong")
    with pytest.raises(ExchangeFailed, match=r"401.*Неверный логин или пароль"):
        onec.checkauth()
    assert not ExchangeSession.objects.exists()


def test_signing_in_counts_in_the_sign_in_limit(onec, settings):
    settings.THROTTLE_RATES = {**settings.THROTTLE_RATES, "login": "5/min"}
    onec.auth = httpx.BasicAuth(LOGIN, "wrong")
    answers = [
        onec.client.get(URL, params={"type": "catalog", "mode": "checkauth"}, auth=onec.auth)
        for _ in range(6)
    ]
    assert [a.status_code for a in answers] == [401] * 5 + [429]
    assert answers[-1].text.startswith("failure\n") and int(answers[-1].headers["Retry-After"]) >= 1
    # The same bucket as the API's sign-in, from the same address.
    signing_in = onec.client.post("/api/v1/auth/token", json={"email": "a@b.c", "password": "x"})
    assert signing_in.status_code == 429


def test_the_cookie_opens_one_exchange_for_a_while_and_nothing_else(onec):
    onec.checkauth()
    assert _get(onec, type="catalog", mode="init").text.startswith("zip=no\nfile_limit=")
    assert _get(onec, type="sale", mode="query").status_code == 403  # another exchange's
    site = onec.client
    assert site.get("/api/v1/orders/", headers={"Cookie": onec.cookie}).status_code == 401
    assert site.get("/admin/", headers={"Cookie": onec.cookie}).status_code == 302  # sign in
    signed_in = site.post("/api/v1/auth/token", json={"email": LOGIN, "password": PASSWORD})
    assert signed_in.status_code in (400, 401)  # not a user of the site

    ExchangeSession.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    expired = _get(onec, type="catalog", mode="init")
    assert expired.status_code == 403 and "нужен checkauth" in expired.text


def test_what_the_protocol_does_not_know_is_a_failure_that_says_so(onec):
    onec.checkauth()
    assert _get(onec, type="catalog", mode="dance").text == "failure\nНеизвестный режим «dance».\n"
    assert _get(onec, type="stock", mode="init").text.startswith("failure\nНеизвестный тип обмена")
    missing = _get(onec, type="catalog", mode="import", filename="import.xml").text
    assert missing == "failure\nФайл import.xml не получен: сначала mode=file.\n"


def _refused(onec, name: str, data: bytes) -> str:
    onec.checkauth()
    onec.init()
    with pytest.raises(ExchangeFailed) as failed:
        onec.send_files({name: data})
        onec.import_file(name)
    return failed.value.reason


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (
            b'<?xml version="1.0"?><!DOCTYPE a [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
            b"<a>&x;</a>",
            "объявляет DTD или сущности",
        ),
        (
            b'<?xml version="1.0"?><!DOCTYPE a [<!ENTITY l "ha"><!ENTITY l2 "&l;&l;&l;">]>'
            b"<a>&l2;</a>",
            "объявляет DTD или сущности",
        ),
        (b"<a>" + b"<b>" * 50 + b"</b>" * 50 + b"</a>", "Вложенность элементов больше 40"),
        ("<КоммерческаяИнформация><Каталог>".encode(), "Файл не разобран как XML: файл оборван"),
    ],
    ids=["external entity", "entity expansion", "too deep", "cut off"],
)
def test_an_unsafe_or_broken_file_is_refused_whole(onec, body, reason):
    assert reason in _refused(onec, "import.xml", body)
    file = ExchangeFile.objects.get(name="import.xml")
    assert file.status == "failed" and reason in file.failure_reason
    assert not Good.objects.exists()


def _zip(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def test_an_archive_reaching_outside_or_unpacking_too_large_is_refused(onec, settings):
    onec_sample = catalog_sample(cars=1, parts=1).files
    reason = _refused(onec, "exchange.zip", _zip({"../../import.xml": onec_sample["import.xml"]}))
    assert "Недопустимое имя файла «../../import.xml»" in reason

    settings.ONEC_MAX_FILE_BYTES = 100_000
    bomb = _zip({"import.xml": b"<a>" + b" " * 5_000_000 + b"</a>"})
    assert len(bomb) < 100_000
    reason = _refused(onec, "exchange.zip", bomb)
    assert "распаковывается больше допустимого" in reason
    assert not ExchangeFile.objects.filter(name="import.xml").exists()


def test_a_part_larger_than_the_limit_is_refused(onec, settings):
    settings.ONEC_FILE_LIMIT_BYTES = 1000
    onec.checkauth()
    answer = onec.client.post(
        URL, params={"type": "catalog", "mode": "file", "filename": "import.xml"},
        content=b"x" * 1001, headers={"Cookie": onec.cookie},
    )  # fmt: skip
    assert answer.text == "failure\nЧасть файла import.xml больше 1000 байт (file_limit).\n"


def test_an_import_another_call_is_at_work_on_answers_progress(onec):
    onec.checkauth()
    onec.init()
    onec.send_files(catalog_sample(cars=1, parts=0).files)
    ExchangeFile.objects.update(busy_until=timezone.now() + timedelta(minutes=5))

    assert _get(onec, type="catalog", mode="import", filename="import.xml").text == "progress\n"
    ExchangeFile.objects.update(busy_until=None)
    assert onec.import_file("import.xml") == 1


def test_a_file_sent_again_in_the_session_starts_over(onec):
    files = catalog_sample(cars=2, parts=0).files
    onec.checkauth()
    onec.init()
    onec.send_files({"import.xml": files["import.xml"]})
    onec.import_file("import.xml")
    onec.send_files({"import.xml": files["import.xml"]})

    file = ExchangeFile.objects.get(name="import.xml")
    assert (file.status, file.parts, file.position) == ("receiving", 1, 0)
    onec.import_file("import.xml")
    file.refresh_from_db()
    assert (file.status, file.unchanged) == ("applied", 2)


def test_a_sale_file_in_parts_is_applied_once_whole(onec):
    onec.checkauth(type="sale")
    onec.init(type="sale")
    body = '<КоммерческаяИнформация ВерсияСхемы="2.08"></КоммерческаяИнформация>'.encode()
    onec.max_part = len(body) // 2 + 1

    onec.send_file("orders.xml", body, type="sale")

    file = ExchangeFile.objects.get(name="orders.xml")
    assert (file.status, file.parts, file.failure_reason) == ("applied", 2, "")
