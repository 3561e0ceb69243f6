"""Notifications from the payment provider (docs/payments.md, "Notifications"). The request
that brings one only records it, once per the provider's event id, with an outbox event in
the same transaction, and answers; a task then asks the provider for the object afresh and
settles the payment or refund from that answer, never from the notification's body."""

import logging
import uuid
from dataclasses import asdict
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from common.queueing import task_queue
from common.types import Id
from payments import events
from payments.choices import NOTIFICATION_TRANSITIONS, NotificationStatus
from payments.models import Payment, ProviderNotification, Refund
from payments.providers import Kind, Notification, ProviderRecord, get_provider
from payments.services.ledger import provider_call
from payments.services.payments import payment_settle
from payments.services.refunds import refund_settle

DB = "payments"
logger = logging.getLogger(__name__)
# What a notification's claims are checked on against the provider's own record.
CHECKED_CLAIMS = ("reference", "state", "ours", "amount", "currency")


def provider_notification_receive(*, provider: str, notice: Notification) -> bool:
    """Record an authenticated notification, once: True when it is new. Its application
    starts from the outbox event written with it."""
    claims = notice.claims and {
        name: str(value) for name, value in asdict(notice.claims).items() if name in CHECKED_CLAIMS
    }
    with transaction.atomic(using=DB):
        record, created = ProviderNotification.objects.using(DB).get_or_create(
            provider=provider,
            event_id=notice.event_id[:200],
            defaults={
                "event_type": notice.event_type[:100],
                "kind": notice.kind,
                "reference": notice.reference[:100],
                "ours": notice.ours[:100],
                "claims": claims,
            },
        )
        if created:
            events.PROVIDER_NOTIFIED.emit(
                aggregate_id=record.pk,
                payload={
                    "id": str(record.pk),
                    "provider": provider,
                    "event_type": record.event_type,
                },
            )
    return created


def provider_notification_enqueue(notification_id: Id) -> None:
    task_queue("payments.tasks.provider_notification_task", str(notification_id))


def provider_notification_apply(*, notification_id: Id) -> ProviderNotification:
    """Act on a recorded notification, once: fetch its object from the provider and settle
    our payment or refund by it. A notification about nothing of ours is ignored, and one
    the provider's record contradicts is refused; both are logged. Provider outages
    propagate, for the task to retry."""
    notice = ProviderNotification.objects.using(DB).get(pk=notification_id)
    if notice.status != NotificationStatus.RECEIVED:
        return notice
    target = _target(notice)
    if target is None:
        return _close(notice, NotificationStatus.IGNORED, "No payment or refund of ours is meant.")
    try:
        held = provider_call(
            get_provider(notice.provider).fetch, Kind(notice.kind), notice.reference
        )
    except LookupError as exc:
        return _close(notice, NotificationStatus.REFUSED, f"The provider denies it: {exc}")
    if reason := _contradiction(notice, held, target):
        return _close(notice, NotificationStatus.REFUSED, reason)
    if isinstance(target, Payment):
        settled = payment_settle(payment_id=target.pk, held=held).status
    else:
        settled = refund_settle(refund_id=target.pk, held=held).status
    return _close(notice, NotificationStatus.APPLIED, f"The {notice.kind} is {settled}.")


def notifications_unapplied_requeue(*, older_than: timedelta) -> int:
    """Hand notifications whose task was lost back to Celery; how many."""
    stale = ProviderNotification.objects.using(DB).filter(
        status=NotificationStatus.RECEIVED, created_at__lt=timezone.now() - older_than
    )
    ids = list(stale.values_list("pk", flat=True))
    for notification_id in ids:
        provider_notification_enqueue(notification_id)
    return len(ids)


def _target(notice: ProviderNotification) -> Payment | Refund | None:
    """Our payment or refund the notification is about: by our id, if the provider kept it,
    otherwise by the provider's reference."""
    try:
        ours = uuid.UUID(notice.ours) if notice.ours else None
    except ValueError:
        ours = None
    if notice.kind == Kind.CHARGE:
        payments = Payment.objects.using(DB)
        if ours is not None:
            return payments.filter(pk=ours).first()
        payments = payments.filter(provider=notice.provider)
        return payments.filter(provider_reference=notice.reference).first()
    refunds = Refund.objects.using(DB)
    if ours is not None:
        return refunds.filter(pk=ours).first()
    return refunds.filter(provider_reference=notice.reference).first()


def _contradiction(
    notice: ProviderNotification, held: ProviderRecord, target: Payment | Refund
) -> str:
    """Why the provider's own record of the object rules the notification out, or ""."""
    if held.ours and held.ours != str(target.pk):
        return f"The provider's {notice.reference} belongs to {held.ours}, not to {target.pk}."
    if notice.claims:
        fetched = {name: str(value) for name, value in asdict(held).items()}
        differing = [name for name in CHECKED_CLAIMS if notice.claims[name] != fetched[name]]
        if differing:
            return f"The provider's record differs in {', '.join(differing)}."
    return ""


def _close(notice: ProviderNotification, status: str, note: str) -> ProviderNotification:
    if status != NotificationStatus.APPLIED:
        logger.warning(
            "Notification %s from %s (%s %s) %s: %s",
            notice.event_id,
            notice.provider,
            notice.event_type,
            notice.reference,
            status,
            note,
        )
    NOTIFICATION_TRANSITIONS.apply(notice, status)
    notice.note, notice.processed_at = note[:500], timezone.now()
    notice.save(using=DB, update_fields=["status", "note", "processed_at", "updated_at"])
    return notice
