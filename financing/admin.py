"""The financing admin: loan applications, decided, disbursed and returned through the
services; the partner banks' pages in `admin_banks.py` (docs/financing.md, "Banks")."""

from decimal import Decimal

from django import forms
from django.conf import settings
from django.contrib import admin
from django.db.models import Q
from django.utils.formats import number_format
from django.utils.functional import Promise
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_stubs_ext import StrOrPromise

from common.admin import (
    AwaitingSecondApproval,
    CreatedColumnMixin,
    DatabaseAdminMixin,
    DecisionTrailInline,
    ExportMixin,
    ExportResource,
    ReadOnlyAdminMixin,
    ReadOnlyInline,
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
from financing import (
    admin_banks,  # noqa: F401  (registers the partner banks' pages)
    services,
)
from financing.choices import ApplicationStatus, Decision
from financing.models import (
    ApplicationDecision,
    BankOffer,
    LoanApplication,
    LoanInstallment,
)
from financing.reasons import reason_label


def _decision_action(decision: Decision, *, description: StrOrPromise, done: str | Promise):
    def apply(request, application, reason):
        decided = services.application_decide(
            application_id=application.pk, decision=decision, reason=reason, user=request.user
        )
        if decided.status == ApplicationStatus.PENDING_REVIEW:  # a first approval
            return AwaitingSecondApproval(
                settings.FINANCING_SECOND_APPROVAL_ABOVE, decided.currency
            )
        return decided

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
    recorded = services.application_disburse(
        application_id=application.pk,
        amount=application.loan_amount,
        reference=reference,
        user=request.user,
    )
    if recorded.status == ApplicationStatus.APPROVED:  # the first of two recordings
        return AwaitingSecondApproval(settings.FINANCING_SECOND_APPROVAL_ABOVE, recorded.currency)
    return recorded


def _overpayment_return(request, application, reason):
    """A lender's overpayment sent back: every return takes two staff members (docs/deal.md)."""
    returned = services.application_overpayment_return(
        application_id=application.pk, user=request.user, reason=reason
    )
    if returned.status == ApplicationStatus.OVERPAID:  # the first of two
        return AwaitingSecondApproval(Decimal("0.00"), returned.currency)
    return returned


class LoanApplicationResource(ExportResource):
    class Meta:
        model = LoanApplication
        fields = export_order = [
            "id",
            "created_at",
            "order_id",
            "customer_id",
            "status",
            "financing_type",
            "vehicle_price",
            "down_payment",
            "loan_amount",
            "currency",
            "term_months",
            "annual_rate",
            "monthly_payment",
            "total_interest",
            "lender",
            "decided_at",
            "disbursed_at",
        ]


class ReadOnlyFinancingAdmin(DatabaseAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    """Applications are scored, decided and withdrawn only through the services."""

    using = "financing"


class ApplicationDecisionInline(DecisionTrailInline):
    model = ApplicationDecision


class LoanInstallmentInline(ReadOnlyInline):
    model = LoanInstallment
    fields = readonly_fields = ("number", "due_date", "payment", "principal", "interest", "balance")


class BankOfferInline(ReadOnlyInline):
    """Each bank's answer on the application's page, with how long it took."""

    model = BankOffer
    fields = readonly_fields = (
        "bank",
        "status",
        "annual_rate",
        "monthly_payment",
        "full_cost_percent",
        "total_to_pay",
        "reason",
        "requested_at",
        "answer_time",
    )

    @display(_("answered in"))
    def answer_time(self, offer):
        if offer.answered_at is None:
            return "—"
        return _("%s min") % number_format(
            (offer.answered_at - offer.requested_at).total_seconds() / 60, decimal_pos=1
        )


@admin.register(LoanApplication)
class LoanApplicationAdmin(
    ShowroomScopedAdminMixin,
    OrderLinksMixin,
    PeopleMixin,
    ExportMixin,
    TotalsMixin,
    CreatedColumnMixin,
    ReadOnlyFinancingAdmin,
):
    # What picks a row at 1280 px; the rate and the monthly payment are on its page and in
    # the export (docs/admin.md, "What a manager sees").
    list_display = [
        "number",
        "order",
        "customer_id_person",
        "status",
        "loan",
        "term",
    ]
    list_filter = [
        awaiting_second_approval_filter(
            waiting=Q(
                status=ApplicationStatus.PENDING_REVIEW,
                decisions__decision=Decision.APPROVED,
                decisions__final=False,
            ),
            not_by=("customer_id",),
        ),
        date_range_filter("created_at"),
        "status",
        "financing_type",
        "rate_table_version",
        "currency",
    ]
    # By its short id or its order's (or the whole ones), and by the customer's name, e-mail
    # or phone.
    search_fields = ["^id", "^order_id", "=customer_id"]
    people_fields = {
        "customer_id": _("customer"),
        "decided_by_id": _("decided by"),
        "disbursed_by_id": _("disbursement recorded by"),
    }
    people_search_fields = ("customer_id",)
    totals = ["loan_amount", "vehicle_price"]
    resource_classes = [LoanApplicationResource]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "number",
                    "order",
                    "customer_id_person",
                    "status",
                    "reasons_shown",
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
                    "disbursed_by_id_person",
                    "returned_at",
                ]
            },
        ),
        (
            _("Terms"),
            {
                "fields": [
                    "vehicle",
                    "credit_discount",
                    "credit_discount_name",
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
                    "decided_by_id_person",
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
        "customer_id_person",
        "reasons_shown",
        "decided_by_id_person",
        "disbursed_by_id_person",
        "vehicle",
        "down",
        "loan",
        "monthly",
        "interest",
        "income",
        "debts",
    ]
    inlines = [BankOfferInline, ApplicationDecisionInline, LoanInstallmentInline]
    actions = [
        _decision_action(
            Decision.APPROVED,
            description=_("Approve the selected applications pending review"),
            done=pgettext_lazy("action done", "Approved"),
        ),
        _decision_action(
            Decision.REJECTED,
            description=_("Reject the selected applications pending review"),
            done=pgettext_lazy("action done", "Rejected"),
        ),
        reason_action(
            _disburse,
            name="disburse",
            description=_("Record the lender's disbursement of the selected approved loan"),
            done=pgettext_lazy("action done", "Disbursed"),
            permission="decide",
            form_class=DisbursementForm,
        ),
        reason_action(
            _overpayment_return,
            name="return_overpayment",
            description=_("Return the selected lender's overpayment to the lender"),
            done=pgettext_lazy("action done", "Returned to the lender"),
            permission="decide",
        ),
    ]

    def has_decide_permission(self, request):
        return request.user.has_perm("financing.change_loanapplication")

    @display(_("reasons"))
    def reasons_shown(self, application):
        """Why it is in its status, oldest first, in the reader's language."""
        items = ((reason_label(item),) for item in application.reasons)
        return format_html(
            '<ul class="reasons">{}</ul>', format_html_join("", "<li>{}</li>", items)
        )

    @display(_("Application"), ordering="created_at")
    def number(self, application):
        return short_id(application.pk)

    @display(_("Order"))
    def order(self, application):
        return self.order_link(application)

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
class LoanInstallmentAdmin(ShowroomScopedAdminMixin, ReadOnlyFinancingAdmin):
    showroom_field, owner_field = "application__showroom_id", "application__customer_id"
    list_display = ["application", "number", "due_date", "payment", "principal", "interest"]
    list_select_related = ["application"]
    list_filter = [date_range_filter("due_date")]
    search_fields = ["=application__id", "=application__order_id", "=application__customer_id"]
