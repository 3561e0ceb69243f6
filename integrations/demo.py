"""The classifieds' feeds of `make run` (docs/feeds.md): Avito's, Auto.ru's and Yandex's, of
every showroom's cars, written once the demo stock is in."""

from integrations import services
from integrations.choices import FeedKind
from integrations.models import Feed


def seed(stdout) -> None:
    for kind in FeedKind:
        feed, _ = Feed.objects.get_or_create(kind=kind, showroom_id=None)
        feed = services.feed_generate(feed_id=feed.pk)
        stdout.write(
            f"  {feed.get_kind_display()}: {feed.published_count} cars in, "
            f"{len(feed.excluded)} left out, at /feeds/{feed.kind}/{feed.token}.xml"
        )
