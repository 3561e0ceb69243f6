"""The service department in the admin (docs/service.md): bays, advisors and labour rates of
a showroom, scoped to its staff; operations, parts and maintenance menus, the group's; the
bookings, read here and cancelled through the service."""

from decimal import Decimal
from typing import cast
from uuid import UUID

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import F
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.formats import number_format
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from common.admin import (
    DatabaseAdminMixin,
    ReadOnlyAdminMixin,
    ShowroomScopedAdminMixin,
    admin_link,
    date_range_filter,
    display,
    service_action,
)
from common.formatting import local_date
from common.showrooms import scope_check, showroom_names
from common.types import Actor
from service import managers, selectors, services
from service.models import (
    Advisor,
    Bay,
    Booking,
    LabourRate,
    MaintenanceMenu,
    MenuPart,
    Operation,
    Part,
    PartStock,
    WarrantyClaim,
    WorkOrder,
    WorkOrderLine,
)


def _showrooms() -> list[tuple[UUID, str]]:
    return list(showroom_names())


def _uuid(value: object) -> UUID:
    # The form coerces what was posted and, to tell a change, the initial value: already one.
    return value if isinstance(value, UUID) else UUID(str(value))


class ShowroomRecordForm(forms.ModelForm):
    """A showroom's record: its showroom chosen by name."""

    showroom_id = forms.TypedChoiceField(label=_("showroom"), coerce=_uuid, choices=_showrooms)


class ShowroomRecordAdmin(ShowroomScopedAdminMixin, DatabaseAdminMixin, admin.ModelAdmin):
    """A record of one showroom: its staff and the group's edit it, in their showrooms."""

    using = "service"
    owner_field = None
    form = ShowroomRecordForm

    @display(_("Showroom"), ordering="showroom_id")
    def showroom(self, obj):
        return dict(showroom_names()).get(obj.showroom_id, str(obj.showroom_id))

    def save_model(self, request, obj, form, change):
        scope_check(cast(Actor, request.user), obj.showroom_id)
        obj.save(using=self.using)


@admin.register(Bay)
class BayAdmin(ShowroomRecordAdmin):
    list_display = ["name", "showroom", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["name"]


@admin.register(Advisor)
class AdvisorAdmin(ShowroomRecordAdmin):
    list_display = ["name", "position", "showroom", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["name", "=user_id"]


@admin.register(LabourRate)
class LabourRateAdmin(ShowroomRecordAdmin):
    list_display = ["showroom", "kind", "rate"]
    search_fields = ["kind"]


class LowStockFilter(admin.SimpleListFilter):
    title = _("stock")
    parameter_name = "low"

    def lookups(self, request, model_admin):
        return [("yes", _("Low: free at or below its mark"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(on_hand__lte=F("reserved") + F("min_quantity"))
        return queryset


class PartStockForm(ShowroomRecordForm):
    def clean(self):
        data = super().clean()
        if self.instance.pk and data.get("on_hand") is not None:
            reserved = PartStock.objects.using("service").get(pk=self.instance.pk).reserved
            if data["on_hand"] < reserved:
                self.add_error("on_hand", _("Not below what work orders have reserved."))
        return data


@admin.register(PartStock)
class PartStockAdmin(ShowroomRecordAdmin):
    """A showroom's shelf of a part: what arrives is added to what the form showed (a count
    lower writes off), through the service, which never takes it below what work orders have
    reserved (docs/service.md, "Parts")."""

    list_display = ["part", "showroom", "on_hand", "reserved", "free", "min_quantity"]
    list_filter = [LowStockFilter]
    list_select_related = ["part"]
    search_fields = ["part__number", "part__name"]
    autocomplete_fields = ["part"]
    readonly_fields = ["reserved"]

    @display(_("free"))
    def free(self, obj):
        return obj.free

    form = PartStockForm

    def save_model(self, request, obj, form, change):
        stock = services.stock_receive(
            showroom_id=obj.showroom_id,
            part_id=obj.part_id,
            quantity=obj.on_hand - Decimal(form.initial.get("on_hand") or 0),
            min_quantity=obj.min_quantity,
            user=cast(Actor, request.user),
        )
        obj.pk = stock.pk


@admin.register(Operation)
class OperationAdmin(DatabaseAdminMixin, admin.ModelAdmin):
    using = "service"
    list_display = ["code", "name", "norm_hours", "rate_kind"]
    search_fields = ["code", "name"]


@admin.register(Part)
class PartAdmin(DatabaseAdminMixin, admin.ModelAdmin):
    using = "service"
    list_display = ["number", "manufacturer", "name", "price"]
    list_filter = ["manufacturer"]
    search_fields = ["number", "name"]


class MenuPartInline(admin.TabularInline):
    model = MenuPart
    extra = 0
    autocomplete_fields = ["part"]


@admin.register(MaintenanceMenu)
class MaintenanceMenuAdmin(DatabaseAdminMixin, admin.ModelAdmin):
    using = "service"
    list_display = ["name", "make", "model", "interval_km", "interval_months", "is_active"]
    list_filter = ["make", "is_active"]
    search_fields = ["name", "make", "model"]
    filter_horizontal = ["operations"]
    inlines = [MenuPartInline]


@admin.register(Booking)
class BookingAdmin(
    ShowroomScopedAdminMixin, DatabaseAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin
):
    """Bookings change only through the service (its events): cancelled by the action."""

    using = "service"
    list_display = ["start_time", "showroom", "bay", "advisor", "vin", "plate", "menu", "status"]
    list_filter = [date_range_filter("start_time", _("start")), "status"]
    list_select_related = ["bay", "advisor", "menu"]
    search_fields = ["vin", "plate", "phone"]
    date_hierarchy = "start_time"
    actions = [
        service_action(
            lambda request, booking: services.booking_cancel(
                booking_id=booking.pk, user=cast(Actor, request.user)
            ),
            description=_("Cancel the selected service bookings"),
            done=_("Cancelled"),
        )
    ]

    @display(_("Showroom"), ordering="showroom_id")
    def showroom(self, obj):
        return dict(showroom_names()).get(obj.showroom_id, str(obj.showroom_id))


class WorkOrderLineInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = WorkOrderLine
    extra = 0
    fields = (
        "kind",
        "name",
        "code",
        "norm_hours",
        "quantity",
        "amount",
        "pay_type",
        "state",
        "decided_how",
        "decided_by",
        "decided_at",
        "done_at",
    )
    readonly_fields = fields


@admin.register(WorkOrder)
class WorkOrderAdmin(
    ShowroomScopedAdminMixin, DatabaseAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin
):
    """Work orders change only through the service (its map and events): read here with
    every line, who decided it and how (docs/service.md, "The work order")."""

    using = "service"
    list_display = ["number", "created_at", "showroom", "advisor", "vin", "plate", "status"]
    list_filter = [date_range_filter("created_at", _("opened")), "status"]
    list_select_related = ["advisor"]
    search_fields = ["number", "vin", "plate", "customer_phone", "customer_name"]
    date_hierarchy = "created_at"
    inlines = [WorkOrderLineInline]
    change_list_template = "admin/service/workorder/change_list.html"
    readonly_fields = ["car_history"]

    showroom = BookingAdmin.showroom

    @display(_("the car's service history"))
    def car_history(self, work_order):
        """Every visit of the car at the dealer, each showroom's (docs/service.md, "Each
        car's history"): number, day, showroom, mileage and the works done."""
        visits = selectors.car_history(vin=work_order.vin)
        if not visits:
            return _("No visit before this one.") if work_order.vin else "—"
        names = dict(showroom_names())
        return format_html_join(
            mark_safe("<br>"),
            "{} · {} · {} · {} · {}",
            (
                (
                    admin_link("admin:service_workorder_change", visit.work_order_id, visit.number),
                    local_date(visit.opened),
                    names.get(visit.showroom_id, "—"),
                    _("%(km)s km") % {"km": number_format(visit.mileage_km, force_grouping=True)},
                    "; ".join(visit.works) or "—",
                )
                for visit in visits
            ),
        )

    # THE ADVISOR'S DAY (docs/service.md, "The advisor's day")
    # --------------------------------------------------------------------------
    def get_urls(self):
        day = self.admin_site.admin_view(self.advisor_day_view)
        return [
            path("advisor-day/", day, name="service_workorder_advisor_day"),
            *super().get_urls(),
        ]

    def advisor_day_view(self, request):
        """Today in each of the staff member's showrooms, on its own clock: the bookings, the
        cars in work, the orders waiting for the customer's word and those done, each linked
        to its work order's page (service/managers.py, `advisor_day`)."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        names = dict(showroom_names())
        days = managers.advisor_day(user=cast(Actor, request.user))
        context = {
            **self.admin_site.each_context(request),
            "title": _("The advisor's day"),
            "opts": self.model._meta,
            "days": sorted(
                ((names.get(day.showroom_id, str(day.showroom_id)), day) for day in days),
                key=lambda named: named[0],
            ),
        }
        return TemplateResponse(request, "admin/service/advisor_day.html", context)


@admin.register(WarrantyClaim)
class WarrantyClaimAdmin(
    ShowroomScopedAdminMixin, DatabaseAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin
):
    """Claims move through the service (`POST /api/v1/service/warranty-claims/{id}/status`)."""

    using = "service"
    list_display = ["work_order", "created_at", "showroom", "manufacturer", "amount", "status"]
    list_filter = ["status", "manufacturer"]
    list_select_related = ["work_order"]
    search_fields = ["work_order__number", "manufacturer"]

    showroom = BookingAdmin.showroom
