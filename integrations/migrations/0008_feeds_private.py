"""The classifieds' feeds move to their own private storage (docs/feeds.md, "Serving"): each
feed's file is copied out of the public media storage, where `/media/feeds/…` served it
without the feed's token, and removed from it."""

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage, storages
from django.db import migrations


def feeds_made_private(apps, schema_editor):
    Feed = apps.get_model("integrations", "Feed")
    db = schema_editor.connection.alias
    for feed in Feed.objects.using(db).exclude(file=""):
        old = feed.file
        if not old.startswith("feeds/"):
            continue  # already private
        if not default_storage.exists(old):  # gone: not served until written again
            Feed.objects.using(db).filter(pk=feed.pk).update(file="", etag="")
            continue
        with default_storage.open(old, "rb") as public:
            content = public.read()
        name = storages["feeds"].save(f"{feed.pk}/{old.rsplit('/', 1)[-1]}", ContentFile(content))
        Feed.objects.using(db).filter(pk=feed.pk).update(file=name)
        default_storage.delete(old)


class Migration(migrations.Migration):
    dependencies = [
        ("integrations", "0007_feed_credit_discounts"),
    ]

    operations = [
        migrations.RunPython(feeds_made_private, migrations.RunPython.noop, elidable=True),
    ]
