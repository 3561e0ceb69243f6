"""The partner banks' pages (docs/financing.md, "Banks" and "The bank's secret"): seen by
staff, changed only by whoever holds `financing.configure_banks`. A bank's callback secret is
write-only: a password-like input sets or replaces it through `bank_secret_set`, and no page
shows it, to anyone; they say only whether one is set and since when."""

from datetime import datetime

from django import forms
from django.contrib import admin
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext

from common.admin import DatabaseAdminMixin, display
from common.api.exceptions import ApplicationError
from financing import services
from financing.models import Bank, BankProgramme, CreditDiscount, StateProgramme


class BankConfigurationMixin(DatabaseAdminMixin, admin.ModelAdmin):
    """Seen by staff, changed only by whoever holds `financing.configure_banks`: a bank's
    address and secret say where buyers' data goes."""

    using = "financing"

    def _configures(self, request) -> bool:
        return request.user.has_perm("financing.configure_banks")

    def has_add_permission(self, request):
        return self._configures(request)

    def has_change_permission(self, request, obj=None):
        return self._configures(request)

    def has_delete_permission(self, request, obj=None):
        return self._configures(request)


class BankProgrammeInline(admin.TabularInline):
    model = BankProgramme
    extra = 0
    fields = [
        "name",
        "annual_rate",
        "min_term_months",
        "max_term_months",
        "min_down_payment_percent",
        "condition",
        "max_vehicle_age_years",
        "max_price",
        "insurance_required",
        "insurance_percent",
        "balloon_percent",
        "is_active",
    ]


class BankForm(forms.ModelForm):
    """The bank's fields, and its new secret: never filled in, not even after a refused save;
    left empty, the secret stays as it is."""

    new_secret = forms.CharField(
        label=_("new callback secret"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
    )

    class Meta:
        model = Bank
        fields = [
            "name",
            "legal_name",
            "code",
            "logo",
            "adapter",
            "endpoint",
            "timeout_seconds",
            "answer_within_minutes",
            "demo_rules",
            "is_active",
            "position",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "new_secret" in self.fields:
            self.fields["new_secret"].help_text = _(
                "The key of the HMAC the bank signs its callbacks with, and we our requests to "
                "it (HTTP adapter). Stored encrypted and never shown again; the one it "
                "replaces still verifies the bank's callbacks for %(hours)s hours. Leave "
                "empty to keep the current one."
            ) % {"hours": services.bank_secret_overlap_hours()}

    def clean_new_secret(self):
        secret = self.cleaned_data["new_secret"]
        if secret:
            try:
                services.bank_secret_check(secret)
            except ApplicationError as exc:
                raise forms.ValidationError(exc.message) from None
        return secret


# What a bank's page shows, in order; the secret's state in place of the secret.
BANK_FIELDS = [
    "name",
    "legal_name",
    "code",
    "logo",
    "adapter",
    "endpoint",
    "secret_state",
    "new_secret",
    "timeout_seconds",
    "answer_within_minutes",
    "demo_rules",
    "is_active",
    "position",
]


def _when(moment: datetime) -> str:
    return formats.date_format(timezone.localtime(moment), "DATETIME_FORMAT")


@admin.register(Bank)
class BankAdmin(BankConfigurationMixin):
    form = BankForm
    list_display = ["name", "adapter", "is_active", "position"]
    list_filter = ["adapter", "is_active"]
    search_fields = ["name", "legal_name", "code"]
    readonly_fields = ["secret_state"]
    inlines = [BankProgrammeInline]

    def get_fields(self, request, obj=None):
        """The input for a new secret only for those who may set one: the view-only page
        has nothing to show of it."""
        if self.has_change_permission(request, obj):
            return BANK_FIELDS
        return [field for field in BANK_FIELDS if field != "new_secret"]

    @display(_("callback secret"))
    def secret_state(self, bank):
        """Whether a secret is set and when it last was; never the secret."""
        if not bank.secret_encrypted:
            return pgettext("bank secret", "not set")
        parts = [pgettext("bank secret", "set")]
        if bank.secret_rotated_at is not None:
            parts.append(str(_("last set %s")) % _when(bank.secret_rotated_at))
        if bank.previous_secret_encrypted and bank.previous_secret_expires_at is not None:
            parts.append(
                str(_("the previous one verifies until %s"))
                % _when(bank.previous_secret_expires_at)
            )
        return "; ".join(parts)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if secret := form.cleaned_data.get("new_secret"):
            services.bank_secret_set(bank_id=obj.pk, secret=secret)


@admin.register(StateProgramme)
class StateProgrammeAdmin(BankConfigurationMixin):
    list_display = ["name", "rate_discount", "condition", "valid_from", "valid_until", "is_active"]
    list_filter = ["is_active", "condition"]


@admin.register(CreditDiscount)
class CreditDiscountAdmin(BankConfigurationMixin):
    """The dealer's credit discounts (docs/financing.md, "The credit discount"): a price, so
    changed by those who configure the banks, not by every manager."""

    list_display = ["name", "amount", "condition", "valid_from", "valid_until", "is_active"]
    list_filter = ["is_active", "condition"]
    search_fields = ["name"]

    # Through the services, whose events tell the classifieds' feeds (docs/feeds.md).
    def save_model(self, request, obj, form, change):
        services.credit_discount_save(discount=obj, user=request.user)

    def delete_model(self, request, obj):
        services.credit_discount_delete(discount=obj, user=request.user)

    def delete_queryset(self, request, queryset):
        for discount in queryset:
            services.credit_discount_delete(discount=discount, user=request.user)
