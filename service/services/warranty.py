"""Warranty claims (docs/service.md, "Warranty claims"): what a done work order's warranty lines
cost, claimed from the manufacturer of the car, moved by its showroom's staff as the
manufacturer answers."""

from django.db import transaction

from common.api.exceptions import NotFound
from common.showrooms import scope_check
from common.types import Actor, Id
from service import events
from service.choices import WARRANTY_CLAIM_TRANSITIONS, PayType, WarrantyClaimStatus
from service.models import WarrantyClaim, WorkOrder

DB = "service"


def warranty_claim_open(work_order: WorkOrder, *, user: Actor) -> WarrantyClaim | None:
    """The claim for a done order's warranty lines, in the caller's transaction; none when
    the warranty pays for nothing."""
    amount = work_order.totals()[PayType.WARRANTY]
    if amount <= 0:
        return None
    claim = WarrantyClaim.objects.using(DB).create(
        work_order=work_order,
        showroom_id=work_order.showroom_id,
        manufacturer=work_order.make,
        amount=amount,
    )
    events.WARRANTY_CLAIM_OPENED.emit(
        aggregate_id=claim.pk, payload=events.warranty_claim_payload(claim, user=user)
    )
    return claim


def warranty_claim_move(
    *, user: Actor, claim_id: Id, status: WarrantyClaimStatus, note: str = ""
) -> WarrantyClaim:
    """Submitted to the manufacturer, accepted or rejected (its answer in `note`), paid."""
    with transaction.atomic(using=DB):
        claim = WarrantyClaim.objects.using(DB).select_for_update().filter(pk=claim_id).first()
        if claim is None:
            raise NotFound
        scope_check(user, claim.showroom_id)
        source = claim.status
        WARRANTY_CLAIM_TRANSITIONS.apply(claim, status)
        claim.note = note or claim.note
        claim.save(using=DB, update_fields=["status", "note", "updated_at"])
        events.WARRANTY_CLAIM_STATUS_CHANGED.emit(
            aggregate_id=claim.pk,
            payload=events.warranty_claim_payload(claim, user=user, from_status=source),
        )
    return claim
