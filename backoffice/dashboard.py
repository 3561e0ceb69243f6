"""The dashboard's figures (docs/dashboard.md): each app's dashboard selectors
(`<app>/selectors/dashboard.py`, one SQL query per figure on the app's own database) composed
into the tiles of backoffice/tiles.py and the charts, and cached briefly per showroom picked and
language under a generation counter that every domain event of interest moves on. Whose
figures is the pick alone: every member of staff who may pick a showroom sees all its records
(docs/dashboard.md, "Who sees what"). `Figures` is the JSON the page and its script read: keys
may be added, never renamed."""

from datetime import timedelta
from decimal import Decimal
from typing import Any, Literal, TypedDict
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from backoffice.service_figures import parts_low, service_events, service_measures
from backoffice.tiles import TILES, TileFigures, as_money, sources_table
from catalog.choices import DEFAULT_CURRENCY
from catalog.selectors import dashboard as catalog_figures
from common.figures import (
    EVERY_SHOWROOM,
    Period,
    ShowroomPick,
    dealership_today,
    dealership_zone,
    windows,
)
from common.figures import periods as make_periods
from common.realtime import FEED_PUSH, group_send
from common.showrooms import showroom_scope
from crm.selectors import dashboard as crm_figures
from financing.selectors import dashboard as financing_figures
from insurance.selectors import dashboard as insurance_figures
from orders.choices import STAFF_NOTICES_GROUP
from orders.selectors import dashboard as order_figures
from payments.choices import PaymentStatus, provider_label
from payments.selectors import dashboard as payment_figures
from showroom.selectors import dashboard as showroom_figures
from tradein.selectors import dashboard as tradein_figures

CHART_DAYS = 30
DAILY_DAYS = 90
WEEKS = 12
GENERATION_KEY = "dashboard:generation"
CHANGED_PUSH = "dashboard.changed"


# "from" is a keyword: the functional form. Dates are ISO, inclusive; the labels translated
# ("This week", "last week").
PeriodFigures = TypedDict(
    "PeriodFigures",
    {
        "key": str,  # "today", "week" or "month"
        "label": str,
        "previous_label": str,
        "from": str,
        "to": str,
        "previous_from": str,
        "previous_to": str,
    },
)


class Charts(TypedDict):
    days: int  # the window of the funnels, the providers and the top models
    # 90 days to today, zero-filled: {"date", "revenue", "orders" created, "sold" paid}
    revenue_daily: list[dict[str, Any]]
    funnel: list[dict[str, Any]]  # {"stage": created|paid|completed|cancelled, "label", "count"}
    # {"stage": submitted|offered|accepted|completed, "label", "count"}
    trade_in_funnel: list[dict[str, Any]]
    # {"provider", "provider_label", "status", "status_label", "count", "amount"}
    payments_by_provider: list[dict[str, Any]]
    top_models: list[dict[str, Any]]  # {"model", "count", "revenue"}
    # 12 weeks, zero-filled: {"week" (its Monday), "approved", "declined", "rate" or None}
    loan_approval_weekly: list[dict[str, Any]]
    # Per partner bank over `days`: {"bank", "asked", "offered", "refused", "silent",
    # "chosen", "rate" (offers of the answers, %, or None), "minutes" to answer, or None}
    banks: list[dict[str, Any]]
    bank_applications: int  # the applications that went to the banks over `days`
    sources: list[dict[str, object]]  # leads, orders and revenue per source (docs/feeds.md)
    low_stock: list[dict[str, Any]]  # {"product", "sku" (a model's key, or ""), "stock", "href"}
    # The parts' shelves running low: {"part", "number", "manufacturer", "showroom", "free",
    # "min", "href"} (backoffice/service_figures.py)
    parts_low: list[dict[str, Any]]


class Figures(TypedDict):
    """Money as strings with two decimals ("1234.50"), counts as ints, dates and times as ISO
    strings. A money tile's `count` is how many rows make its sum; a percent tile's value is
    a string with one decimal ("66.7"), or None when there is nothing to divide by."""

    generated_at: str
    # Always "all": every record of `showroom`, whoever of its staff asks (docs/dashboard.md,
    # "Who sees what"); the showroom picked says whose.
    scope: Literal["all"]
    # Whose: "every" showroom's (the group's total), "group" (the group's own, of no
    # showroom) or a showroom's id (docs/dashboard.md, "By showroom").
    showroom: str
    currency: str
    periods: list[PeriodFigures]
    tiles: list[TileFigures]
    charts: Charts


# CACHE AND LIVENESS (docs/dashboard.md, "Caching and liveness")
# ------------------------------------------------------------------------------
def generation() -> int:
    value = cache.get_or_set(GENERATION_KEY, 0, timeout=None)
    # Never None: the key only ever holds 0, or what generation_bump made of it.
    assert value is not None
    return value


def generation_bump() -> None:
    """Every cached figure goes stale at once: the next load computes afresh."""
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:  # not there yet (a flushed cache)
        cache.add(GENERATION_KEY, 1, timeout=None)


def dashboard_changed() -> None:
    """Something the figures count has changed: forget them, and tell the open dashboards
    over the staff feed (they fetch `figures.json` again)."""
    generation_bump()
    group_send([STAFF_NOTICES_GROUP], {"type": FEED_PUSH, "push": {"type": CHANGED_PUSH}})


def _on_event(sender, event, **kwargs):
    # Sent inside the emitting transaction: act once it commits, and not at all if it
    # rolls back. In the emitting process, so no relay or consumer stands in between.
    from django.db import transaction

    transaction.on_commit(dashboard_changed, using=sender.using, robust=True)


def events_connect() -> None:
    """Listen to the events that move a figure (config.apps.DashboardConfig.ready)."""
    from crm import events as crm_events
    from financing import events as financing_events
    from insurance import events as insurance_events
    from orders import events as order_events
    from payments import events as payment_events
    from showroom import events as showroom_events
    from tradein import events as tradein_events

    moving = [
        order_events.ORDER_CREATED,
        order_events.ORDER_STATUS_CHANGED,
        order_events.ORDER_CANCELLED,
        payment_events.PAYMENT_CREATED,
        payment_events.PAYMENT_COMPLETED,
        payment_events.PAYMENT_FAILED,
        payment_events.PAYMENT_REFUNDED,
        payment_events.PAYMENT_REQUIRES_ACTION,
        financing_events.LOAN_APPLICATION_SUBMITTED,
        financing_events.LOAN_APPLICATION_APPROVED,
        financing_events.LOAN_APPLICATION_REJECTED,
        financing_events.LOAN_APPLICATION_WITHDRAWN,
        financing_events.LOAN_APPLICATION_DISBURSED,
        financing_events.LOAN_APPLICATION_RETURNED,
        financing_events.LOAN_APPLICATION_DISCOUNTED,
        financing_events.LOAN_OFFER_ANSWERED,
        financing_events.LOAN_OFFER_CHOSEN,
        insurance_events.ACTIVATED,
        insurance_events.CANCELLED,
        showroom_events.REGISTRATION_CREATED,
        showroom_events.REGISTRATION_CANCELLED,
        showroom_events.REGISTRATION_CHANGED,
        showroom_events.TEST_DRIVE_BOOKED,
        showroom_events.TEST_DRIVE_RESCHEDULED,
        showroom_events.TEST_DRIVE_CANCELLED,
        showroom_events.TEST_DRIVE_STATUS_CHANGED,
        crm_events.CLIENT_CREATED,
        crm_events.CLIENT_UPDATED,
        *tradein_events.BY_STATUS.values(),
        *service_events(),
    ]
    for domain_event in moving:
        domain_event.signal.connect(
            _on_event, weak=False, dispatch_uid=f"dashboard:{domain_event.type}"
        )


def figures(*, user, showroom: ShowroomPick = EVERY_SHOWROOM) -> Figures:
    """The figures of `showroom` (a pick of `backoffice.views.showroom_pick`) for `user`, a
    member of staff who may see it: the same for everyone who may, an admin and the group's
    manager alike (docs/dashboard.md, "Who sees what"); from the cache when nothing has
    changed for DASHBOARD_CACHE_SECONDS. PermissionDenied for another showroom's."""
    scope = showroom_scope(user)
    if not user.is_staff or (scope is not None and showroom not in scope):
        raise PermissionDenied
    key = f"dashboard:figures:{generation()}:{showroom}:{get_language()}"
    cached = cache.get(key)
    if cached is not None:
        return cached
    result = figures_compute(showroom=showroom)
    cache.set(key, result, timeout=settings.DASHBOARD_CACHE_SECONDS)
    return result


# COMPOSITION
# ------------------------------------------------------------------------------


def _merge(*by_window: dict[str, dict[str, object]]) -> dict[str, dict[str, object]]:
    """One `{window: {...}}` from several, their measures side by side (prefixed keys are
    given by the callers)."""
    merged: dict[str, dict[str, object]] = {}
    for figures_by_window in by_window:
        for window, measures in figures_by_window.items():
            merged.setdefault(window, {}).update(measures)
    return merged


def _prefixed(prefix: str, by_window: dict) -> dict:
    return {
        window: {f"{prefix}_{name}": value for name, value in measures.items()}
        for window, measures in by_window.items()
    }


def _days_summed(periods: list[Period], **measures) -> dict:
    """`{window: {measure: total}}` from figures per day (`measure(day)`): the daily series
    reaches back 90 days, further than the start of last month, so it holds every window.
    A sum over at most 62 days' aggregates, not over rows."""
    summed = {}
    for window, start, end in windows(periods):
        days = range((end.date() - start.date()).days)
        summed[window] = {
            name: sum((measure(start.date() + timedelta(days=n)) for n in days), start=0)
            for name, measure in measures.items()
        }
    return summed


def _period_labels() -> dict[str, tuple[str, str]]:
    return {
        "today": (_("Today"), _("yesterday")),
        "week": (_("This week"), _("last week")),
        "month": (_("This month"), _("last month")),
    }


def figures_compute(*, showroom: ShowroomPick = EVERY_SHOWROOM) -> Figures:
    """Every figure of `showroom`, uncached: one query per figure, as many whatever the data
    holds."""
    today = dealership_today()
    periods = make_periods(today)
    currency = DEFAULT_CURRENCY
    daily_from = today - timedelta(days=DAILY_DAYS - 1)
    revenue = order_figures.revenue_daily(
        date_from=daily_from, date_to=today, currency=currency, showroom=showroom
    )
    created = order_figures.orders_created_daily(
        date_from=daily_from, date_to=today, showroom=showroom
    )
    w = _merge(
        _days_summed(periods, created=lambda day: created.get(day, 0)),
        _days_summed(
            periods,
            sold_revenue=lambda day: revenue.get(day, (Decimal("0"), 0))[0],
            sold_count=lambda day: revenue.get(day, (Decimal("0"), 0))[1],
        ),
        _prefixed(
            "pending",
            payment_figures.payments_pending(periods=periods, currency=currency, showroom=showroom),
        ),
        _prefixed(
            "refunds",
            payment_figures.refunds_completed(
                periods=periods, currency=currency, showroom=showroom
            ),
        ),
        _prefixed(
            "loans",
            financing_figures.loan_decisions(periods=periods, showroom=showroom),
        ),
        _prefixed(
            "disbursed",
            financing_figures.loans_disbursed(periods=periods, showroom=showroom),
        ),
        _prefixed(
            "policies",
            insurance_figures.policies_sold(periods=periods, currency=currency, showroom=showroom),
        ),
        _prefixed(
            "drives",
            showroom_figures.test_drive_counts(periods=periods, showroom=showroom),
        ),
        _prefixed(
            "registrations",
            showroom_figures.registrations_created(periods=periods, showroom=showroom),
        ),
        _prefixed(
            "clients",
            crm_figures.clients_new(periods=periods, showroom=showroom),
        ),
        _prefixed(
            "used",
            catalog_figures.used_bought(periods=periods, currency=currency, showroom=showroom),
        ),
        service_measures(periods=periods, showroom=showroom),
    )
    tiles = [tile.figures(periods, w) for tile in TILES]
    labels = _period_labels()
    return {
        "generated_at": timezone.localtime(timezone=dealership_zone()).isoformat(),
        "scope": "all",
        "showroom": str(showroom),
        "currency": currency,
        "periods": [
            {
                "key": period.key,
                "label": labels[period.key][0],
                "previous_label": labels[period.key][1],
                "from": period.date_from.isoformat(),
                "to": period.date_to.isoformat(),
                "previous_from": period.previous_from.isoformat(),
                "previous_to": period.previous_to.isoformat(),
            }
            for period in periods
        ],
        "tiles": tiles,
        "charts": _charts(
            today=today, currency=currency, showroom=showroom, revenue=revenue, created=created
        ),
    }


def _charts(*, today, currency, showroom: ShowroomPick, revenue: dict, created: dict) -> Charts:
    chart_from = today - timedelta(days=CHART_DAYS - 1)
    daily_from = today - timedelta(days=DAILY_DAYS - 1)
    funnel = order_figures.order_funnel(date_from=chart_from, date_to=today, showroom=showroom)
    stage_labels = {
        "created": _("Created"),
        "paid": _("Paid"),
        "completed": _("Completed"),
        "cancelled": _("Cancelled"),
    }
    trade_ins = tradein_figures.trade_in_funnel(
        date_from=chart_from, date_to=today, showroom=showroom
    )
    trade_in_labels = {
        "submitted": _("Submitted"),
        "offered": _("Offered"),
        "accepted": _("Accepted"),
        "completed": _("Taken into stock"),
    }
    status_labels = dict(PaymentStatus.choices)
    weeks_from = today - timedelta(days=today.weekday() + 7 * (WEEKS - 1))
    weekly = financing_figures.loan_approval_weekly(
        date_from=weeks_from, date_to=today, showroom=showroom
    )
    return {
        "days": CHART_DAYS,
        "revenue_daily": [
            {
                "date": day.isoformat(),
                "revenue": as_money(revenue.get(day, (None, 0))[0]),
                "orders": created.get(day, 0),
                "sold": revenue.get(day, (None, 0))[1],
            }
            for day in (daily_from + timedelta(days=n) for n in range(DAILY_DAYS))
        ],
        "funnel": [
            {"stage": stage, "label": label, "count": funnel[stage]}
            for stage, label in stage_labels.items()
        ],
        "trade_in_funnel": [
            {"stage": stage, "label": label, "count": trade_ins[stage]}
            for stage, label in trade_in_labels.items()
        ],
        "payments_by_provider": [
            {
                "provider": row["provider"],
                "provider_label": provider_label(row["provider"]),
                "status": row["status"],
                "status_label": str(status_labels.get(row["status"], row["status"])),
                "count": row["count"],
                "amount": as_money(row["amount"]),
            }
            for row in payment_figures.payments_by_provider(
                date_from=chart_from, date_to=today, currency=currency, showroom=showroom
            )
        ],
        "top_models": [
            {"model": row["model"], "count": row["count"], "revenue": as_money(row["revenue"])}
            for row in order_figures.top_models(
                date_from=chart_from, date_to=today, currency=currency, showroom=showroom
            )
        ],
        "loan_approval_weekly": [
            {
                "week": week.isoformat(),
                "approved": weekly.get(week, (0, 0))[0],
                "declined": weekly.get(week, (0, 0))[1],
                "rate": None
                if not sum(weekly.get(week, (0, 0)))
                else round(weekly[week][0] * 100 / sum(weekly[week]), 1),
            }
            for week in (weeks_from + timedelta(weeks=n) for n in range(WEEKS))
        ],
        # Every application of the pick that went to the banks, by when it was sent.
        "banks": financing_figures.bank_answers(
            date_from=chart_from, date_to=today, showroom=showroom
        ),
        "bank_applications": financing_figures.bank_applications(
            date_from=chart_from, date_to=today, showroom=showroom
        ),
        "sources": sources_table(
            date_from=chart_from, date_to=today, currency=currency, showroom=showroom
        ),
        "low_stock": [
            {
                "product": row["name"],
                "sku": row["model_key"],
                "stock": row["stock_quantity"],
                "href": reverse("admin:catalog_product_change", args=[row["id"]])
                if row["id"]
                else f"{reverse('admin:catalog_product_changelist')}?{urlencode({'q': row['name']})}",
            }
            for row in catalog_figures.low_stock(
                threshold=settings.DASHBOARD_LOW_STOCK_THRESHOLD, showroom=showroom
            )
        ],
        "parts_low": parts_low(showroom=showroom),
    }
