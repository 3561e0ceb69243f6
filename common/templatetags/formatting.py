"""`{% load formatting %}`: the filters of common/formatting.py for templates, so that a page
formats money and times as the admin does (docs/admin.md, "Languages").

A template hands a filter what its variable holds, and an empty string for a variable it
cannot resolve: the filters take both."""

from datetime import date, datetime
from decimal import Decimal

from django import template

from common import formatting

register = template.Library()


@register.filter
def money(amount: Decimal | float | str | None, currency: str = "") -> str:
    """`{{ order.total_amount|money:order.currency }}` → `1 250 000,00 ₽` in Russian."""
    return formatting.money(amount, currency)


@register.filter
def local_datetime(moment: date | formatting.Missing) -> str:
    """`{{ order.created_at|local_datetime }}` → `24.11.2026 19:30` on the dealership's clock."""
    return formatting.local_datetime(moment)


@register.filter
def tel(phone: str) -> str:
    """`<a href="tel:{{ seller.phone|tel }}">` → `tel:+74951234567`."""
    return formatting.tel(phone)


@register.filter
def local_date(value: date | formatting.Missing) -> str:
    return formatting.local_date(value)


@register.filter
def local_time(moment: datetime | None) -> str:
    return formatting.local_time(moment)


@register.filter
def count_of(count: int, label_lower: str) -> str:
    """`{{ cl.result_count|count_of:cl.opts.label_lower }}` → `6 заказов` (the admin's list
    footer, templates/admin/pagination.html)."""
    return formatting.count_of(label_lower, count)
