"""Yandex's car feed (docs/feeds.md, "Yandex"): Yandex Direct reads a dealer's cars in Auto.ru's
format, and adds to each car its page on the dealer's site (`url`), where its ads and search
results lead. The link is tagged `utm_source=yandex&utm_medium=feed`, so that a buyer it
brings is counted under Yandex (docs/feeds.md, "Sources")."""

from decimal import Decimal
from urllib.parse import urlencode

from django.conf import settings
from django.urls import reverse

from catalog.selectors.feeds import FeedVehicle
from integrations.feeds import autoru
from integrations.feeds.writing import XmlWriter
from integrations.models import Feed

REQUIRED = (*autoru.REQUIRED, "url")
REQUIRED_USED = autoru.REQUIRED_USED
misfits = autoru.misfits
start = autoru.start
finish = autoru.finish


def link(car: FeedVehicle, feed: Feed) -> str:
    """The car's page, tagged with the feed it came by: its campaign is the feed's showroom,
    or `all` for a feed of every showroom's cars."""
    tags = {
        "utm_source": "yandex",
        "utm_medium": "feed",
        "utm_campaign": str(feed.showroom_id or "all"),
    }
    return f"{settings.SITE_URL}{reverse('storefront:car', args=[car.id])}?{urlencode(tags)}"


def write(out: XmlWriter, car: FeedVehicle, feed: Feed, credit_discount: Decimal | None) -> None:
    autoru.write(out, car, feed, credit_discount, url=link(car, feed))
