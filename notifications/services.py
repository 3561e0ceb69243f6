"""Writes of the notifications domain (docs/notifications.md). A notice becomes deliveries in
the consumer's transaction: one per channel the customer hears it on, each claimed by its
unique key before anything is sent, and sent by a task after the commit. A delivery is sent
under a lease, so that two workers never send it together, and a worker that dies mid-send
leaves it for the sweep."""

import logging
import re
import smtplib
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Max, Q
from django.template.defaultfilters import linebreaks_filter
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django_stubs_ext import StrOrPromise

from accounts import selectors as accounts_selectors
from common.exceptions import ApplicationError
from common.formatting import local_date, local_datetime, money
from common.queueing import task_queue
from common.types import Actor, Id
from notifications import defaults, rendering
from notifications.catalogue import NOTICES
from notifications.choices import DELIVERY_TRANSITIONS, Category, Channel, DeliveryStatus
from notifications.error_codes import NotificationErrorCode
from notifications.models import Delivery, Preference, Suppression, Template
from notifications.sms import PermanentFailure, TemporaryFailure, sms_backend
from orders import selectors as orders_selectors
from showroom import selectors as showroom_selectors
from tradein import selectors as tradein_selectors

DB = "notifications"
logger = logging.getLogger(__name__)
UNSUBSCRIBE_SALT = "notifications.unsubscribe"
# A subject is one line; its no-break spaces (in `1 500 000,00 ₽`) stay.
LINE_BREAKS = re.compile(r"[\r\n\t ]+")


@dataclass(frozen=True)
class Amount:
    """An amount in a notice's variables, formatted in the customer's language."""

    value: Decimal | str
    currency: str


Value = StrOrPromise | int | Amount | date | datetime | None


# NOTIFY
# ------------------------------------------------------------------------------
def notify(
    *,
    notice: str,
    key: str,
    user_id: Id,
    variables: Mapping[str, Value],
    order_id: Id | None = None,
) -> list[Delivery]:
    """Claim a delivery of `notice` to the customer on each of its channels they have an
    address for, once per `key` (the event's id, or a reminder's moment): a second call
    with the same key adds nothing. Call inside the consumer's transaction; the sending
    happens after it commits. One the customer's preferences or a suppression rule out is
    recorded as suppressed, with why."""
    card = accounts_selectors.user_card(user_id=user_id)
    if card is None or not card.is_active:
        return []
    spec = NOTICES[notice]
    preference = Preference.objects.using(DB).filter(pk=user_id).first() or Preference(
        user_id=user_id
    )
    language = card.language or settings.DEALERSHIP_LANGUAGE
    with translation.override(language):
        context = {
            "name": card.full_name or card.email,
            "site_url": settings.SITE_URL,
            **{name: _formatted(value) for name, value in variables.items()},
        }
    made = []
    for channel in spec.channels:
        address = card.email if channel == Channel.EMAIL else card.phone
        if not address:
            continue
        delivery, created = Delivery.objects.using(DB).get_or_create(
            key=key,
            channel=channel,
            recipient=address,
            defaults={
                "notice": notice,
                "category": spec.category,
                "user_id": user_id,
                "order_id": order_id,
                "language": language,
                "context": context,
            },
        )
        if not created:
            continue
        reason = _ruled_out(preference, channel, spec.category, address)
        if reason:
            _close(delivery, DeliveryStatus.SUPPRESSED, reason)
        else:
            _send_after_commit(delivery.pk)
        made.append(delivery)
    return made


def _formatted(value: Value) -> str:
    if isinstance(value, Amount):
        return money(value.value, value.currency)
    if isinstance(value, datetime):
        return local_datetime(value)
    if isinstance(value, date):
        return local_date(value)
    return "" if value is None else str(value)


def _ruled_out(preference: Preference, channel: str, category: str, address: str) -> str:
    """Why a notice must not go to `address`, or "": in the dealership's language, as the
    log the managers read keeps it."""
    with translation.override(settings.DEALERSHIP_LANGUAGE):
        return _why_not(preference, channel, category, address)


def _why_not(preference: Preference, channel: str, category: str, address: str) -> str:
    if not preference.allows(channel, category):
        return _("The customer turned off %(category)s by %(channel)s.") % {
            "category": Category(category).label.lower(),
            "channel": Channel(channel).label,
        }
    # A bounce stops everything; an unsubscribe, its category only (never the deal's news).
    categories = [""] if category == Category.TRANSACTIONAL else ["", category]
    found = (
        Suppression.objects.using(DB)
        .filter(channel=channel, address=address, category__in=categories)
        .first()
    )
    if found is not None:
        return _("The address is suppressed: %s") % found.reason
    return ""


def _send_after_commit(delivery_id: uuid.UUID) -> None:
    transaction.on_commit(
        lambda: task_queue("notifications.tasks.delivery_send_task", str(delivery_id)),
        using=DB,
        robust=True,
    )


# SEND
# ------------------------------------------------------------------------------
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
        if delivery.channel == Channel.SMS and (quiet := _quiet_hours(delivery.user_id)):
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


def _quiet_hours(user_id: Id) -> str:
    """Why an SMS must not go now, in the customer's quiet hours, or ""."""
    zone = (
        Preference.objects.using(DB).filter(pk=user_id).values_list("time_zone", flat=True).first()
        or settings.TIME_ZONE
    )
    start, end = settings.NOTIFICATIONS_QUIET_HOURS
    hour = timezone.now().astimezone(ZoneInfo(zone)).hour
    if hour >= start or hour < end:
        with translation.override(settings.DEALERSHIP_LANGUAGE):
            return _("Quiet hours: no SMS from %(start)02d:00 to %(end)02d:00 (%(zone)s).") % {
                "start": start,
                "end": end,
                "zone": zone,
            }
    return ""


def _deliver(delivery: Delivery) -> None:
    template = delivery.template
    if template is None:
        raise PermanentFailure(f"No template of {delivery.notice} for {delivery.channel}.")
    text = rendering.render(template.body, delivery.context)
    if delivery.channel == Channel.SMS:
        sms_backend().send(phone=delivery.recipient, text=text)
        return
    with translation.override(delivery.language):
        unsubscribe = (
            "" if delivery.category == Category.TRANSACTIONAL else unsubscribe_url(delivery)
        )
        html = render_to_string(
            "notifications/email.html",
            {
                "body": linebreaks_filter(
                    mark_safe(rendering.render(template.body, delivery.context, html=True))
                ),
                "unsubscribe_url": unsubscribe,
                "site_url": settings.SITE_URL,
            },
        )
    message = EmailMultiAlternatives(
        subject=LINE_BREAKS.sub(" ", rendering.render(template.subject, delivery.context)).strip(),
        body=text + (f"\n\n{unsubscribe}" if unsubscribe else ""),
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


# UNSUBSCRIBE
# ------------------------------------------------------------------------------
def unsubscribe_url(delivery: Delivery) -> str:
    token = signing.dumps(str(delivery.pk), salt=UNSUBSCRIBE_SALT, compress=True)
    return f"{settings.SITE_URL}/notifications/unsubscribe/{token}/"


def unsubscribe(*, token: str) -> Delivery:
    """Turn off the category of the delivery the signed link came with, on its channel,
    once: a link used already, or tampered with, is refused."""
    try:
        delivery_id = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        raise _link_invalid() from None
    with transaction.atomic(using=DB):
        delivery = Delivery.objects.using(DB).select_for_update().filter(pk=delivery_id).first()
        if delivery is None or delivery.category == Category.TRANSACTIONAL:
            raise _link_invalid()
        preference, _created = Preference.objects.using(DB).get_or_create(user_id=delivery.user_id)
        field = f"{delivery.channel}_{delivery.category}"
        if not getattr(preference, field):
            raise _link_invalid()
        setattr(preference, field, False)
        preference.save(using=DB, update_fields=[field, "updated_at"])
    return delivery


def _link_invalid() -> ApplicationError:
    return ApplicationError(
        _("This unsubscribe link is not valid, or was used already."),
        code=NotificationErrorCode.UNSUBSCRIBE_LINK_INVALID,
        status=400,
    )


# PREFERENCES
# ------------------------------------------------------------------------------
def preferences_update(
    *,
    user: Actor,
    changes: dict[str, dict[str, bool]],
    marketing_consent: bool | None = None,
    time_zone: str | None = None,
) -> Preference:
    """Set what the customer hears on each channel (`changes`: channel → category → on).
    Transactional e-mail stays on; marketing needs a recorded consent, given now or before."""
    with transaction.atomic(using=DB):
        preference, _created = (
            Preference.objects.using(DB).select_for_update().get_or_create(user_id=user.pk)
        )
        if marketing_consent is not None:
            preference.marketing_consent_at = timezone.now() if marketing_consent else None
            if not marketing_consent:
                preference.email_marketing = preference.sms_marketing = False
        for channel, categories in changes.items():
            for category, on in categories.items():
                if (channel, category) == (Channel.EMAIL, Category.TRANSACTIONAL):
                    if not on:
                        raise ApplicationError(
                            _("E-mail about your deal cannot be turned off."),
                            code="validation_error",
                            status=400,
                            details={"email": {"transactional": [_("It is always on.")]}},
                        )
                    continue
                if category == Category.MARKETING and on and not preference.marketing_consent_at:
                    raise ApplicationError(
                        _("Offers need your consent first: send marketing_consent: true."),
                        code=NotificationErrorCode.MARKETING_CONSENT_REQUIRED,
                        status=400,
                    )
                setattr(preference, f"{channel}_{category}", on)
        if time_zone is not None:
            preference.time_zone = time_zone
        preference.save(using=DB)
    return preference


# TEMPLATES
# ------------------------------------------------------------------------------
def template_current(*, notice: str, channel: str, language: str) -> Template | None:
    """The latest version for the language, else the dealership's language's. A notice
    with no version yet (a test's emptied database) gets the shipped ones first."""
    versions = Template.objects.using(DB).filter(notice=notice, channel=channel)
    if not versions.exists():
        defaults.shipped_load(Template)
    return (
        versions.filter(language=language).order_by("-version").first()
        or versions.filter(language=settings.DEALERSHIP_LANGUAGE).order_by("-version").first()
    )


def template_problems(*, notice: str, subject: str, body: str) -> list[str]:
    variables = set(NOTICES[notice].variables)
    return rendering.problems(subject, variables) + rendering.problems(body, variables)


def template_version_create(
    *, notice: str, channel: str, language: str, subject: str, body: str, user: Actor | None
) -> Template:
    """A new version, used by the next delivery; one naming an undocumented variable, or
    using a tag other than `if`, is refused."""
    if found := template_problems(notice=notice, subject=subject, body=body):
        raise ApplicationError(
            "; ".join(found),
            code=NotificationErrorCode.TEMPLATE_INVALID,
            status=400,
            details={"body": found},
        )
    with transaction.atomic(using=DB):
        versions = (
            Template.objects.using(DB)
            .select_for_update()
            .filter(notice=notice, channel=channel, language=language)
        )
        latest = versions.aggregate(latest=Max("version"))["latest"] or 0
        return Template.objects.using(DB).create(
            notice=notice,
            channel=channel,
            language=language,
            version=latest + 1,
            subject=subject,
            body=body,
            created_by_id=getattr(user, "pk", None),
        )


# REMINDERS
# ------------------------------------------------------------------------------
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
                            "order_number": str(hold.order_id)[:8].upper(),
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
