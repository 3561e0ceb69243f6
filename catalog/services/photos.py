"""Writes of the catalog's photos of vehicles: added, ordered, removed with their files, and
their WebP renditions made by a task (docs/api.md, "Photos")."""

from uuid import UUID

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from catalog import events
from catalog.cache import product_list_invalidate_after_commit
from catalog.choices import ProductKind
from catalog.models import Product, ProductPhoto
from common.api.exceptions import ApplicationError
from common.error_codes import CommonErrorCode
from common.images import RENDITIONS, photo_checked, rendition
from common.types import Id

DB = "catalog"


MAX_PHOTOS = 30


def _photo_error(message: StrOrPromise, field: str) -> ApplicationError:
    return ApplicationError(
        message, code=CommonErrorCode.PHOTO_REFUSED, status=400, details={field: [message]}
    )


def photo_add(
    *, product: Product, data: bytes, alt: str = "", is_primary: bool = False
) -> ProductPhoto:
    """A photo of a vehicle, last in its order; the first is its primary one. The served
    copy is stored at once and its renditions made by a task after the commit. The count is
    checked before the image is decoded, and no lock is held while it is (docs/api.md,
    "Photos")."""
    if product.kind != ProductKind.VEHICLE:
        raise _photo_error(_("Only a vehicle has photos."), "product")
    _room_check(ProductPhoto.objects.using(DB).filter(product_id=product.pk).count())
    checked = photo_checked(data)
    with transaction.atomic(using=DB):
        locked = Product.objects.using(DB).select_for_update().get(pk=product.pk)
        photos = ProductPhoto.objects.using(DB).filter(product_id=product.pk)
        count = photos.count()
        _room_check(count)  # again, under the lock: concurrent uploads
        last = photos.aggregate(last=Max("position"))["last"]
        photo = ProductPhoto(
            product_id=product.pk,
            width=checked.width,
            height=checked.height,
            alt=alt,
            position=0 if last is None else last + 1,
            is_primary=is_primary or count == 0,
        )
        if photo.is_primary:
            photos.update(is_primary=False)
        photo.image.save(f"photo.{checked.extension}", ContentFile(checked.content), save=False)
        try:
            photo.save(using=DB)
        except BaseException:
            photo.image.storage.delete(str(photo.image.name))
            raise
        photo_id = photo.pk
        transaction.on_commit(lambda: _renditions_enqueue(photo_id), using=DB, robust=True)
        _photos_changed(locked)
    return photo


def _room_check(count: int) -> None:
    if count >= MAX_PHOTOS:
        raise _photo_error(
            _("A vehicle has at most %(count)s photos.") % {"count": MAX_PHOTOS}, "file"
        )


def _renditions_enqueue(photo_id: UUID) -> None:
    from catalog import tasks

    tasks.photo_renditions_task.delay(str(photo_id))


def photo_update(
    *,
    photo: ProductPhoto,
    position: int | None = None,
    is_primary: bool | None = None,
    alt: str | None = None,
) -> ProductPhoto:
    """Move a photo in its vehicle's order, make it the primary one, or describe it. The
    primary photo stays one: making another primary takes it from this one, and this one
    cannot stop being primary but by another taking its place."""
    with transaction.atomic(using=DB):
        locked = Product.objects.using(DB).select_for_update().get(pk=photo.product_id)
        photo = ProductPhoto.objects.using(DB).get(pk=photo.pk)
        siblings = ProductPhoto.objects.using(DB).filter(product_id=photo.product_id)
        if is_primary is False and photo.is_primary:
            raise _photo_error(
                _("Make another photo primary instead: a vehicle keeps one."), "is_primary"
            )
        if is_primary:
            siblings.exclude(pk=photo.pk).update(is_primary=False)
            photo.is_primary = True
        if alt is not None:
            photo.alt = alt
        if position is not None:
            ordered = [p for p in siblings.order_by("position", "created_at") if p.pk != photo.pk]
            ordered.insert(min(position, len(ordered)), photo)
            for index, sibling in enumerate(ordered):
                if sibling.pk != photo.pk and sibling.position != index:
                    siblings.filter(pk=sibling.pk).update(position=index)
            photo.position = min(position, len(ordered) - 1)
        photo.save(using=DB)
        _photos_changed(locked)
    return photo


def photo_delete(*, photo: ProductPhoto) -> None:
    """Remove a photo and its files; the next one becomes primary if it was."""
    with transaction.atomic(using=DB):
        locked = Product.objects.using(DB).select_for_update().get(pk=photo.product_id)
        names = [str(photo.image.name), *(str(r["name"]) for r in photo.renditions.values())]
        ProductPhoto.objects.using(DB).filter(pk=photo.pk).delete()
        if photo.is_primary:
            successor = (
                ProductPhoto.objects.using(DB)
                .filter(product_id=photo.product_id)
                .order_by("position", "created_at")
                .first()
            )
            if successor is not None:
                ProductPhoto.objects.using(DB).filter(pk=successor.pk).update(is_primary=True)
        storage = photo.image.storage
        # The demo's cars share their drawn pictures (catalog/demo.py): a file another
        # photo still shows stays.
        others = ProductPhoto.objects.using(DB)
        shared = set(others.filter(image__in=names).values_list("image", flat=True))
        for kind in RENDITIONS:
            field = f"renditions__{kind}__name"
            shared |= set(others.filter(**{f"{field}__in": names}).values_list(field, flat=True))
        names = [name for name in names if name not in shared]

        def files_deleted() -> None:
            for name in names:
                storage.delete(name)

        transaction.on_commit(files_deleted, using=DB, robust=True)
        _photos_changed(locked)


def _photos_changed(product: Product) -> None:
    """A car's photos changed: the listing forgets it, and `product.updated` tells those who
    show its photos elsewhere (the classifieds' feeds, docs/feeds.md)."""
    events.PRODUCT_UPDATED.emit(aggregate_id=product.pk, payload=events.product_payload(product))
    product_list_invalidate_after_commit()


def photo_renditions_make(*, photo_id: Id) -> list[str]:
    """Make the WebP renditions a photo lacks; a second run makes none. Returns the names
    of those it made."""
    photo = ProductPhoto.objects.using(DB).filter(pk=photo_id).first()
    if photo is None:
        return []  # deleted since
    missing = {name: width for name, width in RENDITIONS.items() if name not in photo.renditions}
    if not missing:
        return []
    with photo.image.open("rb") as original:
        content = original.read()
    made: dict[str, dict[str, str | int]] = {}
    for name, width in missing.items():
        data, rendered_width, rendered_height = rendition(content, width)
        stored = photo.image.storage.save(
            f"products/{photo.product_id}/{photo.pk}-{name}.webp", ContentFile(data)
        )
        made[name] = {"name": stored, "width": rendered_width, "height": rendered_height}
    with transaction.atomic(using=DB):
        current = ProductPhoto.objects.using(DB).select_for_update().filter(pk=photo_id).first()
        if current is None:
            for made_one in made.values():
                photo.image.storage.delete(str(made_one["name"]))
            return []
        current.renditions = {**current.renditions, **made}
        current.save(using=DB, update_fields=["renditions", "updated_at"])
        product_list_invalidate_after_commit()
    return sorted(made)
