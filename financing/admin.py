from django.contrib import admin

from common.admin import DatabaseAdminMixin, ReadOnlyAdminMixin, reason_action
from financing import services
from financing.choices import Decision
from financing.models import LoanApplication, LoanInstallment


def _decision_action(decision: Decision, *, description: str, done: str):
    def apply(request, application, reason):
        services.application_decide(
            application_id=application.pk, decision=decision, reason=reason, user=request.user
        )

    return reason_action(
        apply, name=decision.value, description=description, done=done, permission="decide"
    )


class ReadOnlyFinancingAdmin(DatabaseAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    """Applications are scored, decided and withdrawn only through the services."""

    using = "financing"


class LoanInstallmentInline(admin.TabularInline):
    model = LoanInstallment
    extra = 0
    can_delete = False
    fields = readonly_fields = ["number", "due_date", "payment", "principal", "interest", "balance"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(LoanApplication)
class LoanApplicationAdmin(ReadOnlyFinancingAdmin):
    list_display = [
        "id",
        "order_id",
        "status",
        "financing_type",
        "loan_amount",
        "currency",
        "term_months",
        "annual_rate",
        "monthly_payment",
        "debt_to_income",
        "created_at",
    ]
    list_filter = ["status", "financing_type", "rate_table_version", "currency"]
    search_fields = ["=id", "=order_id", "=customer_id"]
    date_hierarchy = "created_at"
    inlines = [LoanInstallmentInline]
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
    ]

    def has_decide_permission(self, request):
        return request.user.has_perm("financing.change_loanapplication")


@admin.register(LoanInstallment)
class LoanInstallmentAdmin(ReadOnlyFinancingAdmin):
    list_display = ["application", "number", "due_date", "payment", "principal", "interest"]
    list_select_related = ["application"]
    list_filter = ["due_date"]
    search_fields = ["=application__id", "=application__order_id", "=application__customer_id"]
