from django import forms
from django.contrib import admin
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from common.admin import (
    DatabaseAdminMixin,
    DecisionTrailInline,
    ReadOnlyAdminMixin,
    ReadOnlyInline,
    admin_link,
    changelist_link,
    display,
    money_column,
    reason_action,
    short_id,
)
from financing import services
from financing.choices import Decision
from financing.models import ApplicationDecision, LoanApplication, LoanInstallment


def _decision_action(decision: Decision, *, description: str, done: str):
    def apply(request, application, reason):
        services.application_decide(
            application_id=application.pk, decision=decision, reason=reason, user=request.user
        )

    return reason_action(
        apply, name=decision.value, description=description, done=done, permission="decide"
    )


class DisbursementForm(forms.Form):
    reference = forms.CharField(
        max_length=100,
        label=_("Lender's payment reference"),
        help_text=_(
            "The loan amount as approved is recorded; the same reference again changes nothing."
        ),
    )


def _disburse(request, application, reference):
    services.application_disburse(
        application_id=application.pk,
        amount=application.loan_amount,
        reference=reference,
        user=request.user,
    )


class ReadOnlyFinancingAdmin(DatabaseAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    """Applications are scored, decided and withdrawn only through the services."""

    using = "financing"


class ApplicationDecisionInline(DecisionTrailInline):
    model = ApplicationDecision


class LoanInstallmentInline(ReadOnlyInline):
    model = LoanInstallment
    fields = readonly_fields = ["number", "due_date", "payment", "principal", "interest", "balance"]


@admin.register(LoanApplication)
class LoanApplicationAdmin(ReadOnlyFinancingAdmin):
    list_display = [
        "number",
        "order",
        "status",
        "loan",
        "term",
        "rate",
        "monthly",
    ]
    list_filter = ["status", "financing_type", "rate_table_version", "currency"]
    search_fields = ["=id", "=order_id", "=customer_id"]
    date_hierarchy = "created_at"
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "number",
                    "order",
                    "customer",
                    "status",
                    "reasons",
                    "financing_type",
                    "employment_status",
                ]
            },
        ),
        (
            _("Lender"),
            {
                "fields": [
                    "lender",
                    "lender_reference",
                    "sent_to_lender_at",
                    "disbursement_reference",
                    "disbursed_at",
                    "disbursed_by_id",
                    "returned_at",
                ]
            },
        ),
        (
            _("Terms"),
            {
                "fields": [
                    "vehicle",
                    "down",
                    "loan",
                    "term_months",
                    "annual_rate",
                    "monthly",
                    "interest",
                    "income",
                    "debts",
                    "debt_to_income",
                ]
            },
        ),
        (
            _("Technical"),
            {
                "classes": ["collapse"],
                "fields": [
                    "id",
                    "order_id",
                    "customer_id",
                    "currency",
                    "rate_table_version",
                    "decided_by_id",
                    "decided_at",
                    "created_at",
                    "updated_at",
                ],
            },
        ),
    ]
    readonly_fields = [
        *(f.name for f in LoanApplication._meta.fields),
        "number",
        "order",
        "customer",
        "vehicle",
        "down",
        "loan",
        "monthly",
        "interest",
        "income",
        "debts",
    ]
    inlines = [ApplicationDecisionInline, LoanInstallmentInline]
    actions = [
        _decision_action(
            Decision.APPROVED,
            description="Approve the selected applications pending review",
            done="Approved",
        ),
        _decision_action(
            Decision.REJECTED,
            description="Reject the selected applications pending review",
            done="Rejected",
        ),
        reason_action(
            _disburse,
            name="disburse",
            description="Record the lender's disbursement of the selected approved loan",
            done="Disbursed",
            permission="decide",
            form_class=DisbursementForm,
        ),
    ]

    def has_decide_permission(self, request):
        return request.user.has_perm("financing.change_loanapplication")

    @display(_("Application"), ordering="created_at")
    def number(self, application):
        return short_id(application.pk)

    @display(_("Order"))
    def order(self, application):
        return admin_link(
            "admin:orders_order_change", application.order_id, short_id(application.order_id)
        )

    @display(_("Customer"))
    def customer(self, application):
        user_id = application.customer_id
        return changelist_link("admin:crm_client_changelist", short_id(user_id), user_id=user_id)

    @display(_("Term"), ordering="term_months")
    def term(self, application):
        return _("%s mo.") % application.term_months

    @display(_("Rate"), ordering="annual_rate")
    def rate(self, application):
        return f"{number_format(application.annual_rate, decimal_pos=2, use_l10n=True)}\u00a0%"

    vehicle = money_column("vehicle_price", _("Vehicle price"))

    down = money_column("down_payment", _("Down payment"))

    loan = money_column("loan_amount", _("Loan"))

    monthly = money_column("monthly_payment", _("Monthly payment"))

    interest = money_column("total_interest", _("Total interest"))

    income = money_column("monthly_income", _("Monthly income"))

    debts = money_column("existing_monthly_debts", _("Existing monthly debts"))


@admin.register(LoanInstallment)
class LoanInstallmentAdmin(ReadOnlyFinancingAdmin):
    list_display = ["application", "number", "due_date", "payment", "principal", "interest"]
    list_select_related = ["application"]
    list_filter = ["due_date"]
    search_fields = ["=application__id", "=application__order_id", "=application__customer_id"]
