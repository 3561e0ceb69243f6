"""Claims: filed on an active policy within its coverage, and decided under four eyes."""

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from common import four_eyes
from common.api.exceptions import ApplicationError
from common.types import Actor, Id
from insurance import events
from insurance.choices import CLAIM_TRANSITIONS, ClaimDecision, ClaimStatus, PolicyStatus
from insurance.error_codes import InsuranceErrorCode
from insurance.models import Claim, ClaimDecisionRecord, Policy

DB = "insurance"


def _claim_refused(
    message: str | Promise, code: InsuranceErrorCode, field: str
) -> ApplicationError:
    return ApplicationError(message, code=code, status=400, details={field: [message]})


def claim_file(
    *,
    policy_id: Id,
    user: Actor,
    incident_date: date,
    description: str,
    amount_claimed: Decimal,
) -> Claim:
    """A claim on an active policy, for an incident within its period and not in the future,
    of at most the coverage that the policy's open and approved claims leave, under the
    policy's lock."""
    with transaction.atomic(using=DB):
        policy = Policy.objects.using(DB).select_for_update().get(pk=policy_id)
        if policy.status != PolicyStatus.ACTIVE:
            raise ApplicationError(
                _("Claims are filed on an active policy only."),
                code=InsuranceErrorCode.POLICY_NOT_ACTIVE,
                status=409,
            )
        if policy.cover_starts_on is None:
            raise ApplicationError(
                _("The cover starts once the car is paid for; nothing is covered before."),
                code=InsuranceErrorCode.COVER_NOT_STARTED,
                status=409,
            )
        if incident_date > timezone.localdate():
            raise _claim_refused(
                _("The incident date is in the future."),
                InsuranceErrorCode.INCIDENT_IN_FUTURE,
                "incident_date",
            )
        if not policy.start_date <= incident_date <= policy.end_date:
            raise _claim_refused(
                _("The policy covers %(start)s to %(end)s.")
                % {"start": policy.start_date, "end": policy.end_date},
                InsuranceErrorCode.INCIDENT_OUTSIDE_POLICY_PERIOD,
                "incident_date",
            )
        left = policy.coverage_amount - _coverage_taken(policy)
        if amount_claimed > left:
            raise _claim_refused(
                _("At most the coverage left, %(amount)s %(currency)s.")
                % {"amount": left, "currency": policy.currency},
                InsuranceErrorCode.AMOUNT_EXCEEDS_COVERAGE,
                "amount_claimed",
            )
        claim = Claim.objects.using(DB).create(
            policy=policy,
            order_id=policy.order_id,
            customer_id=policy.customer_id,
            showroom_id=policy.showroom_id,
            filed_by_id=user.pk,
            incident_date=incident_date,
            description=description,
            amount_claimed=amount_claimed,
            currency=policy.currency,
        )
        events.CLAIM_FILED.emit(aggregate_id=claim.pk, payload=events.claim_payload(claim))
    return claim


def _coverage_taken(policy: Policy) -> Decimal:
    """What the policy's claims hold of its coverage: the amount of each open claim, the
    approved amount of each approved one."""
    held = policy.claims.using(DB).aggregate(
        open=Sum("amount_claimed", filter=Q(status=ClaimStatus.FILED)),
        approved=Sum("amount_approved", filter=Q(status=ClaimStatus.APPROVED)),
    )
    return (held["open"] or Decimal("0")) + (held["approved"] or Decimal("0"))


def _approved_on(policy: Policy, *, but: Claim) -> Decimal:
    approved = policy.claims.using(DB).filter(status=ClaimStatus.APPROVED).exclude(pk=but.pk)
    return approved.aggregate(total=Sum("amount_approved"))["total"] or Decimal("0")


def claim_decide(
    *,
    claim_id: Id,
    user: Actor,
    decision: str,
    reason: str,
    amount_approved: Decimal | None = None,
) -> Claim:
    """Approve (up to the amount claimed) or reject a filed claim, once, under its policy's
    lock: never one's own nor one the deciding staff member filed, and an approval that takes
    what the policy pays out above INSURANCE_CLAIM_SECOND_APPROVAL_ABOVE only by a second
    staff member approving the same amount after a first (the claim stays filed in between).
    Every decision is kept."""
    with transaction.atomic(using=DB):
        policy_id = Claim.objects.using(DB).values_list("policy_id", flat=True).get(pk=claim_id)
        policy = Policy.objects.using(DB).select_for_update().get(pk=policy_id)
        claim = Claim.objects.using(DB).select_for_update().get(pk=claim_id)
        CLAIM_TRANSITIONS.check(claim.status, decision)
        approve = decision == ClaimDecision.APPROVED
        amount = claim.amount_claimed  # what a rejection refuses
        if approve:
            if amount_approved is None:
                raise _claim_refused(
                    _("An approval needs the approved amount."),
                    InsuranceErrorCode.AMOUNT_APPROVED_REQUIRED,
                    "amount_approved",
                )
            if amount_approved > claim.amount_claimed:
                raise _claim_refused(
                    _("At most the amount claimed, %(amount)s %(currency)s.")
                    % {"amount": claim.amount_claimed, "currency": claim.currency},
                    InsuranceErrorCode.AMOUNT_APPROVED_EXCEEDS_CLAIMED,
                    "amount_approved",
                )
            amount = amount_approved
        ruling = four_eyes.decision_take(
            what=_("claim"),
            owner_id=claim.customer_id,
            user=user,
            decision=decision,
            approve=approve,
            reason=reason,
            amount=amount,
            threshold=settings.INSURANCE_CLAIM_SECOND_APPROVAL_ABOVE,
            earlier=list(claim.decisions.using(DB)),
            # The threshold guards what the policy pays out in all: this claim's amount and
            # every claim approved on it before.
            total=amount + _approved_on(policy, but=claim),
            filed_by_id=claim.filed_by_id,
        )
        ClaimDecisionRecord.objects.using(DB).create(claim=claim, **ruling.fields)
        if not ruling.final:
            return claim
        CLAIM_TRANSITIONS.apply(claim, decision)
        claim.amount_approved = amount_approved if approve else None
        claim.decision_reason = reason
        claim.decided_by_id = user.pk
        claim.decided_at = timezone.now()
        claim.save(using=DB)
        events.CLAIM_DECIDED.emit(aggregate_id=claim.pk, payload=events.claim_payload(claim))
    return claim
