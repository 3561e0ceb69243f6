"""A vehicle's photos through the API: what an upload must be (by content, size and pixels),
what is served of it (no EXIF, no GPS), its renditions made by the task, their order and
primary photo, and who may change them."""

import io
import struct
import zlib
from decimal import Decimal

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from catalog import services
from catalog.models import ProductPhoto
from catalog.tests.factories import CategoryFactory, jpeg, vehicle

pytestmark = pytest.mark.django_db(databases=["default", "catalog"])


def photos_url(product) -> str:
    return reverse("product-photos-list", args=[product.pk])


def photo_url(photo) -> str:
    return reverse("product-photos-detail", args=[photo.product_id, photo.pk])


def png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def bilevel_png(width: int, height: int, *, pixels: bool) -> bytes:
    """A black-and-white PNG of `width` × `height`: with its pixels (all white, compressed
    to almost nothing, as a decompression bomb is), or with a header only."""
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    if pixels:
        row = b"\0" + b"\0" * ((width + 7) // 8)
        compressor = zlib.compressobj(9)
        body = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()
    else:
        body = zlib.compress(b"\0" * 16)
    return (
        b"\x89PNG\r\n\x1a\n"
        + png_chunk(b"IHDR", header)
        + png_chunk(b"IDAT", body)
        + png_chunk(b"IEND", b"")
    )


def upload(client, product, content: bytes, name="photo.jpg", **fields):
    return client.post(
        photos_url(product),
        {"file": SimpleUploadedFile(name, content), **fields},
        format="multipart",
    )


@pytest.fixture
def car():
    return vehicle()


# UPLOADS
# ------------------------------------------------------------------------------
def test_staff_upload_a_photo_served_without_exif_or_gps_and_renditions_follow(
    manager_client, car, run_on_commit
):
    with run_on_commit():
        response = upload(manager_client, car, jpeg(gps=True), alt="Kia K5, front")

    assert response.status_code == 201, response.json()
    photo = ProductPhoto.objects.get()
    body = response.json()
    assert (body["width"], body["height"], body["alt"], body["is_primary"]) == (
        1200,
        800,
        "Kia K5, front",
        True,
    )
    with default_storage.open(photo.image.name) as stored:
        served = stored.read()
    assert b"PhoneMaker" not in served and b"GPS" not in served
    reopened = Image.open(io.BytesIO(served))
    assert (reopened.format, len(reopened.getexif())) == ("JPEG", 0)
    # The task ran after the commit: WebP renditions of the right widths.
    assert sorted(photo.renditions) == ["card", "large", "thumb"]
    widths = {}
    for name, made in photo.renditions.items():
        with default_storage.open(made["name"]) as stored:
            image = Image.open(io.BytesIO(stored.read()))
            widths[name] = (image.format, image.width)
    assert widths == {
        "thumb": ("WEBP", 320),
        "card": ("WEBP", 640),
        "large": ("WEBP", 1200),  # never wider than the original
    }


def test_until_the_renditions_exist_the_checked_copy_is_served_in_their_place(manager_client, car):
    response = upload(manager_client, car, jpeg())  # no commit here: the task has not run

    body = response.json()
    assert {body["renditions"][name]["url"] for name in ("thumb", "card", "large")} == {body["url"]}
    assert ProductPhoto.objects.get().renditions == {}
    made = services.photo_renditions_make(photo_id=body["id"])
    again = services.photo_renditions_make(photo_id=body["id"])
    assert (made, again) == (["card", "large", "thumb"], [])
    product = manager_client.get(reverse("products-detail", args=[car.pk])).json()
    assert product["photos"][0]["renditions"]["thumb"]["url"].endswith("-thumb.webp")
    assert product["photos"][0]["renditions"]["thumb"]["width"] == 320


def test_a_heic_photo_is_served_as_jpeg(manager_client, car):
    image = Image.new("RGB", (640, 480), "darkgreen")
    buffer = io.BytesIO()
    image.save(buffer, "HEIF")

    response = upload(manager_client, car, buffer.getvalue(), name="IMG_0001.HEIC")

    assert response.status_code == 201, response.json()
    assert ProductPhoto.objects.get().image.name.endswith(".jpg")


@pytest.mark.parametrize(
    ("content", "name"),
    [
        (b"\x7fELF\x02\x01\x01" + b"\0" * 2000, "photo.jpg"),  # an executable, renamed
        (b"MZ\x90\x00" + b"\0" * 2000, "photo.png"),
        (b"%PDF-1.7\n" + b"\0" * 2000, "car.webp"),
        (jpeg()[:600], "truncated.jpg"),  # a JPEG cut short
    ],
)
def test_what_is_no_image_is_refused_by_its_content_whatever_its_name(
    manager_client, car, content, name
):
    response = upload(manager_client, car, content, name=name)

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "photo_refused"
    assert "file" in response.json()["error"]["details"]
    assert not ProductPhoto.objects.exists()


def test_a_gif_is_refused_though_it_is_an_image(manager_client, car):
    buffer = io.BytesIO()
    Image.new("RGB", (10, 10)).save(buffer, "GIF")

    response = upload(manager_client, car, buffer.getvalue(), name="car.jpg")

    assert response.status_code == 400
    assert not ProductPhoto.objects.exists()


@pytest.mark.parametrize(
    "content",
    [
        bilevel_png(10_000, 6_000, pixels=False),  # 60 megapixels, by its header
        bilevel_png(20_000, 20_000, pixels=True),  # 400 MP of white in ~60 KB: a bomb
    ],
)
def test_more_than_fifty_megapixels_is_refused_before_the_pixels_are_decoded(
    manager_client, car, content
):
    response = upload(manager_client, car, content, name="big.png")

    assert response.status_code == 400
    assert "megapixels" in response.json()["error"]["message"]
    assert not ProductPhoto.objects.exists()


def test_more_than_the_size_limit_is_refused(manager_client, car, settings):
    settings.PHOTO_MAX_BYTES = 50_000

    response = upload(manager_client, car, jpeg(3000, 2000, color="orange") + b"\0" * 60_000)

    assert response.status_code == 400
    assert "MB" in response.json()["error"]["message"]
    assert not ProductPhoto.objects.exists()


@pytest.mark.parametrize("client_fixture", ["api_client", "customer_client"])
def test_an_anonymous_or_customer_upload_is_refused(request, car, client_fixture):
    client = request.getfixturevalue(client_fixture)

    response = upload(client, car, jpeg())

    assert response.status_code in (401, 403)
    assert not ProductPhoto.objects.exists()


def test_an_accessory_has_no_photos(manager_client):
    mats = services.product_create(
        name="Floor mats", price=Decimal("6500.00"), stock_quantity=10, category=CategoryFactory()
    )

    response = upload(manager_client, mats, jpeg())

    assert response.status_code == 400
    assert not ProductPhoto.objects.exists()


# ORDER, PRIMARY, REMOVAL
# ------------------------------------------------------------------------------
def three_photos(car) -> list[ProductPhoto]:
    return [services.photo_add(product=car, data=jpeg(color=c)) for c in ("red", "green", "blue")]


def test_photos_are_ordered_and_one_is_primary(manager_client, api_client, car):
    first, second, third = three_photos(car)

    moved = manager_client.patch(
        photo_url(third), {"position": 0, "is_primary": True}, format="json"
    )

    assert moved.status_code == 200, moved.json()
    listed = api_client.get(photos_url(car)).json()
    assert [row["id"] for row in listed] == [str(third.pk), str(first.pk), str(second.pk)]
    assert [row["is_primary"] for row in listed] == [True, False, False]
    assert list(ProductPhoto.objects.order_by("position").values_list("pk", flat=True)) == [
        third.pk,
        first.pk,
        second.pk,
    ]


def test_the_primary_photo_stays_one(manager_client, car):
    first, _, _ = three_photos(car)

    response = manager_client.patch(photo_url(first), {"is_primary": False}, format="json")

    assert response.status_code == 400
    assert ProductPhoto.objects.filter(is_primary=True).get().pk == first.pk


def test_removing_the_primary_photo_makes_the_next_primary_and_deletes_its_files(
    manager_client, car, run_on_commit
):
    first, second, _ = three_photos(car)
    services.photo_renditions_make(photo_id=first.pk)
    first.refresh_from_db()
    names = [first.image.name, *(made["name"] for made in first.renditions.values())]

    with run_on_commit():
        response = manager_client.delete(photo_url(first))

    assert response.status_code == 204
    assert ProductPhoto.objects.get(is_primary=True).pk == second.pk
    assert [default_storage.exists(name) for name in names] == [False] * 4


def test_a_customer_cannot_change_or_remove_a_photo(customer_client, car):
    photo, _, _ = three_photos(car)

    changed = customer_client.patch(photo_url(photo), {"alt": "mine"}, format="json")
    removed = customer_client.delete(photo_url(photo))

    assert (changed.status_code, removed.status_code) == (403, 403)
    assert ProductPhoto.objects.get(pk=photo.pk).alt == ""


def test_another_vehicles_photo_is_not_found_under_this_one(manager_client, car):
    photo, _, _ = three_photos(car)
    other = vehicle(vin=None, kind="vehicle")

    response = manager_client.patch(
        reverse("product-photos-detail", args=[other.pk, photo.pk]), {"alt": "x"}, format="json"
    )

    assert response.status_code == 404
    assert ProductPhoto.objects.get(pk=photo.pk).alt == ""
