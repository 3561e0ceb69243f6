"""Trade-ins in the admin (docs/tradein.md), where the used-car manager works them: the
appraisal with its photos and the suggested price, the offer (four eyes above
TRADEIN_SECOND_APPROVAL_ABOVE) and the inspection at handover, each an action that calls the
service the API calls. Nothing is edited in a form: they move money."""

from django import forms
from django.conf import settings
from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from common.admin import (
    AwaitingSecondApproval,
    CreatedColumnMixin,
    DatabaseAdminMixin,
    DecisionTrailInline,
    ReadOnlyAdminMixin,
    ReadOnlyInline,
    ShowroomScopedAdminMixin,
    display,
    money_column,
    reason_action,
)
from common.admin.people import PeopleMixin
from common.admin.references import OrderLinksMixin
from common.formatting import money
from tradein import selectors, services
from tradein.choices import TradeInStatus
from tradein.models import OfferApproval, TradeIn, TradeInPhoto


class OfferApprovalInline(DecisionTrailInline):
    model = OfferApproval


class PhotoInline(ReadOnlyInline):
    model = TradeInPhoto
    fields = readonly_fields = ("thumbnail", "width", "height", "created_at")
    verbose_name_plural = _("Photos")

    @display(_("photo"))
    def thumbnail(self, photo):
        return format_html(
            '<a href="{}"><img src="{}" alt="" width="160" loading="lazy"></a>',
            photo.image.url,
            photo.thumb_url,
        )


class OfferForm(forms.Form):
    amount = forms.DecimalField(label=_("Amount"), min_value=1, max_digits=14, decimal_places=2)
    valid_until = forms.DateTimeField(
        label=_("Valid until"),
        help_text=_("At most TRADEIN_OFFER_MAX_DAYS (14) days ahead."),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )
    reason = forms.CharField(
        label=_("How it was appraised"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
    )


class InspectionForm(forms.Form):
    mileage_km = forms.IntegerField(
        label=_("Mileage checked, km"), min_value=0, max_value=2_000_000
    )
    findings = forms.CharField(
        label=_("Findings"), max_length=4000, widget=forms.Textarea(attrs={"rows": 4, "cols": 60})
    )
    amount = forms.DecimalField(
        label=_("Lower the amount to"),
        min_value=1,
        max_digits=14,
        decimal_places=2,
        required=False,
        help_text=_("Empty confirms the accepted amount; a lower one is offered again."),
    )
    reason = forms.CharField(
        label=_("Why lowered"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "cols": 60}),
    )


def _offer(request, trade_in, amount, valid_until, reason):
    offered = services.trade_in_offer(
        user=request.user,
        trade_in_id=trade_in.pk,
        amount=amount,
        valid_until=valid_until,
        reason=reason,
    )
    if offered.status == TradeInStatus.SUBMITTED:  # the first of two approvals
        return AwaitingSecondApproval(settings.TRADEIN_SECOND_APPROVAL_ABOVE, offered.currency)
    return offered


def _inspect(request, trade_in, mileage_km, findings, amount, reason):
    return services.trade_in_inspect(
        user=request.user,
        trade_in_id=trade_in.pk,
        mileage_km=mileage_km,
        findings=findings,
        amount=amount,
        reason=reason,
    )


@admin.register(TradeIn)
class TradeInAdmin(
    ShowroomScopedAdminMixin,
    OrderLinksMixin,
    PeopleMixin,
    CreatedColumnMixin,
    DatabaseAdminMixin,
    ReadOnlyAdminMixin,
    admin.ModelAdmin,
):
    """A trade-in's page names its customer and staff by name and its order by number; the
    ids are folded away under "Technical" (docs/admin.md, "What a manager sees")."""

    using = "tradein"
    list_display = [
        "number",
        "vin",
        "make",
        "model",
        "year",
        "customer_id_person",
        "status",
        "offer",
        "created",
    ]
    list_filter = ["status", "condition"]
    search_fields = ["number", "=vin", "make", "model", "=order_id", "=customer_id"]
    people_fields = {
        "customer_id": _("customer"),
        "accepted_by_id": _("accepted by"),
        "inspected_by_id": _("inspected by"),
    }
    people_search_fields = ("customer_id",)
    readonly_fields = ["suggested_price", "order"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "number",
                    "customer_id_person",
                    "order",
                    "status",
                    ("make", "model", "year"),
                    "vin",
                    ("mileage_km", "condition"),
                    ("owners_count", "accident_history"),
                    "notes",
                ]
            },
        ),
        (
            _("Offer"),
            {
                "fields": [
                    "suggested_price",
                    ("offer_amount", "currency"),
                    "offer_valid_until",
                    "offered_at",
                    ("accepted_by_id_person", "accepted_at"),
                ]
            },
        ),
        (
            _("Inspection"),
            {
                "fields": [
                    "inspected_mileage_km",
                    "findings",
                    "reduction_reason",
                    ("inspected_by_id_person", "inspected_at"),
                ]
            },
        ),
        (
            _("Technical"),
            {
                "classes": ["collapse"],
                "fields": ["id", "customer_id", "order_id", "stock_product_id"],
            },
        ),
    ]
    inlines = [OfferApprovalInline, PhotoInline]
    actions = [
        reason_action(
            _offer,
            name="offer",
            description=_("Offer a price for the selected trade-ins"),
            done=pgettext_lazy("action done", "Offered"),
            permission="appraise",
            form_class=OfferForm,
        ),
        reason_action(
            _inspect,
            name="inspect",
            description=_("Record the inspection of the selected accepted trade-in"),
            done=pgettext_lazy("action done", "Inspected"),
            permission="appraise",
            form_class=InspectionForm,
        ),
    ]

    offer = money_column("offer_amount", _("Offer"), currency=lambda trade_in: trade_in.currency)

    @display(_("order"))
    def order(self, trade_in):
        return self.order_link(trade_in)

    def has_appraise_permission(self, request):
        return request.user.has_perm("tradein.change_tradein")

    @display(_("suggested price"))
    def suggested_price(self, trade_in):
        """What the dealership's own sales suggest (tradein/valuation.py); never the offer."""
        price = selectors.suggested_price(trade_in)
        return "—" if price is None else money(price, trade_in.currency)
