"""The filters of the documents' templates (documents/rendering.py): a document's facts are
JSON, so dates, times and money arrive as strings and are written here in the document's
language, as common/formatting.py writes them everywhere else."""

from datetime import date, datetime
from decimal import Decimal

from django import template
from django.utils import timezone
from django.utils.formats import number_format

from common import formatting

register = template.Library()


@register.filter
def rub(amount: str | None) -> str:
    """`{{ order.total|rub }}` → `1 600 000,00 ₽` in Russian, `1,600,000.00 RUB` in English."""
    return formatting.money(amount, "RUB")


@register.filter
def num(value: str | None) -> str:
    """A decimal as the document's language writes it: `15,90` and `1,6` in Russian."""
    if value in (None, ""):
        return formatting.EMPTY
    return number_format(Decimal(value), use_l10n=True)


@register.filter
def day(value: str | None) -> str:
    """An ISO date, or the day of an ISO date-time on the dealership's clock: `26.11.2026`."""
    if not value:
        return formatting.EMPTY
    moment = datetime.fromisoformat(value)
    if "T" in value:
        return formatting.local_date(timezone.localtime(moment))
    return formatting.local_date(date.fromisoformat(value))


@register.filter
def moment(value: str | None) -> str:
    """An ISO date-time on the dealership's clock: `26.11.2026 15:00`."""
    if not value:
        return formatting.EMPTY
    return formatting.local_datetime(timezone.localtime(datetime.fromisoformat(value)))
