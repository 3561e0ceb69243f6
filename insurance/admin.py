from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from common.admin import (
    DatabaseAdminMixin,
    DecisionTrailInline,
    ReadOnlyAdminMixin,
    admin_link,
    display,
    money_column,
    reason_action,
    short_id,
)
from insurance import services
from insurance.choices import ClaimDecision
from insurance.models import Claim, ClaimDecisionRecord, Policy, Quote


class ReadOnlyInsuranceAdmin(DatabaseAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    """Quotes, policies and claims change only through the services (with their events):
    cancellations and claim decisions are the actions below."""

    using = "insurance"

    @display(_("Order"))
    def order(self, obj):
        return admin_link(
            "admin:orders_order_change", obj.order_id, _("Order %s") % str(obj.order_id)[:8]
        )

    @display(_("Number"), ordering="created_at")
    def short_number(self, obj):
        return short_id(obj.pk)

    premium_shown = money_column("premium", _("Premium"))


def _cancel(request, policy, reason):
    services.policy_cancel(policy_id=policy.pk, user=request.user, reason=reason)


def _approve_in_full(request, claim, reason):
    services.claim_decide(
        claim_id=claim.pk,
        user=request.user,
        decision=ClaimDecision.APPROVED,
        amount_approved=claim.amount_claimed,
        reason=reason,
    )


def _reject(request, claim, reason):
    services.claim_decide(
        claim_id=claim.pk, user=request.user, decision=ClaimDecision.REJECTED, reason=reason
    )


@admin.register(Quote)
class QuoteAdmin(ReadOnlyInsuranceAdmin):
    list_display = [
        "short_number",
        "order",
        "insurance_type",
        "vehicle_make",
        "vehicle_model",
        "premium_shown",
        "status",
        "valid_until",
        "created_at",
    ]
    list_filter = ["status", "insurance_type", "ruleset_version"]
    search_fields = ["=id", "=order_id", "=customer_id", "vehicle_vin"]
    date_hierarchy = "created_at"


@admin.register(Policy)
class PolicyAdmin(ReadOnlyInsuranceAdmin):
    list_display = [
        "number",
        "order",
        "insurance_type",
        "premium_shown",
        "refund",
        "start_date",
        "end_date",
        "status",
    ]
    list_filter = ["status", "insurance_type"]
    list_select_related = ["quote"]
    search_fields = ["number", "=order_id", "=customer_id", "=quote__id"]
    date_hierarchy = "start_date"
    actions = [
        reason_action(
            _cancel,
            name="cancel_policies",
            description="Cancel the selected policies, refunding the unused days",
            done="Cancelled",
            permission="cancel",
        )
    ]

    def has_cancel_permission(self, request):
        return request.user.has_perm("insurance.change_policy")

    refund = money_column("refund_amount", _("Refunded"))


class ClaimDecisionInline(DecisionTrailInline):
    model = ClaimDecisionRecord


@admin.register(Claim)
class ClaimAdmin(ReadOnlyInsuranceAdmin):
    list_display = [
        "short_number",
        "policy",
        "incident_date",
        "claimed",
        "approved",
        "status",
        "created_at",
    ]
    list_filter = ["status"]
    list_select_related = ["policy"]
    search_fields = ["=id", "=order_id", "=customer_id", "policy__number"]
    date_hierarchy = "created_at"
    inlines = [ClaimDecisionInline]
    actions = [
        reason_action(
            _approve_in_full,
            name="approve_in_full",
            description="Approve the selected claims for the amounts claimed",
            done="Approved",
            permission="decide",
        ),
        reason_action(
            _reject,
            name="reject",
            description="Reject the selected claims",
            done="Rejected",
            permission="decide",
        ),
    ]

    def has_decide_permission(self, request):
        return request.user.has_perm("insurance.change_claim")

    claimed = money_column("amount_claimed", _("Claimed"))

    approved = money_column("amount_approved", _("Approved"))
