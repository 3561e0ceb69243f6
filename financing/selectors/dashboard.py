"""The financing domain's figures for the dashboard: aggregated in SQL on the `financing`
database, one query per figure (docs/dashboard.md, "What each figure counts").

An application is decided when staff decide it (`decided_at`) or, decided by the rate
table on submission, when it was submitted (`created_at`). Approved counts every
application that was approved, disbursed or returned since; declined, the rejected ones."""

from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any
from uuid import UUID

from django.db.models import Avg, Count, F, Q, QuerySet, Sum
from django.db.models.functions import Coalesce, TruncWeek

from common.figures import (
    EVERY_SHOWROOM,
    Period,
    ShowroomPick,
    day_bounds,
    dealership_zone,
    scoped,
    windowed,
)
from financing.choices import ApplicationStatus, OfferStatus
from financing.models import BankOffer, LoanApplication

APPROVED = (ApplicationStatus.APPROVED, ApplicationStatus.DISBURSED, ApplicationStatus.RETURNED)
DECLINED = (ApplicationStatus.REJECTED,)
# A bank's offer, whatever the buyer did with it since.
OFFERED = (
    OfferStatus.OFFERED,
    OfferStatus.CHOSEN,
    OfferStatus.DECLINED,
    OfferStatus.EXPIRED,
)


def _decided() -> QuerySet[Any]:
    """Decided applications, with `decided`: their `decided_at`, or their creation where that
    is empty."""
    return LoanApplication.objects.alias(decided=Coalesce("decided_at", "created_at")).filter(
        status__in=(*APPROVED, *DECLINED)
    )


def loan_decisions(
    *,
    periods: list[Period],
    customers: Iterable[UUID] | None = None,
    showroom: ShowroomPick = EVERY_SHOWROOM,
) -> dict[str, dict[str, Any]]:
    """Applications approved and declined in each window. One query."""
    return windowed(
        scoped(_decided(), customers, showroom=showroom),
        periods,
        approved=("decided", lambda q: Count("pk", filter=q & Q(status__in=APPROVED))),
        declined=("decided", lambda q: Count("pk", filter=q & Q(status__in=DECLINED))),
    )


def loans_disbursed(
    *,
    periods: list[Period],
    customers: Iterable[UUID] | None = None,
    showroom: ShowroomPick = EVERY_SHOWROOM,
) -> dict[str, dict[str, Any]]:
    """Loans the lender paid out in each window: how many and how much (any currency: the
    dealership lends in roubles). One query."""
    return windowed(
        scoped(
            LoanApplication.objects.filter(disbursed_at__isnull=False), customers, showroom=showroom
        ),
        periods,
        count=("disbursed_at", lambda q: Count("pk", filter=q)),
        amount=("disbursed_at", lambda q: Sum("loan_amount", filter=q)),
    )


def loan_approval_weekly(
    *,
    date_from: date,
    date_to: date,
    customers: Iterable[UUID] | None = None,
    showroom: ShowroomPick = EVERY_SHOWROOM,
) -> dict[date, tuple[int, int]]:
    """Applications approved and declined per week (its Monday, at the dealership),
    `{monday: (approved, declined)}`; weeks without a decision are absent. One query."""
    start, end = day_bounds(date_from - timedelta(days=date_from.weekday()), date_to)
    rows = (
        scoped(_decided().filter(decided__gte=start, decided__lt=end), customers, showroom=showroom)
        .annotate(week=TruncWeek("decided", tzinfo=dealership_zone()))
        .values("week")
        .annotate(
            approved=Count("pk", filter=Q(status__in=APPROVED)),
            declined=Count("pk", filter=Q(status__in=DECLINED)),
        )
        .order_by()
    )
    return {row["week"].date(): (row["approved"], row["declined"]) for row in rows}


def _asked(
    date_from: date, date_to: date, customers: Iterable[UUID] | None, showroom: ShowroomPick
) -> QuerySet[BankOffer]:
    """Every bank's offer asked for from `date_from` to `date_to` (by when the application
    was sent, whatever became of it since), of the applications in scope: by their customer
    and their showroom (their order's)."""
    start, end = day_bounds(date_from, date_to)
    return scoped(
        BankOffer.objects.filter(requested_at__gte=start, requested_at__lt=end),
        customers,
        "application__customer_id",
        showroom=showroom,
        showroom_field="application__showroom_id",
    )


def bank_applications(
    *,
    date_from: date,
    date_to: date,
    customers: Iterable[UUID] | None = None,
    showroom: ShowroomPick = EVERY_SHOWROOM,
) -> int:
    """How many applications went to the partner banks from `date_from` to `date_to`: one
    sent to three banks is one (docs/dashboard.md, "Banks"). One query."""
    counted = _asked(date_from, date_to, customers, showroom).aggregate(
        applications=Count("application_id", distinct=True)
    )
    return int(counted["applications"])


def bank_answers(
    *,
    date_from: date,
    date_to: date,
    customers: Iterable[UUID] | None = None,
    showroom: ShowroomPick = EVERY_SHOWROOM,
) -> list[dict[str, Any]]:
    """Per partner bank, the applications sent to it from `date_from` to `date_to`: how many,
    its offers, refusals and silences, the offers buyers took, its acceptance rate (offers
    of the answers, in percent, None before any answer) and its mean time to answer in
    minutes (docs/dashboard.md, "Banks"). One query."""
    offers = _asked(date_from, date_to, customers, showroom)
    offered = Q(status__in=OFFERED)
    rows = (
        offers.values("bank__name", "bank__position")
        .annotate(
            asked=Count("pk"),
            offered=Count("pk", filter=offered),
            refused=Count("pk", filter=Q(status=OfferStatus.REFUSED)),
            silent=Count("pk", filter=Q(status=OfferStatus.TIMED_OUT)),
            chosen=Count("pk", filter=Q(status=OfferStatus.CHOSEN)),
            wait=Avg(F("answered_at") - F("requested_at"), filter=Q(answered_at__isnull=False)),
        )
        .order_by("bank__position", "bank__name")
    )
    return [
        {
            "bank": row["bank__name"],
            "asked": row["asked"],
            "offered": row["offered"],
            "refused": row["refused"],
            "silent": row["silent"],
            "chosen": row["chosen"],
            "rate": _share(row["offered"], row["offered"] + row["refused"] + row["silent"]),
            "minutes": None if row["wait"] is None else round(row["wait"].total_seconds() / 60, 1),
        }
        for row in rows
    ]


def _share(part: int, whole: int) -> float | None:
    return None if not whole else round(part * 100 / whole, 1)
