"""The security review of the classifieds' feeds (docs/feeds.md, "Serving"; docs/security.md,
"The classifieds' feeds"): a description with characters XML forbids still makes a feed that
parses, in every format; a feed that would not parse is not published, the previous one stays;
the feeds' files are reached only through their secret address, never as public media."""

import logging
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from conftest import client_for
from integrations import services
from integrations.feeds import writing
from integrations.models import Feed

pytestmark = pytest.mark.django_db(databases="__all__")

FORBIDDEN = "\u000b\u001b"  # a vertical tab and an escape: XML 1.0 allows neither


def served(feed: Feed) -> bytes:
    """The feed as a classified pulls it, at its secret address."""
    response = Client().get(reverse("feed-file", args=[feed.kind, feed.token]))
    assert response.status_code == 200, response
    return response.getvalue()


@pytest.mark.parametrize(
    ("kind", "cars", "car_id", "description"),
    [
        ("avito", "Ad", "Id", "Description"),
        ("autoru", "cars/car", "unique_id", "description"),
        ("yandex", "cars/car", "unique_id", "description"),
    ],
)
def test_a_description_with_characters_xml_forbids_is_published_without_them(
    admin_user, stock, kind, cars, car_id, description
):
    kia = stock["kia"]
    patched = client_for(admin_user).patch(
        f"/api/v1/catalog/products/{kia.pk}/",
        {"description": f"Один владелец{FORBIDDEN}, сервисная книжка\ufffe."},
        format="json",
    )
    assert patched.status_code == 200, patched.json()

    feed = services.feed_generate(feed_id=Feed.objects.create(kind=kind).pk)

    root = ET.fromstring(served(feed))  # raises if the feed does not parse
    ads = {ad.findtext(car_id): ad for ad in root.findall(cars)}
    assert set(ads) == {str(stock["kia"].pk), str(stock["lada"].pk)}
    assert ads[str(kia.pk)].findtext(description) == "Один владелец, сервисная книжка."
    stored = Feed.objects.get(pk=feed.pk)
    assert (stored.published_count, stored.etag) == (2, feed.etag)


def test_a_feed_that_does_not_parse_is_not_published_and_the_previous_one_stays(
    admin_user, stock, monkeypatch, caplog
):
    feed = services.feed_generate(feed_id=Feed.objects.create(kind="avito").pk)
    before = served(feed)
    kept = Feed.objects.values("file", "etag", "generated_at", "published_count").get(pk=feed.pk)
    client_for(admin_user).patch(
        f"/api/v1/catalog/products/{stock['kia'].pk}/",
        {"description": f"Новое описание{FORBIDDEN}"},
        format="json",
    )
    # A writer that lets a forbidden character through, as one that bypassed the helper would.
    monkeypatch.setattr(writing, "xml_text", lambda value: value)

    with pytest.raises(services.FeedNotWellFormed):
        services.feed_generate(feed_id=feed.pk)
    with caplog.at_level(logging.ERROR, logger="integrations.services.feeds"):
        assert services.feeds_generate() == 0

    assert (
        Feed.objects.values("file", "etag", "generated_at", "published_count").get(pk=feed.pk)
        == kept
    )
    assert served(feed) == before
    assert [path.name for path in (Path(settings.FEEDS_ROOT) / str(feed.pk)).iterdir()] == [
        Path(kept["file"]).name
    ]
    assert f"Feed {feed.pk} could not be generated" in caplog.text
    assert "not well-formed" in caplog.text


def test_the_feeds_file_is_served_at_its_secret_address_only_never_as_media(stock):
    feed = services.feed_generate(feed_id=Feed.objects.create(kind="avito").pk)
    site = Client()

    by_token = site.get(reverse("feed-file", args=["avito", feed.token]))
    bare = site.get(f"{settings.MEDIA_URL}feeds/{feed.pk}/{feed.etag[:20]}.xml")
    named = site.get(f"{settings.MEDIA_URL}{feed.file}")

    assert by_token.status_code == 200
    assert by_token["Content-Type"] == "application/xml; charset=utf-8"
    assert ET.fromstring(by_token.getvalue()).tag == "Ads"
    assert (bare.status_code, named.status_code) == (404, 404)
    assert not list(Path(settings.MEDIA_ROOT).glob("feeds/**/*.xml"))
    stored = Feed.objects.get(pk=feed.pk)
    assert (Path(settings.FEEDS_ROOT) / stored.file).is_file()
    assert not Path(settings.FEEDS_ROOT).is_relative_to(settings.MEDIA_ROOT)
