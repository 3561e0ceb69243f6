"""Reads of the exchange with 1C: how it stands, for the managers' dashboard (docs/1c.md,
"Seeing it")."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Max
from django.utils import timezone

from onec.choices import FileStatus
from onec.models import ExchangeAccount, ExchangeFile

DB = "onec"


@dataclass(frozen=True)
class ExchangeStatus:
    """Whether 1C exchanges at all (an active account), when it last did successfully, whether
    that is longer ago than ONEC_LATE_AFTER_HOURS, and how many files it had refused today."""

    configured: bool
    last_success_at: datetime | None
    late: bool
    refused_today: int


def exchange_status(*, now: datetime | None = None) -> ExchangeStatus:
    now = now or timezone.now()
    accounts = ExchangeAccount.objects.using(DB).filter(is_active=True)
    found = accounts.aggregate(catalog=Max("last_catalog_at"), sale=Max("last_sale_at"))
    moments = [moment for moment in found.values() if moment is not None]
    last = max(moments) if moments else None
    late_after = timedelta(hours=settings.ONEC_LATE_AFTER_HOURS)
    configured = accounts.exists()
    return ExchangeStatus(
        configured=configured,
        last_success_at=last,
        late=configured and (last is None or now - last > late_after),
        refused_today=ExchangeFile.objects.using(DB)
        .filter(status=FileStatus.FAILED, updated_at__gte=now - timedelta(days=1))
        .count(),
    )
