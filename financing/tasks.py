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


# Partner banks (docs/financing.md)
# ------------------------------------------------------------------------------
BANK_TASK: _TaskOptions = {**LENDER_TASK, "max_retries": 8}


@shared_task(**BANK_TASK)
def offer_send_task(self, offer_id: str) -> str:
    """Send the application to one bank; an unreachable bank is tried again, backing off."""
    from financing import services

    try:
        return services.offer_send(offer_id=offer_id).status
    except LenderUnavailable as exc:
        raise self.retry(exc=exc, countdown=min(30 * 2**self.request.retries, 1800)) from exc


@shared_task(acks_late=True, reject_on_worker_lost=True)
def offer_demo_answer_task(offer_id: str) -> str:
    """A demo bank's answer (financing/banks/demo.py)."""
    from financing import services

    return services.offer_demo_answer(offer_id=offer_id).status


@shared_task(**BANK_TASK)
def offer_decline_task(self, offer_id: str) -> None:
    """Tell a bank its offer is not taken."""
    from financing import services

    try:
        services.offer_decline_send(offer_id=offer_id)
    except LenderUnavailable as exc:
        raise self.retry(exc=exc, countdown=min(30 * 2**self.request.retries, 1800)) from exc


@shared_task(acks_late=True, reject_on_worker_lost=True)
def offers_time_out_task() -> int:
    """Beat: banks that did not answer in time, offers not taken in time."""
    from financing import services

    return services.offers_time_out()
