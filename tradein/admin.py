"""Trade-ins in the admin (docs/tradein.md): read here, with their offers' decisions and their
photos; offers and inspections go through the API's services (they move money)."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from common.admin import (
    CreatedColumnMixin,
    DatabaseAdminMixin,
    DecisionTrailInline,
    ReadOnlyAdminMixin,
    ReadOnlyInline,
    money_column,
)
from common.admin_people import PeopleMixin
from tradein.models import OfferApproval, TradeIn, TradeInPhoto


class OfferApprovalInline(DecisionTrailInline):
    model = OfferApproval


class PhotoInline(ReadOnlyInline):
    model = TradeInPhoto
    fields = readonly_fields = ("image", "width", "height", "created_at")
    verbose_name_plural = _("Photos")


@admin.register(TradeIn)
class TradeInAdmin(
    PeopleMixin, CreatedColumnMixin, DatabaseAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin
):
    using = "tradein"
    list_display = [
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
    search_fields = ["=vin", "make", "model", "=order_id", "=customer_id"]
    people_fields = {"customer_id": _("customer")}
    people_search_fields = ("customer_id",)
    inlines = [OfferApprovalInline, PhotoInline]

    offer = money_column("offer_amount", _("Offer"), currency=lambda trade_in: trade_in.currency)
