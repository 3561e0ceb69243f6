"""Financing's tasks: thin, taking ids (docs/deal.md, "The loan")."""

from typing import Literal, TypedDict

from celery import shared_task

from financing.lenders import LenderUnavailable


class _TaskOptions(TypedDict):
    bind: Literal[True]
    acks_late: bool
    reject_on_worker_lost: bool
    max_retries: int


LENDER_TASK: _TaskOptions = {
    "bind": True,
    "acks_late": True,
    "reject_on_worker_lost": True,
    "max_retries": 5,
}


@shared_task(**LENDER_TASK)
def application_send_task(self, application_id: str) -> str:
    """Send an approved loan whose down payment is in to the lender."""
    from financing import services

    try:
        return services.application_send(application_id=application_id).status
    except LenderUnavailable as exc:
        raise self.retry(exc=exc, countdown=30) from exc


@shared_task(**LENDER_TASK)
def application_lender_check_task(self, application_id: str) -> str:
    """Ask the lender whether it has paid out a loan sent to it."""
    from financing import services

    try:
        return services.application_lender_check(application_id=application_id).status
    except LenderUnavailable as exc:
        raise self.retry(exc=exc, countdown=30) from exc


@shared_task(acks_late=True, reject_on_worker_lost=True)
def lender_poll_task() -> int:
    """Beat: every loan with the lender is asked about, and a lost sending is repeated."""
    from financing import services

    return services.lenders_poll()
