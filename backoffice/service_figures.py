"""The service department's figures on the dashboard (docs/dashboard.md, "Service"): the
measures its tiles are worked out from (backoffice/tiles.py), the parts running low, and the
events that move them. The service aggregates its own rows on its own database
(`service.selectors`), narrowed to the showroom picked, as every app does."""

from decimal import Decimal
from typing import Any

from django.urls import reverse

from common.figures import Period, ShowroomPick
from common.showrooms import showroom_names
from service import selectors as service_selectors


def service_measures(*, periods: list[Period], showroom: ShowroomPick) -> dict[str, dict]:
    """`{window: {measure: value}}`: `service_booked`, `service_open` (minutes),
    `service_bookings`; `service_revenue`, `service_orders`; `service_approved`,
    `service_declined`. Four queries."""
    merged: dict[str, dict[str, Any]] = {}
    for by_window in (
        service_selectors.bay_load(periods=periods, showroom=showroom),
        service_selectors.service_revenue(periods=periods, showroom=showroom),
        service_selectors.extra_work_decisions(periods=periods, showroom=showroom),
    ):
        for window, measures in by_window.items():
            merged.setdefault(window, {}).update(
                {f"service_{name}": value for name, value in measures.items()}
            )
    return merged


def _quantity(value: Decimal) -> str:
    """A quantity as the figures carry it: "4", "1.5" (no trailing zeros)."""
    return format(value.normalize(), "f") if value else "0"


def parts_low(*, showroom: ShowroomPick) -> list[dict[str, Any]]:
    """The parts' shelves whose free quantity is at or below their low-stock mark, the
    scarcest first: {"part", "number", "manufacturer", "showroom", "free", "min", "href" (the
    shelf in the admin)}. One query, and the showrooms' names when a shelf runs low."""
    rows = service_selectors.parts_low(showroom=showroom)
    names = dict(showroom_names()) if rows else {}
    return [
        {
            "part": row["name"],
            "number": row["number"],
            "manufacturer": row["manufacturer"],
            "showroom": names.get(row["showroom_id"], ""),
            "free": _quantity(row["free"]),
            "min": _quantity(row["min_quantity"]),
            "href": reverse("admin:service_partstock_change", args=[row["id"]]),
        }
        for row in rows
    ]


def service_events() -> list:
    """The service's events that move a figure: a booking made, moved or cancelled; a work
    order's move (handed over: revenue); a proposed job decided."""
    from service import events

    return [
        events.SERVICE_BOOKING_CREATED,
        events.SERVICE_BOOKING_RESCHEDULED,
        events.SERVICE_BOOKING_CANCELLED,
        events.WORK_ORDER_STATUS_CHANGED,
        events.WORK_ORDER_LINE_PROPOSED,
        events.WORK_ORDER_LINE_DECIDED,
    ]
