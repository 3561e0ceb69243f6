"""The storefront's template helpers: prices, photos, links that keep a listing's state."""

import json
from dataclasses import asdict, dataclass
from typing import Any

from django import template
from django.http import QueryDict
from django.template import Context
from django.utils.safestring import SafeString, mark_safe
from django_stubs_ext import StrOrPromise

from catalog.selectors import photo_view
from common import formatting
from documents import selectors as documents_selectors
from insurance import selectors as insurance_selectors
from showroom.selectors.showrooms import showrooms_for_buyers
from storefront import specs
from storefront.compare import compared_ids

register = template.Library()


@register.filter
def price(amount: Any, currency: str = "RUB") -> str:
    """A car's price, in whole roubles: `2 150 000 ₽`."""
    return formatting.money(amount, currency, whole=True)


@register.filter
def spec(vehicle: Any, name: str) -> str:
    return specs.shown(vehicle, name)


@register.filter
def photos(vehicle: Any) -> list[dict[str, Any]]:
    """The vehicle's photos as `catalog` shows them, in their order (prefetched)."""
    return [photo_view(photo) for photo in vehicle.photos.all()]


@register.filter
def photos_version(vehicle: Any) -> str:
    """What changes whenever the vehicle's photos do (one added, removed, reordered or given
    its renditions): part of the cached gallery's key."""
    shown = vehicle.photos.all()
    return f"{len(shown)}-{max((p.updated_at.timestamp() for p in shown), default=0)}"


@register.filter
def cover(vehicle: Any) -> dict[str, Any] | None:
    """The primary photo, else the first; None for a car without one."""
    shown = photos(vehicle)
    return next((photo for photo in shown if photo["is_primary"]), shown[0] if shown else None)


@register.simple_tag(takes_context=True)
def query(context: dict[str, Any], **changes: Any) -> str:
    """The current query string with `changes` (None removes a parameter), and the page
    reset unless it is what changes: `?{% query ordering='price' %}`."""
    params: QueryDict = context["request"].GET.copy()
    if "page" not in changes:
        params.pop("page", None)
    for name, value in changes.items():
        params.pop(name, None)
        if value not in (None, ""):
            params[name] = str(value)
    return params.urlencode()


@register.simple_tag(takes_context=True)
def query_without(context: dict[str, Any], name: str, value: str) -> str:
    """The current query string without one value of a repeated filter (a chip's ×)."""
    params: QueryDict = context["request"].GET.copy()
    params.pop("page", None)
    params.setlist(name, [kept for kept in params.getlist(name) if kept != value])
    return params.urlencode()


@register.filter
def ld_json(data: Any) -> SafeString:
    """JSON for a `<script type="application/ld+json">`, with `<`, `>` and `&` escaped as
    Django's json_script escapes them, so no value ends the element."""
    text = json.dumps(data, ensure_ascii=False, default=str)
    escaped = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return mark_safe(escaped)  # escaped above


@register.filter
def chosen(request: Any, name: str) -> list[str]:
    """The values of a repeated filter in the current query."""
    return request.GET.getlist(name)


@register.simple_tag(takes_context=True)
def seller(context: Context) -> dict[str, Any] | None:
    """The legal entity a page names as the seller (docs/showrooms.md, "One seller"), its
    phone also as a `tel:` address: on a page about one car's sale the one that sells it (the
    car's page gives it as `car_seller`; the checkout and the order's page show the `order`
    it is of), on any other the group's. Read once a page: its footer and its body ask."""
    memo = context.render_context
    if SELLER_OF_PAGE not in memo:
        found = context.get("car_seller")
        order = context.get("order")
        if found is None and order is not None:
            found = documents_selectors.seller_of(showroom_id=getattr(order, "showroom_id", None))
        contacts = found or documents_selectors.seller_contacts()
        shown = {**asdict(contacts), "tel": formatting.tel(contacts.phone)} if contacts else None
        memo[SELLER_OF_PAGE] = shown
    return memo[SELLER_OF_PAGE]


SELLER_OF_PAGE = "storefront.seller"


@register.filter
def insured_where(city: str) -> StrOrPromise:
    """Where a car sold in `city` (its seller's showroom's, the `seller` tag's `city`) is
    insured, as a sentence about its premium says it: "in Yekaterinburg"."""
    return insurance_selectors.territory_of(city=city or "").where


@register.filter
def territory_where(code: str) -> StrOrPromise:
    """Where a quote's territory is, as a sentence about its premium says it."""
    return insurance_selectors.territory_get(code=code or "").where


@dataclass(frozen=True)
class ShowroomToday:
    id: str
    name: str
    city: str
    address: str
    phone: str
    tel: str
    today: str  # 09:00–21:00 on its own clock, empty when closed today


@register.simple_tag
def showrooms_today() -> list[ShowroomToday]:
    """Every page's footer: each showroom with its phone and today's hours (its own day)."""
    shown = []
    for card in showrooms_for_buyers():
        today = card.hours_text_on(card.now().date())
        shown.append(
            ShowroomToday(
                str(card.id), card.name, card.city, card.address, card.phone, card.tel, today
            )
        )
    return shown


@register.simple_tag(takes_context=True)
def compared_count(context: dict[str, Any]) -> int:
    return len(compared_ids(context["request"]))
