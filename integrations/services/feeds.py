"""The classifieds' feeds written ahead (docs/feeds.md, "Serving"): on a schedule and soon
after the catalog changes, never while a site waits. Each feed is written to a temporary
file as its cars are read, parsed back, then stored under its digest in the feeds' private
storage; the site is served the stored one, at the feed's secret address only."""

import hashlib
import logging
import tempfile
import xml.etree.ElementTree as ET
from datetime import datetime
from decimal import Decimal
from types import ModuleType
from typing import IO, Any

from django.conf import settings
from django.core.cache import cache
from django.core.files import File
from django.core.files.storage import Storage, storages
from django.db import transaction
from django.utils import timezone

from common.queueing import task_queue
from common.types import Id
from integrations.choices import FeedKind
from integrations.feeds import autoru, avito, yandex
from integrations.feeds.discounts import Discounts
from integrations.feeds.selection import LeftOut, sort_out
from integrations.feeds.writing import XmlWriter
from integrations.models import CreditDiscount, Feed

DB = "integrations"
FORMATS: dict[str, ModuleType] = {
    FeedKind.AVITO: avito,
    FeedKind.AUTORU: autoru,
    FeedKind.YANDEX: yandex,
}
QUEUED = "integrations:feeds-regeneration-queued"
logger = logging.getLogger(__name__)


class FeedNotWellFormed(Exception):
    """A feed written that does not parse as XML: it is not published, the previous one
    stays (docs/feeds.md, "Serving")."""


def feed_storage() -> Storage:
    """The feeds' files: private, outside the public media, read only by the view that
    checks the feed's token (docs/feeds.md, "Serving")."""
    return storages["feeds"]


def feed_generate(*, feed_id: Id) -> Feed:
    """Write a feed afresh: its cars in its format, and the cars left out with their
    reasons. Stored anew only when its content changed, and only once it parses: one that
    does not raises FeedNotWellFormed and changes nothing, the previous file still served."""
    feed = Feed.objects.using(DB).get(pk=feed_id)
    format = FORMATS[feed.kind]
    discounts = Discounts.in_force()
    excluded: list[dict[str, object]] = []
    published = 0
    with tempfile.TemporaryFile() as raw:
        out = XmlWriter(raw)
        format.start(out)
        for sorted_car in sort_out(feed, format):
            if isinstance(sorted_car, LeftOut):
                car = sorted_car.car
                reasons = [reason.value for reason in sorted_car.reasons]
                excluded.append({"id": str(car.id), "name": car.name, "reasons": reasons})
            else:
                format.write(out, sorted_car, feed, discounts.credit(sorted_car))
                published += 1
        format.finish(out)
        _parsed(raw, feed)
        etag = _digest(raw)
        previous = feed.file
        storage = feed_storage()
        if etag != feed.etag or not feed.file or not storage.exists(feed.file):
            raw.seek(0)
            feed.file = storage.save(f"{feed.pk}/{etag[:20]}.xml", File(raw))
    feed.etag = etag
    feed.generated_at = timezone.now()
    feed.published_count = published
    feed.excluded = excluded
    feed.save(
        using=DB,
        update_fields=["file", "etag", "generated_at", "published_count", "excluded", "updated_at"],
    )
    if previous and previous != feed.file:
        storage.delete(previous)
    return feed


def _parsed(raw: IO[bytes], feed: Feed) -> None:
    """The feed written must parse before anything is published: read back as it streams,
    each element let go once read, so that a feed of any size takes little memory."""
    raw.seek(0)
    try:
        for _event, element in ET.iterparse(raw, events=("end",)):
            element.clear()
    except ET.ParseError as exc:
        raise FeedNotWellFormed(
            f"The {feed.kind} feed {feed.pk} is not well-formed: {exc}"
        ) from exc


def _digest(raw: IO[bytes]) -> str:
    raw.seek(0)
    digest = hashlib.sha256()
    while chunk := raw.read(1 << 16):
        digest.update(chunk)
    return digest.hexdigest()


def feeds_generate() -> int:
    """Write every active feed afresh; how many. One that fails is logged, the others go on."""
    written = 0
    for feed_id in Feed.objects.using(DB).filter(is_active=True).values_list("pk", flat=True):
        try:
            feed_generate(feed_id=feed_id)
        except Exception:
            logger.exception("Feed %s could not be generated", feed_id)
            continue
        written += 1
    return written


def credit_discount_note(*, report: dict[str, Any]) -> None:
    """A credit discount as financing's event reports it (docs/feeds.md, "Discounts"): kept
    unless a newer change is kept already. A deleted one stays as offered no more, stamped
    with its deletion, so that a late report of an earlier change cannot bring it back. The
    feeds are written afresh soon."""
    updated_at = datetime.fromisoformat(report["updated_at"])
    with transaction.atomic(using=DB):
        kept = CreditDiscount.objects.using(DB).select_for_update().filter(pk=report["id"]).first()
        if kept is not None and kept.updated_at > updated_at:
            return
        CreditDiscount.objects.using(DB).update_or_create(
            pk=report["id"],
            defaults={
                "name": report["name"],
                "amount": Decimal(report["amount"]),
                "condition": report["condition"],
                "max_price": _decimal(report["max_price"]),
                "makes": report["makes"],
                "valid_from": report["valid_from"],
                "valid_until": report["valid_until"],
                "min_loan_amount": Decimal(report["min_loan_amount"]),
                "is_active": report["is_active"],
                "updated_at": updated_at,
            },
        )
    feeds_regenerate_soon()


def _decimal(value: str | None) -> Decimal | None:
    return None if value is None else Decimal(value)


def feeds_regenerate_soon() -> None:
    """The catalog changed: the feeds are written afresh FEEDS_DEBOUNCE_SECONDS from now,
    once for every change in between (a price list imported is one regeneration)."""
    if cache.add(QUEUED, "1", timeout=settings.FEEDS_DEBOUNCE_SECONDS + 60):
        task_queue(
            "integrations.tasks.feeds_generate_task", countdown=settings.FEEDS_DEBOUNCE_SECONDS
        )


def feeds_regeneration_taken() -> None:
    """The queued regeneration starts: a change from now on queues the next."""
    cache.delete(QUEUED)
