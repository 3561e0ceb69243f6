"""A trade-in's photos (docs/tradein.md, "Photos"): bounded by their header before a pixel is
decoded, counted before decoding, their renditions drawn by the task after the commit, their
uploads under a rate limit of their own, and private: stored under random names outside
MEDIA_ROOT and read through a view that lets in the trade-in's customer and staff only."""

import importlib
import io
import struct
import time
import zlib
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage, storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from conftest import cache_clear, client_for
from tradein import services
from tradein.models import TradeInPhoto
from tradein.tests.factories import trade_in_make

pytestmark = pytest.mark.django_db(databases="__all__")


def jpeg(width=1200, height=800) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (90, 60, 30)).save(buffer, "JPEG")
    return buffer.getvalue()


def png_header_only(width: int, height: int) -> bytes:
    """A PNG that says it is `width` × `height` and holds almost no pixels."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\0" * 16))
        + chunk(b"IEND", b"")
    )


def fifty_megapixels() -> bytes:
    """The review's PNG: 7070 × 7070 of one colour, about 200 KB."""
    buffer = io.BytesIO()
    Image.new("1", (7070, 7070), 1).save(buffer, "PNG")
    return buffer.getvalue()


def upload(client, trade_in, content: bytes, name="car.jpg"):
    return client.post(
        reverse("trade-in-photos", args=[trade_in.pk]),
        {"file": SimpleUploadedFile(name, content)},
        format="multipart",
    )


def private_files(trade_in) -> list[str]:
    """The files kept of the trade-in's photos."""
    root = Path(settings.TRADEIN_PHOTOS_ROOT) / str(trade_in.pk)
    return sorted(path.name for path in root.rglob("*") if path.is_file())


@pytest.fixture
def trade_in(customer):
    return trade_in_make(customer)


# THE LIMITS, BEFORE DECODING


def test_the_reviews_fifty_megapixel_png_is_refused_quickly_and_nothing_is_kept(
    customer_client, trade_in
):
    content = fifty_megapixels()
    before = private_files(trade_in)
    started = time.monotonic()

    response = upload(customer_client, trade_in, content, name="big.png")

    assert time.monotonic() - started < 2
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "photo_refused"
    assert "8192" in error["details"]["file"][0] and "25" in error["details"]["file"][0]
    assert not TradeInPhoto.objects.exists()
    assert private_files(trade_in) == before


@pytest.mark.parametrize(
    "size", [(8193, 100), (100, 8193), (6000, 4500)], ids=["wide", "tall", "27-megapixels"]
)
def test_a_side_over_8192_or_more_than_25_megapixels_is_refused_by_its_header(
    customer_client, trade_in, size
):
    response = upload(customer_client, trade_in, png_header_only(*size), name="big.png")

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "photo_refused"
    assert not TradeInPhoto.objects.exists()


def test_a_phone_photo_of_the_largest_size_allowed_is_kept(trade_in):
    photo = services.trade_in_photo_add(trade_in=trade_in, data=jpeg(5000, 5000))

    assert (photo.width, photo.height) == (5000, 5000)
    assert TradeInPhoto.objects.filter(pk=photo.pk).exists()


def test_the_count_is_checked_before_the_upload_is_decoded(customer_client, trade_in):
    small = jpeg(40, 30)
    for _ in range(services.MAX_PHOTOS):
        services.trade_in_photo_add(trade_in=trade_in, data=small)

    # Not an image at all: refused for the count, which was checked first.
    response = upload(customer_client, trade_in, b"MZ\x90\x00not an image")

    assert response.status_code == 400
    assert response.json()["error"]["details"]["file"] == ["A trade-in has at most 20 photos."]
    assert TradeInPhoto.objects.filter(trade_in=trade_in).count() == services.MAX_PHOTOS


# RENDITIONS, BY THE TASK


def test_the_upload_stores_the_original_and_the_task_draws_the_renditions_after_the_commit(
    customer_client, trade_in, run_on_commit
):
    with run_on_commit():
        response = upload(customer_client, trade_in, jpeg())
        assert response.status_code == 201
        body = response.json()
        # In the request, only the original: every rendition shows it until the task runs.
        (photo,) = TradeInPhoto.objects.all()
        assert photo.renditions == {}
        assert {body["renditions"][kind]["url"] for kind in ("thumb", "card", "large")} == {
            body["url"]
        }
        assert len(private_files(trade_in)) == 1

    photo.refresh_from_db()
    assert {kind: made["width"] for kind, made in photo.renditions.items()} == {
        "thumb": 320,
        "card": 640,
        "large": 1200,
    }
    assert len(private_files(trade_in)) == 4
    shown = customer_client.get(reverse("trade-in-detail", args=[trade_in.pk])).json()
    thumb = shown["photos"][0]["renditions"]["thumb"]
    assert thumb["url"].endswith("-thumb.webp") and thumb["width"] == 320
    served = customer_client.get(thumb["url"])
    assert served.status_code == 200
    assert Image.open(io.BytesIO(b"".join(served.streaming_content))).size[0] == 320
    assert services.trade_in_photo_renditions_make(photo_id=photo.pk) == []  # once


# PRIVATE


def test_a_photo_is_kept_under_a_random_name_outside_media_and_only_its_owner_and_staff_see_it(
    customer, other_customer, manager, trade_in
):
    photo = services.trade_in_photo_add(trade_in=trade_in, data=jpeg())

    name = str(photo.image.name)
    assert name.startswith(f"{trade_in.pk}/") and "photo" not in name
    assert (Path(settings.TRADEIN_PHOTOS_ROOT) / name).is_file()
    assert not Path(settings.TRADEIN_PHOTOS_ROOT).is_relative_to(settings.MEDIA_ROOT)
    assert not list(Path(settings.MEDIA_ROOT).rglob(Path(name).name))
    with open(Path(settings.TRADEIN_PHOTOS_ROOT) / name, "rb") as kept:
        stored = kept.read()

    owner = client_for(customer).get(photo.url)
    assert owner.status_code == 200 and owner["Content-Type"] == "image/jpeg"
    assert b"".join(owner.streaming_content) == stored
    assert "private" in owner["Cache-Control"]
    staff = client_for(manager).get(photo.url)
    assert staff.status_code == 200
    # The storefront's page loads it with the session cookie.
    signed_in = Client()
    signed_in.force_login(customer)
    assert signed_in.get(photo.url).status_code == 200

    other = client_for(other_customer).get(photo.url)
    assert other.status_code == 404 and other.json()["success"] is False
    assert (
        client_for(customer).get(photo.url.replace(name, f"{trade_in.pk}/x.jpg")).status_code == 404
    )
    assert client_for(customer).get("/api/v1/trade-in-photos/nope/x.jpg").status_code == 404
    assert Client().get(photo.url).status_code == 401
    assert Client().get(f"{settings.MEDIA_URL}{name}").status_code == 404
    assert Client().get(f"{settings.MEDIA_URL}tradein/photo.jpg").status_code == 404


def test_the_page_of_the_trade_in_shows_its_photos_through_the_view(customer, trade_in):
    photo = services.trade_in_photo_add(trade_in=trade_in, data=jpeg())
    browser = Client()
    browser.force_login(customer)

    page = browser.get(reverse("storefront:trade-in-detail", args=[trade_in.pk])).content.decode()

    assert f'src="{photo.url}"' in page  # the original, until the thumbnail is drawn
    assert settings.MEDIA_URL not in page.split('class="trade-in-photos"')[1].split("</ul>")[0]


def test_existing_public_photos_move_to_the_private_storage(trade_in):
    public = default_storage.save("tradein/photo.jpg", ContentFile(jpeg()))
    thumb = default_storage.save("tradein/old-thumb.webp", ContentFile(b"webp"))
    photo = TradeInPhoto.objects.using("tradein").create(
        trade_in=trade_in,
        image=public,
        width=1200,
        height=800,
        renditions={"thumb": {"name": thumb, "width": 320, "height": 213}},
    )
    migration = importlib.import_module("tradein.migrations.0002_trade_in_photos_private")

    class Editor:
        class connection:
            alias = "tradein"

    from django.apps import apps

    migration.photos_made_private(apps, Editor)

    photo.refresh_from_db()
    name = str(photo.image.name)
    assert name.startswith(f"{trade_in.pk}/") and name.endswith(".jpg")
    assert storages["tradein_photos"].exists(name)
    assert storages["tradein_photos"].exists(photo.renditions["thumb"]["name"])
    assert photo.renditions["thumb"]["width"] == 320
    assert not default_storage.exists(public) and not default_storage.exists(thumb)


# THE RATE LIMIT


def test_uploads_have_a_rate_limit_of_their_own(settings, customer_client, trade_in):
    settings.THROTTLE_RATES = {**settings.THROTTLE_RATES, "upload": "2/min"}
    cache_clear()
    small = jpeg(40, 30)

    answers = [upload(customer_client, trade_in, small).status_code for _ in range(3)]

    assert answers == [201, 201, 429]
    assert TradeInPhoto.objects.filter(trade_in=trade_in).count() == 2
    # The rest of the API counts elsewhere.
    assert customer_client.get(reverse("trade-in-detail", args=[trade_in.pk])).status_code == 200


def test_the_storefronts_photo_form_counts_in_the_upload_bucket(settings, customer, trade_in):
    settings.THROTTLE_RATES = {**settings.THROTTLE_RATES, "upload": "1/min"}
    cache_clear()
    browser = Client()
    browser.force_login(customer)
    url = reverse("storefront:trade-in-photos", args=[trade_in.pk])

    first = browser.post(url, {"photos": SimpleUploadedFile("a.jpg", jpeg(40, 30))})
    second = browser.post(url, {"photos": SimpleUploadedFile("b.jpg", jpeg(40, 30))})

    assert (first.status_code, second.status_code) == (302, 429)
    assert TradeInPhoto.objects.filter(trade_in=trade_in).count() == 1
