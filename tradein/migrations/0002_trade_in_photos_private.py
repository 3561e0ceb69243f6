"""The trade-ins' photos move to their own private storage, under random names
(docs/tradein.md, "Photos"): each existing photo's files are copied out of the public media
storage and removed from it."""

import uuid

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage, storages
from django.db import migrations, models

import tradein.models


def private_copy(name: str, trade_in_id, stem: str, suffix: str) -> str:
    extension = name.rsplit(".", 1)[-1].lower()
    with default_storage.open(name, "rb") as public:
        content = public.read()
    return storages["tradein_photos"].save(
        f"{trade_in_id}/{stem}{suffix}.{extension}", ContentFile(content)
    )


def photos_made_private(apps, schema_editor):
    TradeInPhoto = apps.get_model("tradein", "TradeInPhoto")
    db = schema_editor.connection.alias
    for photo in TradeInPhoto.objects.using(db).all():
        old = str(photo.image.name)
        if not old or not default_storage.exists(old):
            continue  # already private, or its file is gone
        stem = uuid.uuid4().hex
        renditions = {}
        moved = [old]
        for kind, made in photo.renditions.items():
            if default_storage.exists(made["name"]):
                renditions[kind] = {
                    **made,
                    "name": private_copy(made["name"], photo.trade_in_id, stem, f"-{kind}"),
                }
                moved.append(made["name"])
        image = private_copy(old, photo.trade_in_id, stem, "")
        TradeInPhoto.objects.using(db).filter(pk=photo.pk).update(
            image=image, renditions=renditions
        )
        for name in moved:
            default_storage.delete(name)


class Migration(migrations.Migration):
    dependencies = [
        ("tradein", "0001_initial"),
    ]

    operations = [
        migrations.AlterField(
            model_name="tradeinphoto",
            name="image",
            field=models.FileField(
                max_length=300,
                storage=tradein.models.photo_storage,
                upload_to=tradein.models.photo_path,
            ),
        ),
        migrations.RunPython(photos_made_private, migrations.RunPython.noop, elidable=True),
    ]
