"""The reminders: a car's hold ending, a test drive or an event coming, a trade-in's offer
ending, each notified once (docs/notifications.md, "Notices")."""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from notifications.catalogue import Amount
from notifications.services.notices import notify
from orders import selectors as orders_selectors
from showroom import selectors as showroom_selectors
from tradein import selectors as tradein_selectors

DB = "notifications"
# Hours before the moment each reminder goes: the first, then the last.
REMINDER_HOURS = (24, 2)
APPOINTMENT_NOTICES = {"test_drive": "test_drive.reminder", "seat": "registration.reminder"}
# A trade-in's offer is recalled two days before it ends (docs/tradein.md).
OFFER_REMINDER_HOURS = 48


def reminders_send(*, now: datetime | None = None) -> int:
    """Notify what falls due: a car's hold ending, a test drive or an event coming, 24 and
    2 hours before. Each reminder's key is its object and its hour, so a later run sends
    none twice; one whose moment is nearer than the next reminder's is left to that one.
    Returns how many deliveries were claimed."""
    now = now or timezone.now()
    claimed = 0
    windows = zip(REMINDER_HOURS, (*REMINDER_HOURS[1:], 0), strict=True)
    for hours, nearer in windows:
        after, until = now + timedelta(hours=nearer), now + timedelta(hours=hours)
        for hold in orders_selectors.vehicle_holds_ending(after=after, until=until):
            with transaction.atomic(using=DB):
                claimed += len(
                    notify(
                        notice="order.reservation_expiring",
                        key=f"order.reservation_expiring:{hold.order_id}:{hours}",
                        user_id=hold.customer_id,
                        order_id=hold.order_id,
                        variables={
                            "order_number": hold.order_number,
                            "order_url": f"{settings.SITE_URL}/account/orders/{hold.order_id}/",
                            "reserved_until": hold.ends_at,
                            "hours_left": hours,
                        },
                    )
                )
        for visit in showroom_selectors.appointments_starting(after=after, until=until):
            notice = APPOINTMENT_NOTICES[visit.kind]
            title = "vehicle" if visit.kind == "test_drive" else "event"
            with transaction.atomic(using=DB):
                claimed += len(
                    notify(
                        notice=notice,
                        key=f"{notice}:{visit.id}:{hours}",
                        user_id=visit.user_id,
                        variables={
                            title: visit.title,
                            "starts_at": visit.starts_at,
                            "place": visit.place,
                            "hours_left": hours,
                        },
                    )
                )
    for offer in tradein_selectors.offers_expiring(
        after=now, until=now + timedelta(hours=OFFER_REMINDER_HOURS)
    ):
        with transaction.atomic(using=DB):
            claimed += len(
                notify(
                    notice="trade_in.offer_expiring",
                    key=f"trade_in.offer_expiring:{offer.trade_in_id}:{offer.valid_until.isoformat()}",
                    user_id=offer.customer_id,
                    variables={
                        "car": offer.car,
                        "amount": Amount(offer.amount, offer.currency),
                        "valid_until": offer.valid_until,
                    },
                )
            )
    return claimed
