from celery import shared_task

from tradein import services


@shared_task(acks_late=True, reject_on_worker_lost=True)
def trade_ins_stock_task(order_id: str) -> int:
    """The order's inspected trade-ins into stock; once (docs/tradein.md, "Into stock")."""
    return len(services.trade_ins_stock(order_id=order_id))


@shared_task(acks_late=True)
def offers_expire_task() -> int:
    """Beat: the offers past their date expire."""
    return services.offers_expire()


@shared_task(acks_late=True, reject_on_worker_lost=True)
def trade_in_photo_renditions_task(photo_id: str) -> list[str]:
    """Draw a photo's WebP renditions, off the upload's request (docs/tradein.md, "Photos")."""
    return services.trade_in_photo_renditions_make(photo_id=photo_id)
