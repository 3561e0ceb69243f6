"""The showroom in the admin. Categories, resource types and resources are plain data that
managers edit; events, registrations, allocations and test drives change only through the
services (their actions here), so that seats, time slots and events stay right. Allocations
and test drives list by resource and day: the calendar of who has what when."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from common.admin import DatabaseAdminMixin, ReadOnlyAdminMixin, id_column, service_action
from showroom import services
from showroom.choices import TestDriveStatus
from showroom.models import (
    Allocation,
    Event,
    EventCategory,
    Registration,
    Resource,
    ResourceType,
    TestDrive,
)

DB = "showroom"


class ShowroomAdmin(DatabaseAdminMixin, admin.ModelAdmin):
    using = DB  # the router sends the forms' writes there too


class ReadOnlyShowroomAdmin(ReadOnlyAdminMixin, ShowroomAdmin):
    pass


@admin.register(EventCategory)
class EventCategoryAdmin(ShowroomAdmin):
    list_display = ["name", "created_at"]
    search_fields = ["name"]


@admin.register(ResourceType)
class ResourceTypeAdmin(ShowroomAdmin):
    list_display = ["name", "created_at"]
    search_fields = ["name"]


@admin.register(Resource)
class ResourceAdmin(ShowroomAdmin):
    """Saved through the services, so that their events go out as through the API; deleted
    by the action, which refuses one with bookings still to come (deactivate it instead)."""

    list_display = [
        "name",
        "type",
        "quantity",
        "opens_at",
        "closes_at",
        "vehicle",
        "is_active",
        "deleted_at",
    ]
    vehicle = id_column("vehicle_id", _("Vehicle"), page="admin:catalog_product_change")
    list_filter = ["type", "is_active"]
    list_select_related = ["type"]
    search_fields = ["name", "=vehicle_id"]
    readonly_fields = ["deleted_at", "created_at", "updated_at"]
    actions = [
        service_action(
            lambda request, resource: services.resource_delete(resource_id=resource.pk),
            description="Delete the selected resources (none with bookings still to come)",
            done="Deleted",
        )
    ]

    def save_model(self, request, obj, form, change):
        names = form.changed_data if change else list(form.cleaned_data)
        fields = {name: form.cleaned_data[name] for name in names}
        if "type" in fields:
            fields["type_id"] = fields.pop("type").pk
        if not change:
            services.resource_create(id=obj.pk, **fields)
        elif fields:
            services.resource_update(resource_id=obj.pk, **fields)

    def has_delete_permission(self, request, obj=None):
        return False  # the action above deletes, through the service


@admin.register(Event)
class EventAdmin(ReadOnlyShowroomAdmin):
    list_display = ["title", "start_date", "end_date", "status", "capacity", "price", "location"]
    list_filter = ["status", "category"]
    list_select_related = ["category"]
    search_fields = ["title", "location"]
    date_hierarchy = "start_date"
    actions = [
        service_action(
            lambda request, event: services.event_cancel(event_id=event.pk),
            description="Cancel the selected events (registrations cancelled, bookings freed)",
            done="Cancelled",
        )
    ]


@admin.register(Registration)
class RegistrationAdmin(ReadOnlyShowroomAdmin):
    list_display = ["event", "user", "status", "position", "hold_expires_at", "created_at"]
    user = id_column("user_id", _("Client"))
    list_filter = ["status"]
    list_select_related = ["event"]
    search_fields = ["=user_id", "event__title"]
    actions = [
        service_action(
            lambda request, registration: services.registration_cancel(
                registration_id=registration.pk
            ),
            description="Cancel the selected registrations (the waitlist moves up)",
            done="Cancelled",
        )
    ]


@admin.register(Allocation)
class AllocationAdmin(ReadOnlyShowroomAdmin):
    list_display = ["resource", "start_time", "end_time", "quantity", "status", "event"]
    list_filter = ["resource", "status"]
    list_select_related = ["resource", "event"]
    date_hierarchy = "start_time"
    ordering = ["resource__name", "start_time"]
    actions = [
        service_action(
            lambda request, allocation: services.allocation_release(allocation_id=allocation.pk),
            description="Release the selected allocations",
            done="Released",
        )
    ]


@admin.register(TestDrive)
class TestDriveAdmin(ReadOnlyShowroomAdmin):
    """The day's test drives: pick the day in the date bar."""

    list_display = [
        "start_time",
        "end_time",
        "resource",
        "user",
        "status",
        "notes",
        "outcome_note",
    ]
    user = id_column("user_id", _("Client"))
    list_filter = ["status", "resource"]
    list_select_related = ["resource"]
    date_hierarchy = "start_time"
    actions = [
        service_action(
            lambda request, test_drive: services.test_drive_cancel(test_drive_id=test_drive.pk),
            description="Cancel the selected test drives",
            done="Cancelled",
        ),
        # Once a drive has started (docs/state-machines.md); the API takes a note as well.
        service_action(
            lambda request, test_drive: services.test_drive_outcome_set(
                test_drive_id=test_drive.pk, outcome=TestDriveStatus.COMPLETED, user=request.user
            ),
            description="Mark the selected test drives completed (once started)",
            done="Marked completed",
        ),
        service_action(
            lambda request, test_drive: services.test_drive_outcome_set(
                test_drive_id=test_drive.pk, outcome=TestDriveStatus.NO_SHOW, user=request.user
            ),
            description="Mark the selected test drives as no-shows (once started)",
            done="Marked no show",
        ),
    ]
