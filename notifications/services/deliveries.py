"""A delivery sent once, under a lease, by e-mail or SMS, its outcome recorded and a temporary
failure tried again; the sweep that hands back the stalled ones (docs/notifications.md,
"Exactly once" and "Delivery")."""

import re
import smtplib
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Q
from django.template.defaultfilters import linebreaks_filter
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from common.queueing import task_queue
from common.sellers import Seller
from common.types import Id
from documents import selectors as documents_selectors
from notifications import rendering, selectors
from notifications.choices import DELIVERY_TRANSITIONS, Category, Channel, DeliveryStatus
from notifications.models import Delivery, Suppression
from notifications.services.preferences import unsubscribe_url
from notifications.services.templates import template_current
from notifications.sms import PermanentFailure, TemporaryFailure, sms_backend

DB = "notifications"
# A subject is one line; its no-break spaces (in `1 500 000,00 ₽`) stay.
LINE_BREAKS = re.compile(r"[\r\n\t ]+")


class SendLater(Exception):
    """A temporary failure: the task tries again after `seconds`."""

    def __init__(self, reason: str, seconds: int):
        super().__init__(reason)
        self.seconds = seconds


def delivery_send(*, delivery_id: Id) -> Delivery:
    """Send a queued delivery once: lease it (a second worker finds it leased and leaves
    it), send outside any transaction, and record the outcome. SMS in the customer's quiet
    hours is suppressed; a temporary failure raises SendLater, until the attempts run out;
    a permanent one fails it and suppresses the address."""
    delivery = _lease(delivery_id)
    if delivery is None:
        return Delivery.objects.using(DB).get(pk=delivery_id)
    try:
        if delivery.channel == Channel.SMS and (quiet := _quiet_hours(delivery)):
            return _close(delivery, DeliveryStatus.SUPPRESSED, quiet)
        _deliver(delivery)
    except (TemporaryFailure, PermanentFailure, OSError, smtplib.SMTPException) as exc:
        permanent = _permanent(exc)
        if permanent or delivery.attempts >= settings.NOTIFICATIONS_MAX_ATTEMPTS:
            if permanent:
                Suppression.objects.using(DB).get_or_create(
                    channel=delivery.channel,
                    address=delivery.recipient,
                    category="",
                    defaults={"reason": str(exc)[:300]},
                )
            return _close(delivery, DeliveryStatus.FAILED, str(exc))
        _release(delivery, str(exc))
        raise SendLater(
            str(exc), settings.NOTIFICATIONS_RETRY_SECONDS * 2 ** (delivery.attempts - 1)
        ) from exc
    return _close(delivery, DeliveryStatus.SENT, "")


def _permanent(exc: Exception) -> bool:
    """A failure that will not pass: the number refused, the mailbox refused (SMTP 5xx)."""
    if isinstance(exc, PermanentFailure | smtplib.SMTPRecipientsRefused):
        return True
    return isinstance(exc, smtplib.SMTPResponseException) and exc.smtp_code >= 500


def _lease(delivery_id: Id) -> Delivery | None:
    """The delivery, leased to this worker with its attempt counted and its template version
    chosen; None if it is not queued, or another worker holds a live lease."""
    lease = timedelta(seconds=settings.NOTIFICATIONS_LEASE_SECONDS)
    with transaction.atomic(using=DB):
        delivery = Delivery.objects.using(DB).select_for_update().get(pk=delivery_id)
        if delivery.status != DeliveryStatus.QUEUED:
            return None
        if delivery.sending_since and timezone.now() - delivery.sending_since < lease:
            return None
        delivery.template = template_current(
            notice=delivery.notice, channel=delivery.channel, language=delivery.language
        )
        delivery.attempts += 1
        delivery.sending_since = timezone.now()
        delivery.save(
            using=DB, update_fields=["template", "attempts", "sending_since", "updated_at"]
        )
    return delivery


def _release(delivery: Delivery, reason: str) -> None:
    Delivery.objects.using(DB).filter(pk=delivery.pk).update(
        sending_since=None, reason=reason[:500], updated_at=timezone.now()
    )


def _close(delivery: Delivery, status: DeliveryStatus, reason: str) -> Delivery:
    with transaction.atomic(using=DB):
        delivery = Delivery.objects.using(DB).select_for_update().get(pk=delivery.pk)
        if DELIVERY_TRANSITIONS.allows(delivery.status, status):
            DELIVERY_TRANSITIONS.apply(delivery, status)
            delivery.reason = reason[:500]
            delivery.sending_since = None
            delivery.sent_at = timezone.now() if status == DeliveryStatus.SENT else None
            delivery.save(
                using=DB,
                update_fields=["status", "reason", "sending_since", "sent_at", "updated_at"],
            )
    return delivery


def _quiet_hours(delivery: Delivery) -> str:
    """Why an SMS must not go now, in the recipient's quiet hours, or ""."""
    zone = selectors.quiet_hours_zone(user_id=delivery.user_id, time_zone=delivery.time_zone)
    start, end = settings.NOTIFICATIONS_QUIET_HOURS
    if selectors.in_quiet_hours(zone=zone):
        with translation.override(settings.DEALERSHIP_LANGUAGE):
            return _("Quiet hours: no SMS from %(start)02d:00 to %(end)02d:00 (%(zone)s).") % {
                "start": start,
                "end": end,
                "zone": zone,
            }
    return ""


def email_html(
    body: str,
    context: dict[str, str],
    *,
    language: str,
    unsubscribe: str = "",
    order_id: Id | None = None,
) -> str:
    """An e-mail's HTML part: its text in the dealership's layout, in `language`, signed with
    the seller's name, INN, address and phone, as the customer sees it (and the admin's
    preview, and the e-mail walk of tests/browser): the seller of the order it is about, the
    group's when it is about none (docs/showrooms.md, "One seller")."""
    seller = documents_selectors.seller_of(order_id=order_id)
    return _email_html(body, context, language, unsubscribe, seller)


def _email_html(
    body: str, context: dict[str, str], language: str, unsubscribe: str, seller: Seller | None
) -> str:
    with translation.override(language):
        return render_to_string(
            "notifications/email.html",
            {
                "body": linebreaks_filter(mark_safe(rendering.render(body, context, html=True))),
                "unsubscribe_url": unsubscribe,
                "site_url": settings.SITE_URL,
                # Every e-mail says who writes and how to reach them: the seller.
                "seller": seller,
            },
        )


def _deliver(delivery: Delivery) -> None:
    template = delivery.template
    if template is None:
        raise PermanentFailure(f"No template of {delivery.notice} for {delivery.channel}.")
    text = rendering.render(template.body, delivery.context)
    if delivery.channel == Channel.SMS:
        sms_backend().send(phone=delivery.recipient, text=text)
        return
    seller = documents_selectors.seller_of(
        order_id=delivery.order_id, showroom_id=delivery.showroom_id
    )
    with translation.override(delivery.language):
        unsubscribe = (
            "" if delivery.category == Category.TRANSACTIONAL else unsubscribe_url(delivery)
        )
        signature = _signature(seller)
    html = _email_html(template.body, delivery.context, delivery.language, unsubscribe, seller)
    message = EmailMultiAlternatives(
        subject=LINE_BREAKS.sub(" ", rendering.render(template.subject, delivery.context)).strip(),
        body=text + signature + (f"\n\n{unsubscribe}" if unsubscribe else ""),
        to=[delivery.recipient],
        headers={"Message-ID": f"<{delivery.pk}@{settings.NOTIFICATIONS_MESSAGE_ID_DOMAIN}>"}
        | (
            {
                "List-Unsubscribe": f"<{unsubscribe}>",
                "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            }
            if unsubscribe
            else {}
        ),
    )
    message.attach_alternative(html, "text/html")
    message.send()


def _signature(seller: Seller | None) -> str:
    """The text part's signature: the seller's name, INN, address and phone, in the active
    language."""
    if seller is None:
        return ""
    named = f"{seller.name}, {_('INN')} {seller.inn}"
    return "\n\n--\n" + "\n".join(filter(None, (named, seller.address, seller.phone)))


def deliveries_stalled_requeue() -> int:
    """Hand back to Celery the queued deliveries whose task was lost, or whose worker died
    while sending (its lease has run out); how many."""
    now = timezone.now()
    lease = timedelta(seconds=settings.NOTIFICATIONS_LEASE_SECONDS)
    stalled = (
        Delivery.objects.using(DB)
        .filter(status=DeliveryStatus.QUEUED)
        .filter(
            Q(sending_since__lt=now - lease)
            | Q(sending_since__isnull=True, updated_at__lt=now - lease)
        )
    )
    ids = list(stalled.values_list("pk", flat=True))
    for delivery_id in ids:
        task_queue("notifications.tasks.delivery_send_task", str(delivery_id))
    return len(ids)
