import re
from collections.abc import Mapping
from urllib.parse import urlsplit

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from common.transitions import TransitionMap
from orders.error_codes import OrderErrorCode


class OrderStatus(models.TextChoices):
    PENDING = "pending", pgettext_lazy("order status", "Pending")
    PAID = "paid", pgettext_lazy("order status", "Paid")
    PROCESSING = "processing", pgettext_lazy("order status", "Processing")
    COMPLETED = "completed", pgettext_lazy("order status", "Completed")
    CANCELLED = "cancelled", pgettext_lazy("order status", "Cancelled")


class LinkKind(models.TextChoices):
    """What another domain attached to an order, as its events report it."""

    PAYMENT = "payment", _("Payment")
    LOAN_APPLICATION = "loan_application", _("Loan application")
    INSURANCE_QUOTE = "insurance_quote", _("Insurance quote")
    INSURANCE_POLICY = "insurance_policy", _("Insurance policy")
    INSURANCE_CLAIM = "insurance_claim", _("Insurance claim")
    TRADE_IN = "trade_in", _("Trade-in")


# Where each status another domain reports stands in its record's life, earliest first. Two
# reports of one record at the same instant (a payment created and captured in one request)
# are ordered by it: the one further along is kept, whichever arrives first
# (`services.order_link_note`). A status not listed is taken as the furthest.
LINK_STAGES: dict[str, tuple[tuple[str, ...], ...]] = {
    LinkKind.PAYMENT: (
        ("pending",),
        ("requires_action",),
        ("completed", "failed"),
        ("partially_refunded",),
        ("refunded",),
    ),
    LinkKind.LOAN_APPLICATION: (
        ("pending_review",),
        ("approved", "rejected", "withdrawn"),
        ("sent_to_lender",),
        ("disbursed",),
        ("overpaid",),
        ("returned",),
    ),
    LinkKind.INSURANCE_QUOTE: (("quoted",), ("purchased", "cancelled")),
    LinkKind.INSURANCE_POLICY: (
        ("pending_payment", "purchased"),
        ("active", "lapsed"),
        ("cancelled",),
    ),
    LinkKind.INSURANCE_CLAIM: (("filed",), ("approved", "rejected")),
}


def link_stage(kind: str, status: str) -> int:
    stages = LINK_STAGES.get(kind, ())
    return next((i for i, stage in enumerate(stages) if status in stage), len(stages))


# A loan application in one of these states, as financing reports it, finances its order:
# the order keeps its stock longer (docs/operations.md, "Unpaid orders").
FINANCED_LOAN_STATUSES = ("approved", "sent_to_lender", "disbursed")
# A loan application in one of these is sized on the order's lines: they stay as they are.
LOAN_SIZED_STATUSES = ("pending_review", "approved", "sent_to_lender", "disbursed")


class Actor(models.TextChoices):
    """Who may make a transition: the order's own customer, staff, or the system (payments)."""

    CUSTOMER = "customer", _("Customer")
    STAFF = "staff", _("Staff")
    SYSTEM = "system", _("System")


# (from, to) -> who may make that move. Nothing else is a legal transition.
ORDER_TRANSITIONS = TransitionMap(
    "order",
    OrderStatus,
    {
        (OrderStatus.PENDING, OrderStatus.PAID): {Actor.SYSTEM},
        (OrderStatus.PENDING, OrderStatus.CANCELLED): {Actor.CUSTOMER, Actor.STAFF, Actor.SYSTEM},
        (OrderStatus.PAID, OrderStatus.PROCESSING): {Actor.STAFF},
        (OrderStatus.PAID, OrderStatus.CANCELLED): {Actor.CUSTOMER, Actor.STAFF, Actor.SYSTEM},
        (OrderStatus.PROCESSING, OrderStatus.COMPLETED): {Actor.STAFF},
        # Money going back (docs/deal.md, "Cancelling"): an order refunded below its total
        # owes again; one refunded in full is cancelled. A completed order stays completed.
        (OrderStatus.PAID, OrderStatus.PENDING): {Actor.SYSTEM},
        (OrderStatus.PROCESSING, OrderStatus.PENDING): {Actor.SYSTEM},
        (OrderStatus.PROCESSING, OrderStatus.CANCELLED): {Actor.SYSTEM},
    },
    code=OrderErrorCode.INVALID_TRANSITION,
    actor_code=OrderErrorCode.TRANSITION_NOT_ALLOWED,
)

PAID_STATUSES = (OrderStatus.PAID, OrderStatus.PROCESSING, OrderStatus.COMPLETED)
OPEN_STATUSES = (OrderStatus.PENDING, OrderStatus.PAID, OrderStatus.PROCESSING)

# The staff feed's channel groups: every order's pushes go to the group's staff (an admin,
# the group's manager), a showroom's orders' to that showroom's too (`orders.realtime.
# showroom_group`); what names no record, such as the back office's dashboard announcing
# that its figures changed, to every member of staff (docs/architecture.md, "The feed").
STAFF_GROUP = "orders.staff"
STAFF_NOTICES_GROUP = "orders.staff.notices"


# WHERE BUYERS COME FROM (docs/feeds.md, "Sources")
# ------------------------------------------------------------------------------
class Source(models.TextChoices):
    """The sources the dashboard and the report name; any other campaign's `utm_source` is
    kept as it came, and a referring site by its host."""

    DIRECT = "direct", _("Direct or unknown")
    AVITO = "avito", "Avito"
    AUTORU = "autoru", "Auto.ru"
    YANDEX = "yandex", _("Yandex")
    GOOGLE = "google", "Google"
    WALK_IN = "walk_in", _("Walk-in")
    PHONE = "phone", _("Phone call")


SOURCE_ALIASES = {"avito.ru": Source.AVITO, "auto.ru": Source.AUTORU, "auto_ru": Source.AUTORU}
REFERRING_HOSTS = {
    "avito.ru": Source.AVITO,
    "auto.ru": Source.AUTORU,
    "yandex.ru": Source.YANDEX,
    "ya.ru": Source.YANDEX,
    "google.com": Source.GOOGLE,
    "google.ru": Source.GOOGLE,
}
UTM_FIELDS = ("utm_source", "utm_medium", "utm_campaign")


# A label of a host name as DNS has it (after IDNA): letters, digits and inner dashes.
_HOST_LABEL = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?")


def referrer_host(referrer: str) -> str:
    """The host of an http(s) referrer, in lower case and ASCII (IDNA), when it is a host name
    of two labels or more, 253 characters at most; "" for anything else: a malformed address
    (`http://[::1`), an address (`::1`, `127.0.0.1` is a name of digits and passes), markup,
    another scheme (docs/feeds.md, "Sources")."""
    try:
        parts = urlsplit(referrer.strip())
        host = (parts.hostname or "").rstrip(".")
        host = host.encode("idna").decode("ascii")
    except (ValueError, UnicodeError):
        return ""
    labels = host.split(".")
    if parts.scheme not in ("http", "https") or len(host) > 253 or len(labels) < 2:
        return ""
    return host if all(_HOST_LABEL.fullmatch(label) for label in labels) else ""


def referrer_origin(referrer: str) -> str:
    """What is kept of a referrer: its scheme and host (`https://drom.ru`), never its path nor
    its query (a search's words), or "" when `referrer_host` finds no host in it."""
    host = referrer_host(referrer)
    return f"{urlsplit(referrer.strip()).scheme}://{host}" if host else ""


def source_of(attribution: Mapping[str, str] | None) -> str:
    """A visit's source: its `utm_source` (lower case, 40 characters of letters, digits, dots,
    dashes and underscores; Auto.ru's spellings as one), else the site that referred it (the
    known ones by name, another by its host, `referrer_host`, cut to 40 characters), else
    direct."""
    attribution = attribution or {}
    utm = re.sub(r"[^a-z0-9._-]", "", attribution.get("utm_source", "").strip().lower())[:40]
    if utm:
        return SOURCE_ALIASES.get(utm, utm)
    host = referrer_host(attribution.get("referrer", "")).removeprefix("www.")
    for known, source in REFERRING_HOSTS.items():
        if host == known or host.endswith(f".{known}"):
            return source
    return host[:40] or Source.DIRECT


def source_label(source: str) -> str:
    """A source as people read it: the known ones by name, another as it is."""
    return str(dict(Source.choices).get(source, source))


# A loan application's status as financing reports it, in staff's words (the order's admin):
# orders cannot read financing's labels, and a raw code is no word.
LOAN_STATUS_WORDS = {
    "pending_review": pgettext_lazy("loan on an order", "Under review"),
    "approved": pgettext_lazy("loan on an order", "Approved"),
    "rejected": pgettext_lazy("loan on an order", "Rejected"),
    "withdrawn": pgettext_lazy("loan on an order", "Withdrawn"),
    "sent_to_lender": pgettext_lazy("loan on an order", "With the lender"),
    "disbursed": pgettext_lazy("loan on an order", "Disbursed"),
    "overpaid": pgettext_lazy("loan on an order", "Overpaid: to return to the lender"),
    "returned": pgettext_lazy("loan on an order", "Returned to the lender"),
}


def link_status_words(kind: str, status: str) -> str:
    """A linked record's status in words where orders has them (a loan's), else as reported."""
    if kind == "loan_application":
        return str(LOAN_STATUS_WORDS.get(status, status))
    return status
