"""The security review of image uploads, replayed against the site as production serves it
(docs/tradein.md, "Photos"): a 50-megapixel PNG of about 200 KB is refused at once from its
header, and nothing is written; a trade-in's photo is not under /media/, where a guessed
address is a 404, and through its view another customer gets a 404 where its owner gets it."""

import io
import time
from pathlib import Path

import httpx
import pytest
from django.conf import settings
from PIL import Image

from accounts.tests.factories import UserFactory
from accounts.tokens import AccessToken
from tradein.models import TradeInPhoto
from tradein.tests.factories import trade_in_make

pytestmark = [pytest.mark.process, pytest.mark.django_db(transaction=True, databases="__all__")]


def bearer(user) -> dict:
    return {"Authorization": f"Bearer {AccessToken.for_user(user)}"}


def the_reviews_png() -> bytes:
    """7070 × 7070 of one colour: 50 megapixels in about 200 KB."""
    buffer = io.BytesIO()
    Image.new("1", (7070, 7070), 1).save(buffer, "PNG")
    return buffer.getvalue()


def kept_files(trade_in) -> list[Path]:
    folder = Path(settings.TRADEIN_PHOTOS_ROOT) / str(trade_in.pk)
    return sorted(path for path in folder.rglob("*") if path.is_file())


def test_the_fifty_megapixel_png_is_refused_quickly_and_nothing_is_written(server):
    owner = UserFactory(role="client")
    trade_in = trade_in_make(owner)
    content = the_reviews_png()
    assert len(content) < 400_000
    http = httpx.Client(base_url=server.url, timeout=30)

    started = time.monotonic()
    answer = http.post(
        f"/api/v1/trade-ins/{trade_in.pk}/photos/",
        files={"file": ("big.png", content, "image/png")},
        headers=bearer(owner),
    )
    took = time.monotonic() - started

    assert answer.status_code == 400, answer.text
    assert answer.json()["error"]["code"] == "photo_refused"
    assert "file" in answer.json()["error"]["details"]
    assert took < 2, f"{took:.1f} s: the pixels were decoded"
    assert not TradeInPhoto.objects.filter(trade_in=trade_in).exists()
    assert kept_files(trade_in) == []


def test_a_trade_in_photo_is_no_media_file_and_only_its_owner_gets_it(server):
    owner, stranger = UserFactory(role="client"), UserFactory(role="client")
    trade_in = trade_in_make(owner)
    buffer = io.BytesIO()
    Image.new("RGB", (1200, 900), (120, 40, 40)).save(buffer, "JPEG")
    http = httpx.Client(base_url=server.url, timeout=30)

    uploaded = http.post(
        f"/api/v1/trade-ins/{trade_in.pk}/photos/",
        files={"file": ("photo.jpg", buffer.getvalue(), "image/jpeg")},
        headers=bearer(owner),
    )

    assert uploaded.status_code == 201, uploaded.text
    (photo,) = TradeInPhoto.objects.filter(trade_in=trade_in)
    name = str(photo.image.name)
    assert str(photo.pk) == uploaded.json()["id"] and "photo" not in name
    (kept,) = kept_files(trade_in)
    assert kept == Path(settings.TRADEIN_PHOTOS_ROOT) / name
    # Guessed under /media/: the old name, the new one, the new one under the old folder.
    for guess in ("tradein/photo.jpg", name, f"tradein/{Path(name).name}"):
        assert http.get(f"{settings.MEDIA_URL}{guess}").status_code == 404, guess
    url = uploaded.json()["url"]
    assert not url.startswith(settings.MEDIA_URL)

    theirs = http.get(url, headers=bearer(stranger))
    anonymous = http.get(url)
    mine = http.get(url, headers=bearer(owner))

    assert theirs.status_code == 404 and theirs.json()["error"]["code"] != ""
    assert Path(name).name.encode() not in theirs.content
    assert anonymous.status_code == 401
    assert mine.status_code == 200 and mine.headers["content-type"] == "image/jpeg"
    assert mine.content == kept.read_bytes()
    assert Image.open(io.BytesIO(mine.content)).size == (1200, 900)
    # Nothing was written by the refused requests: the one photo, the one file.
    assert TradeInPhoto.objects.filter(trade_in=trade_in).count() == 1
    assert kept_files(trade_in) == [kept]
