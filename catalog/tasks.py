"""The catalog's tasks: thin, taking ids."""

from celery import shared_task


@shared_task(acks_late=True, reject_on_worker_lost=True)
def photo_renditions_task(photo_id: str) -> list[str]:
    """Make a photo's WebP renditions, off the upload's request (docs/api.md, "Photos")."""
    from catalog import services

    return services.photo_renditions_make(photo_id=photo_id)
