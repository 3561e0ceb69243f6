"""Dates, times, money and counts as people read them: in the active language (Django's own
formats, `ru` or `en`) and on the dealership's clock. The one place that formats them, for the
admin, the dashboards, the pages and the e-mails (docs/admin.md, "Languages")."""

from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from typing import Literal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.translation import get_language, ngettext

EMPTY = "—"
# What a template hands a filter for a value it lacks (`string_if_invalid`).
Missing = Literal[""] | None


def dealership_time(moment: datetime) -> datetime:
    """`moment` on the dealership's clock (`DEALERSHIP_TIME_ZONE`), whatever zone it came in."""
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment, timezone.get_default_timezone())
    return moment.astimezone(ZoneInfo(settings.DEALERSHIP_TIME_ZONE))


def money(amount: Decimal | float | str | None, currency: str = "", *, whole: bool = False) -> str:
    """`1 250 000,00 ₽` in Russian, `1,250,000.00 RUB` in English: grouped, two decimals
    (none with `whole`, for round figures such as thresholds: `3 000 000 ₽`)."""
    if amount is None or amount == "":
        return EMPTY
    decimals = 0 if whole else 2
    figure = number_format(amount, decimal_pos=decimals, use_l10n=True, force_grouping=True)
    if currency == "RUB" and get_language() == "ru":
        return f"{figure}\u00a0₽"
    return f"{figure}\u00a0{currency}".strip()


def percent(value: Decimal | float | str | None) -> str:
    """A rate as the language writes it, without its sign: `15,90` in Russian, `15.90` in
    English (the template adds ` %` or `%`)."""
    if value is None or value == "":
        return EMPTY
    return number_format(Decimal(str(value)), decimal_pos=2, use_l10n=True)


def tel(phone: str) -> str:
    """A phone as a `tel:` link dials it, `+74951234567`: its digits and the leading plus."""
    return "".join(c for c in phone or "" if c.isdigit() or c == "+")


def local_date(value: date | Missing) -> str:
    """A day in the language's short form: `24.11.2026` in Russian."""
    if value is None or value == "":
        return EMPTY
    if isinstance(value, datetime):
        value = dealership_time(value)
    return date_format(value, "SHORT_DATE_FORMAT")


def local_time(moment: datetime | None) -> str:
    """A time of day on the dealership's clock, 24-hour in both languages."""
    if moment is None:
        return EMPTY
    return date_format(dealership_time(moment), "H:i")


def local_datetime(moment: date | Missing) -> str:
    """A date and time on the dealership's clock, as short as it reads: `24.11.2026 19:30`."""
    if moment is None or moment == "":
        return EMPTY
    if isinstance(moment, date) and not isinstance(moment, datetime):
        return local_date(moment)
    return f"{local_date(moment)} {local_time(moment)}"


# The old name, which the admin's columns use.
short_datetime = local_datetime


def count_of(label_lower: str, count: int) -> str:
    """`6 заказов`: a count with its noun in the right plural form for the language (Russian
    has three), for each model the admin shows (`label_lower`); any other counts records.
    Django's `model_ngettext` and list footer know only a singular and a plural."""
    counted = COUNTED.get(label_lower)
    if counted is None:
        phrase = ngettext("%(count)d record", "%(count)d records", count)
    else:
        phrase = counted(count)
    return phrase % {"count": count}


# Each model's noun as its verbose names say it, spelled out for `makemessages` (ngettext
# needs its literal strings); keep them in step with the models' verbose names.
COUNTED: dict[str, Callable[[int], str]] = {
    "accounts.activitylog": lambda n: ngettext(
        "%(count)d account activity entry", "%(count)d account activity entries", n
    ),
    "accounts.consent": lambda n: ngettext(
        "%(count)d consent to personal data processing",
        "%(count)d consents to personal data processing",
        n,
    ),
    "accounts.externalidentity": lambda n: ngettext(
        "%(count)d linked sign-in", "%(count)d linked sign-ins", n
    ),
    "accounts.signinfailure": lambda n: ngettext(
        "%(count)d sign-in failure", "%(count)d sign-in failures", n
    ),
    "accounts.user": lambda n: ngettext("%(count)d user", "%(count)d users", n),
    "auth.group": lambda n: ngettext("%(count)d group", "%(count)d groups", n),
    "catalog.category": lambda n: ngettext("%(count)d category", "%(count)d categories", n),
    "catalog.product": lambda n: ngettext("%(count)d product", "%(count)d products", n),
    "catalog.stockreservation": lambda n: ngettext(
        "%(count)d stock reservation", "%(count)d stock reservations", n
    ),
    "crm.client": lambda n: ngettext("%(count)d client", "%(count)d clients", n),
    "crm.contact": lambda n: ngettext("%(count)d contact", "%(count)d contacts", n),
    "crm.erasure": lambda n: ngettext("%(count)d erasure", "%(count)d erasures", n),
    "crm.tag": lambda n: ngettext("%(count)d tag", "%(count)d tags", n),
    "documents.document": lambda n: ngettext("%(count)d document", "%(count)d documents", n),
    "documents.documenttemplate": lambda n: ngettext(
        "%(count)d document template", "%(count)d document templates", n
    ),
    "documents.legalentity": lambda n: ngettext(
        "%(count)d legal entity", "%(count)d legal entities", n
    ),
    "documents.requisiteschange": lambda n: ngettext(
        "%(count)d requisites change", "%(count)d requisites changes", n
    ),
    "notifications.delivery": lambda n: ngettext(
        "%(count)d notification", "%(count)d notifications", n
    ),
    "notifications.preference": lambda n: ngettext(
        "%(count)d notification preference", "%(count)d notification preferences", n
    ),
    "notifications.suppression": lambda n: ngettext(
        "%(count)d suppressed address", "%(count)d suppressed addresses", n
    ),
    "notifications.template": lambda n: ngettext(
        "%(count)d notification template", "%(count)d notification templates", n
    ),
    "tradein.tradein": lambda n: ngettext("%(count)d trade-in", "%(count)d trade-ins", n),
    "service.bay": lambda n: ngettext("%(count)d service bay", "%(count)d service bays", n),
    "service.advisor": lambda n: ngettext(
        "%(count)d service advisor", "%(count)d service advisors", n
    ),
    "service.labourrate": lambda n: ngettext("%(count)d labour rate", "%(count)d labour rates", n),
    "service.operation": lambda n: ngettext("%(count)d operation", "%(count)d operations", n),
    "service.part": lambda n: ngettext("%(count)d part", "%(count)d parts", n),
    "service.maintenancemenu": lambda n: ngettext(
        "%(count)d maintenance menu", "%(count)d maintenance menus", n
    ),
    "service.booking": lambda n: ngettext(
        "%(count)d service booking", "%(count)d service bookings", n
    ),
    "service.workorder": lambda n: ngettext("%(count)d work order", "%(count)d work orders", n),
    "onec.exchangeaccount": lambda n: ngettext(
        "%(count)d 1C exchange account", "%(count)d 1C exchange accounts", n
    ),
    "onec.exchangesession": lambda n: ngettext(
        "%(count)d 1C exchange session", "%(count)d 1C exchange sessions", n
    ),
    "onec.exchangefile": lambda n: ngettext(
        "%(count)d 1C exchange file", "%(count)d 1C exchange files", n
    ),
    "onec.groupmapping": lambda n: ngettext("%(count)d 1C group", "%(count)d 1C groups", n),
    "onec.propertymapping": lambda n: ngettext(
        "%(count)d 1C property", "%(count)d 1C properties", n
    ),
    "onec.warehousemapping": lambda n: ngettext(
        "%(count)d 1C warehouse", "%(count)d 1C warehouses", n
    ),
    "onec.pricetypemapping": lambda n: ngettext(
        "%(count)d 1C retail price type", "%(count)d 1C retail price types", n
    ),
    "onec.statusmapping": lambda n: ngettext(
        "%(count)d 1C order status", "%(count)d 1C order statuses", n
    ),
    "service.warrantyclaim": lambda n: ngettext(
        "%(count)d warranty claim", "%(count)d warranty claims", n
    ),
    "service.partstock": lambda n: ngettext(
        "%(count)d part on the shelf", "%(count)d parts on the shelf", n
    ),
    "financing.loanapplication": lambda n: ngettext(
        "%(count)d loan application", "%(count)d loan applications", n
    ),
    "financing.bank": lambda n: ngettext("%(count)d partner bank", "%(count)d partner banks", n),
    "financing.stateprogramme": lambda n: ngettext(
        "%(count)d state programme", "%(count)d state programmes", n
    ),
    "financing.creditdiscount": lambda n: ngettext(
        "%(count)d credit discount", "%(count)d credit discounts", n
    ),
    "financing.loaninstallment": lambda n: ngettext(
        "%(count)d loan installment", "%(count)d loan installments", n
    ),
    "insurance.claim": lambda n: ngettext("%(count)d claim", "%(count)d claims", n),
    "insurance.policy": lambda n: ngettext("%(count)d policy", "%(count)d policies", n),
    "insurance.quote": lambda n: ngettext("%(count)d quote", "%(count)d quotes", n),
    "integrations.feed": lambda n: ngettext(
        "%(count)d classifieds feed", "%(count)d classifieds feeds", n
    ),
    "integrations.webhookdelivery": lambda n: ngettext(
        "%(count)d webhook delivery", "%(count)d webhook deliveries", n
    ),
    "integrations.webhooksubscription": lambda n: ngettext(
        "%(count)d webhook subscription", "%(count)d webhook subscriptions", n
    ),
    "orders.order": lambda n: ngettext("%(count)d order", "%(count)d orders", n),
    "payments.ledgertransaction": lambda n: ngettext(
        "%(count)d ledger entry", "%(count)d ledger entries", n
    ),
    "payments.payment": lambda n: ngettext("%(count)d payment", "%(count)d payments", n),
    "payments.deskpayment": lambda n: ngettext(
        "%(count)d cash desk payment", "%(count)d cash desk payments", n
    ),
    "payments.providernotification": lambda n: ngettext(
        "%(count)d provider notification", "%(count)d provider notifications", n
    ),
    "payments.refund": lambda n: ngettext("%(count)d refund", "%(count)d refunds", n),
    "showroom.allocation": lambda n: ngettext("%(count)d booking", "%(count)d bookings", n),
    "showroom.event": lambda n: ngettext("%(count)d event", "%(count)d events", n),
    "showroom.eventcategory": lambda n: ngettext(
        "%(count)d event category", "%(count)d event categories", n
    ),
    "showroom.registration": lambda n: ngettext(
        "%(count)d registration", "%(count)d registrations", n
    ),
    "showroom.resource": lambda n: ngettext("%(count)d resource", "%(count)d resources", n),
    "showroom.showroom": lambda n: ngettext("%(count)d showroom", "%(count)d showrooms", n),
    "showroom.resourcetype": lambda n: ngettext(
        "%(count)d resource type", "%(count)d resource types", n
    ),
    "showroom.testdrive": lambda n: ngettext("%(count)d test drive", "%(count)d test drives", n),
    "token_blacklist.blacklistedtoken": lambda n: ngettext(
        "%(count)d blacklisted token", "%(count)d blacklisted tokens", n
    ),
    "token_blacklist.outstandingtoken": lambda n: ngettext(
        "%(count)d outstanding token", "%(count)d outstanding tokens", n
    ),
}
