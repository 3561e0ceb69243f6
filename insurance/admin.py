from django.contrib import admin
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from common.admin import (
    DatabaseAdminMixin,
    DecisionTrailInline,
    ExportMixin,
    ExportResource,
    ReadOnlyAdminMixin,
    ShowroomScopedAdminMixin,
    TotalsMixin,
    awaiting_second_approval_filter,
    date_range_filter,
    display,
    money_column,
    reason_action,
    short_id,
)
from common.admin.people import PeopleMixin
from common.admin.references import OrderLinksMixin
from insurance import services
from insurance.choices import ClaimDecision, ClaimStatus, InsuranceType
from insurance.models import Claim, ClaimDecisionRecord, Policy, Quote


class PolicyResource(ExportResource):
    class Meta:
        model = Policy
        fields = export_order = [
            "number",
            "created_at",
            "order_id",
            "customer_id",
            "insurance_type",
            "status",
            "coverage_amount",
            "premium",
            "premium_paid",
            "refund_amount",
            "currency",
            "start_date",
            "end_date",
            "paid_at",
            "cancelled_on",
        ]


SHORT_TYPES = {InsuranceType.OSAGO: _("OSAGO"), InsuranceType.KASKO: _("KASKO")}


class ReadOnlyInsuranceAdmin(
    OrderLinksMixin, DatabaseAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin
):
    """Quotes, policies and claims change only through the services (with their events):
    cancellations and claim decisions are the actions below."""

    using = "insurance"

    @display(_("Order"))
    def order(self, obj):
        return self.order_link(obj)

    @display(_("Number"), ordering="created_at")
    def short_number(self, obj):
        return short_id(obj.pk)

    premium_shown = money_column("premium", _("Premium"))

    @display(_("Insurance"), ordering="insurance_type")
    def insurance(self, obj):
        """The type's short name: its full one is too wide for a list at 1280 px."""
        return SHORT_TYPES.get(obj.insurance_type, obj.insurance_type)


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
class QuoteAdmin(ShowroomScopedAdminMixin, PeopleMixin, ReadOnlyInsuranceAdmin):
    list_display = [
        "short_number",
        "order",
        "insurance",
        "vehicle_make",
        "vehicle_model",
        "premium_shown",
        "status",
        "valid_until",
        "created_at",
    ]
    list_filter = [
        date_range_filter("created_at"),
        date_range_filter("valid_until"),
        "status",
        "insurance_type",
        "ruleset_version",
    ]
    search_fields = ["^id", "^order_id", "=customer_id", "vehicle_vin"]
    people_search_fields = ("customer_id",)


@admin.register(Policy)
class PolicyAdmin(
    ShowroomScopedAdminMixin, PeopleMixin, ExportMixin, TotalsMixin, ReadOnlyInsuranceAdmin
):
    list_display = [
        "number",
        "order",
        "customer_id_person",
        "insurance",
        "premium_shown",
        "refund",
        "start_date",
        "end_date",
        "status",
    ]
    list_filter = [
        date_range_filter("created_at"),
        date_range_filter("start_date"),
        date_range_filter("end_date"),
        "status",
        "insurance_type",
    ]
    list_select_related = ["quote"]
    # By its number, its order's short id, the vehicle's VIN, and by the customer's name,
    # e-mail or phone.
    search_fields = ["number", "^order_id", "=customer_id", "^quote__id", "quote__vehicle_vin"]
    people_fields = {"customer_id": _("customer")}
    people_search_fields = ("customer_id",)
    totals = ["premium", "premium_paid", "refund_amount"]
    resource_classes = [PolicyResource]
    readonly_fields = ["customer_id_person"]
    actions = [
        reason_action(
            _cancel,
            name="cancel_policies",
            description=_("Cancel the selected policies, refunding the unused days"),
            done=pgettext_lazy("action done", "Cancelled"),
            permission="cancel",
        )
    ]

    def has_cancel_permission(self, request):
        return request.user.has_perm("insurance.change_policy")

    refund = money_column("refund_amount", pgettext_lazy("amount", "Refunded"))


class ClaimDecisionInline(DecisionTrailInline):
    model = ClaimDecisionRecord


@admin.register(Claim)
class ClaimAdmin(ShowroomScopedAdminMixin, PeopleMixin, TotalsMixin, ReadOnlyInsuranceAdmin):
    list_display = [
        "short_number",
        "policy",
        "incident_date",
        "claimed",
        "approved",
        "status",
        "created_at",
    ]
    list_filter = [
        awaiting_second_approval_filter(
            waiting=Q(
                status=ClaimStatus.FILED,
                decisions__decision=ClaimDecision.APPROVED,
                decisions__final=False,
            ),
            not_by=("customer_id", "filed_by_id"),
        ),
        date_range_filter("created_at"),
        date_range_filter("incident_date"),
        "status",
    ]
    list_select_related = ["policy"]
    search_fields = ["^id", "^order_id", "=customer_id", "policy__number"]
    people_fields = {"customer_id": _("customer")}
    people_search_fields = ("customer_id",)
    totals = ["amount_claimed", "amount_approved"]
    readonly_fields = ["customer_id_person"]
    inlines = [ClaimDecisionInline]
    actions = [
        reason_action(
            _approve_in_full,
            name="approve_in_full",
            description=_("Approve the selected claims for the amounts claimed"),
            done=pgettext_lazy("action done", "Approved"),
            permission="decide",
        ),
        reason_action(
            _reject,
            name="reject",
            description=_("Reject the selected claims"),
            done=pgettext_lazy("action done", "Rejected"),
            permission="decide",
        ),
    ]

    def has_decide_permission(self, request):
        return request.user.has_perm("insurance.change_claim")

    claimed = money_column("amount_claimed", _("Claimed"))

    approved = money_column("amount_approved", _("Approved"))
