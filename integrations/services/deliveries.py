"""Webhook deliveries: recorded from the outbox's events, dispatched, signed, sent, settled
and sent again (docs/integrations.md, "Deliveries")."""

import json
import random
import time
from datetime import UTC, datetime, timedelta
from typing import TypedDict
from uuid import UUID

import httpx
from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from standardwebhooks.webhooks import Webhook

from common.api.exceptions import ApplicationError
from common.encryption import secret_decrypt
from common.events import Event
from common.events.contract import envelope
from common.events.registry import published_as
from common.queueing import task_queue
from common.types import Id
from integrations.choices import DELIVERY_TRANSITIONS, DeliveryStatus
from integrations.models import WebhookAttempt, WebhookDelivery, WebhookSubscription
from integrations.services.subscriptions import subscription_disable
from integrations.targets import Target, target_check

DB = "integrations"
RESPONSE_EXCERPT_CHARS = 1000
# How long a delivery queued for sending is not queued again.
QUEUED_LEASE_SECONDS = 60
USER_AGENT = "Autosalon-Webhooks/1"


def ordering_key(event: Event) -> str:
    """The order an event is about, so that one order's events reach a receiver in order."""
    if event.type.startswith("order."):
        return event.aggregate_id
    return str(event.payload.get("order_id") or event.aggregate_id)


def deliveries_record(event: Event) -> int:
    """A delivery of `event` for each active subscription that wants it. Called inside the
    fan-out consumer's inbox transaction, so each event is recorded once; sending starts
    after commit. Returns how many.

    A renamed type goes out under its new name, or under its former one to a subscription
    that names only that (docs/events.md, "Names"): once either way."""
    names = published_as(event)
    wanted = [
        (subscription, next((e for e in names if subscription.wants(e.type)), None))
        for subscription in WebhookSubscription.objects.using(DB).filter(is_active=True)
    ]
    deliveries = [
        WebhookDelivery(
            subscription=subscription,
            event_id=named.id,
            event_type=named.type,
            ordering_key=ordering_key(named),
            occurred_at=named.occurred,
            body=envelope(named),
            next_attempt_at=timezone.now(),
        )
        for subscription, named in wanted
        if named is not None
    ]
    if not deliveries:
        return 0
    WebhookDelivery.objects.using(DB).bulk_create(deliveries, ignore_conflicts=True)
    _dispatch_after_commit()
    return len(deliveries)


def _dispatch_after_commit() -> None:
    transaction.on_commit(
        lambda: task_queue("integrations.tasks.webhooks_dispatch_task"), using=DB, robust=True
    )


def deliveries_due(*, now: datetime | None = None) -> list[UUID]:
    """The ids of the deliveries to send now: pending, due, held by no sender nor waiting in
    the queue, of an active subscription, and the oldest pending one of their subscription
    and key (by event time, then id)."""
    now = now or timezone.now()
    earlier_pending = WebhookDelivery.objects.filter(
        Q(occurred_at__lt=OuterRef("occurred_at"))
        | Q(occurred_at=OuterRef("occurred_at"), id__lt=OuterRef("id")),
        subscription=OuterRef("subscription"),
        ordering_key=OuterRef("ordering_key"),
        status=DeliveryStatus.PENDING,
    )
    return list(
        WebhookDelivery.objects.using(DB)
        .filter(
            status=DeliveryStatus.PENDING,
            subscription__is_active=True,
            next_attempt_at__lte=now,
        )
        .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
        .filter(Q(queued_until__isnull=True) | Q(queued_until__lt=now))
        .exclude(Exists(earlier_pending))
        .order_by("occurred_at", "id")
        .values_list("id", flat=True)[: settings.WEBHOOKS_DISPATCH_BATCH]
    )


def deliveries_dispatch() -> list[UUID]:
    """The deliveries due now, marked as queued for a while, so that the next dispatch (after
    the next commit, or beat's) does not queue them again while they wait for a worker."""
    now = timezone.now()
    due = deliveries_due(now=now)
    if due:
        WebhookDelivery.objects.using(DB).filter(pk__in=due).update(
            queued_until=now + timedelta(seconds=QUEUED_LEASE_SECONDS)
        )
    return due


def retry_delay(attempts: int) -> timedelta:
    """Exponential from WEBHOOKS_RETRY_BASE_SECONDS, capped at WEBHOOKS_RETRY_MAX_SECONDS,
    with "equal jitter" (half fixed, half random) so that receivers coming back up are not
    hit by every sender at once."""
    ceiling = min(
        settings.WEBHOOKS_RETRY_BASE_SECONDS * 2 ** max(attempts - 1, 0),
        settings.WEBHOOKS_RETRY_MAX_SECONDS,
    )
    return timedelta(seconds=ceiling / 2 + random.uniform(0, ceiling / 2))


def _claim(delivery_id: Id, now: datetime) -> WebhookDelivery | None:
    """Take a due delivery for one attempt, counted now: a sender that dies before it
    settles still used its attempt, and the next one comes after the back-off, once the
    claim has run out. The claim outlasts the longest a task may run."""
    with transaction.atomic(using=DB):
        delivery = (
            WebhookDelivery.objects.using(DB)
            .select_for_update(skip_locked=True, of=("self",))
            .select_related("subscription")
            .filter(pk=delivery_id, status=DeliveryStatus.PENDING, next_attempt_at__lte=now)
            .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
            .first()
        )
        if delivery is None or not delivery.subscription.is_active:
            return None
        delivery.attempts += 1
        delivery.first_attempt_at = delivery.first_attempt_at or now
        delivery.next_attempt_at = now + retry_delay(delivery.attempts)
        delivery.claimed_until = now + timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT + 60)
        delivery.save(using=DB)
    return delivery


def signing_secrets(subscription: WebhookSubscription, now: datetime) -> list[str]:
    """The secrets that sign at `now`: the current one and, until its overlap ends, the one
    the last rotation replaced."""
    secrets = [subscription.secret]
    expires_at = subscription.previous_secret_expires_at
    if subscription.previous_secret_encrypted and expires_at is not None and now < expires_at:
        secrets.append(secret_decrypt(subscription.previous_secret_encrypted))
    return secrets


def signed_headers(
    subscription: WebhookSubscription, delivery: WebhookDelivery, body: str, now: datetime
) -> dict[str, str]:
    """Standard Webhooks headers: the event id, the time, and an HMAC-SHA256 of
    `id.timestamp.body` with each secret that signs at `now`, space-separated (the scheme's
    way of carrying several signatures; a receiver accepts any one that matches)."""
    stamp = datetime.fromtimestamp(int(now.timestamp()), tz=UTC)
    signatures = [
        Webhook(secret).sign(str(delivery.event_id), stamp, body)
        for secret in signing_secrets(subscription, now)
    ]
    return {
        "content-type": "application/json",
        "user-agent": USER_AGENT,
        "webhook-id": str(delivery.event_id),
        "webhook-timestamp": str(int(stamp.timestamp())),
        "webhook-signature": " ".join(signatures),
    }


# The subscription's fields that sign, read again just before each attempt: a rotation
# since the claim signs this attempt too.
SIGNING_FIELDS = ["secret_encrypted", "previous_secret_encrypted", "previous_secret_expires_at"]


class Outcome(TypedDict):
    """What is logged of one attempt (a `WebhookAttempt`'s fields)."""

    status_code: int | None
    response_excerpt: str
    error: str
    latency_ms: int
    succeeded: bool


def _post(subscription: WebhookSubscription, delivery: WebhookDelivery, now: datetime) -> Outcome:
    """One POST, outside any transaction; what to log of it."""
    body = json.dumps(delivery.body, separators=(",", ":"), ensure_ascii=False)
    started = time.monotonic()
    status_code: int | None = None
    response_excerpt = error = ""
    try:
        target = target_check(subscription.url)
        subscription.refresh_from_db(using=DB, fields=SIGNING_FIELDS)
        headers = signed_headers(subscription, delivery, body, now)
        status_code, excerpt = _post_to_checked_address(target, body.encode(), headers)
        response_excerpt = excerpt.decode(errors="replace")[:RESPONSE_EXCERPT_CHARS]
    except ApplicationError as exc:
        error = str(exc.message)
    except httpx.HTTPError as exc:
        error = f"{type(exc).__name__}: {exc}"[:500]
    return {
        "status_code": status_code,
        "response_excerpt": response_excerpt,
        "error": error,
        "latency_ms": int((time.monotonic() - started) * 1000),
        "succeeded": status_code is not None and 200 <= status_code < 300,
    }


def _post_to_checked_address(
    target: Target, content: bytes, headers: dict[str, str]
) -> tuple[int, bytes]:
    """POST to an address the target's check resolved and judged, never to a new resolution
    of its name (DNS rebinding: a name can answer a public address to the check, then a
    private one to the connection). The URL's host still goes in `Host` and, for https, in
    TLS: sent as SNI and verified against the certificate (`sni_hostname`). The next
    address is tried only where one refuses the connection. No proxy from the environment,
    no redirect: the request goes where it was checked (docs/integrations.md, "Targets")."""
    url = httpx.URL(target.url)
    headers = {**headers, "host": url.netloc.decode("ascii")}
    extensions = {"sni_hostname": url.raw_host.decode("ascii")} if url.scheme == "https" else {}
    with httpx.Client(trust_env=False, follow_redirects=False) as client:
        for address in target.addresses:
            request = client.build_request(
                "POST",
                url.copy_with(host=address),
                content=content,
                headers=headers,
                extensions=extensions,
                timeout=settings.WEBHOOKS_TIMEOUT_SECONDS,
            )
            try:
                response = client.send(request, stream=True)
            except httpx.ConnectError as exc:
                refused = exc
                continue
            try:
                excerpt = b""
                for chunk in response.iter_bytes():  # the start of the answer, never all
                    excerpt += chunk
                    if len(excerpt) >= RESPONSE_EXCERPT_CHARS * 4:
                        break
                return response.status_code, excerpt
            finally:
                response.close()
    raise refused


def delivery_send(*, delivery_id: Id, now: datetime | None = None) -> bool | None:
    """Send one delivery if it is still due: True if the receiver took it, False if not,
    None if there was nothing to send (taken by another sender, or no longer pending).
    `now` is the clock, for the tests of the retry window."""
    now = now or timezone.now()
    claimed = _claim(delivery_id, now)
    if claimed is None:
        return None
    outcome = _post(claimed.subscription, claimed, now)
    with transaction.atomic(using=DB):
        delivery = (
            WebhookDelivery.objects.using(DB).select_for_update(of=("self",)).get(pk=claimed.pk)
        )
        WebhookAttempt.objects.using(DB).create(
            delivery=delivery, number=claimed.attempts, **outcome
        )
        if (
            delivery.status != DeliveryStatus.PENDING
            or delivery.claimed_until != claimed.claimed_until
        ):
            return outcome["succeeded"]  # sent again meanwhile (an admin): that attempt decides
        delivery.claimed_until = None
        _settle(delivery, outcome, now)
        delivery.save(using=DB)
    return outcome["succeeded"]


def _settle(delivery: WebhookDelivery, outcome: Outcome, now: datetime) -> None:
    subscription = (
        WebhookSubscription.objects.using(DB).select_for_update().get(pk=delivery.subscription_id)
    )
    window = timedelta(seconds=settings.WEBHOOKS_RETRY_WINDOW_SECONDS)
    if outcome["succeeded"]:
        DELIVERY_TRANSITIONS.apply(delivery, DeliveryStatus.SUCCEEDED)
        delivery.succeeded_at = now
        if subscription.failing_since is not None:
            subscription.failing_since = None
            subscription.save(using=DB, update_fields=["failing_since", "updated_at"])
        _dispatch_after_commit()  # the next of its key, at once
        return
    if now - (delivery.first_attempt_at or now) >= window:
        DELIVERY_TRANSITIONS.apply(delivery, DeliveryStatus.FAILED)
    if subscription.failing_since is None:
        subscription.failing_since = now
        subscription.save(using=DB, update_fields=["failing_since", "updated_at"])
    elif subscription.is_active and now - subscription.failing_since >= window:
        subscription_disable(
            subscription=subscription,
            reason=f"every delivery failed for {window}; last: "
            f"{outcome['error'] or outcome['status_code']}",
            now=now,
        )


def delivery_redeliver(*, delivery_id: Id) -> WebhookDelivery:
    """Send a delivery again, whatever became of it, with a fresh retry window."""
    with transaction.atomic(using=DB):
        delivery = WebhookDelivery.objects.using(DB).select_for_update().get(pk=delivery_id)
        _pending_again(delivery)
        _dispatch_after_commit()
    return delivery


def subscription_redeliver_since(*, subscription_id: UUID, since: datetime) -> int:
    """Send again every delivery of a subscription whose event occurred at `since` or later.
    Returns how many."""
    with transaction.atomic(using=DB):
        deliveries = list(
            WebhookDelivery.objects.using(DB)
            .select_for_update()
            .filter(subscription_id=subscription_id, occurred_at__gte=since)
            .order_by("occurred_at")
        )
        for delivery in deliveries:
            _pending_again(delivery)
        _dispatch_after_commit()
    return len(deliveries)


def _pending_again(delivery: WebhookDelivery) -> None:
    """Due at once with a fresh retry window. A claim still running stays: its sender
    settles the attempt under way."""
    if delivery.status != DeliveryStatus.PENDING:
        DELIVERY_TRANSITIONS.apply(delivery, DeliveryStatus.PENDING)
    delivery.first_attempt_at = None
    delivery.next_attempt_at = timezone.now()
    delivery.queued_until = None
    delivery.save(using=DB)
