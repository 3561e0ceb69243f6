"""The showroom in the admin. Categories and resource types are plain data that managers edit;
events and resources are created and edited through forms that call the services
(showroom/admin_forms.py), so that their events go out as through the API; registrations,
allocations and test drives change only through the services (their actions here), so that
seats, time slots and events stay right. Allocations and test drives list by resource and day:
the calendar of who has what when; registrations and test drives show the client's name and
phone, linked to their CRM record (docs/admin.md, "People")."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from import_export import fields, resources, widgets

from accounts import selectors as accounts_selectors
from common.admin import (
    DatabaseAdminMixin,
    ExportMixin,
    GroupChangesAdminMixin,
    ReadOnlyAdminMixin,
    ReasonForm,
    ShowroomScopedAdminMixin,
    date_range_filter,
    id_column,
    money_column,
    reason_action,
    service_action,
)
from common.admin.forms import ServiceFormAdminMixin
from common.admin.people import PeopleMixin
from common.admin.references import reference_field
from common.formatting import local_datetime, local_time
from common.types import Actor
from showroom import services
from showroom.admin_forms import EventForm, ResourceForm
from showroom.choices import TestDriveStatus
from showroom.models import (
    Allocation,
    Event,
    EventCategory,
    OpeningHours,
    Registration,
    Resource,
    ResourceType,
    Showroom,
    ShowroomHoliday,
    TestDrive,
)

DB = "showroom"


def _staff(request: HttpRequest) -> Actor:
    """Who acts in the admin: a member of staff, as the admin site lets no one else in."""
    user = request.user
    if not user.is_authenticated:
        raise PermissionDenied
    return user


class ShowroomAdmin(DatabaseAdminMixin, admin.ModelAdmin):
    using = DB  # the router sends the forms' writes there too


class ReadOnlyShowroomAdmin(ReadOnlyAdminMixin, ShowroomAdmin):
    pass


class OpeningHoursInline(admin.TabularInline):
    model = OpeningHours
    extra = 0
    max_num = 7


class HolidayInline(admin.TabularInline):
    model = ShowroomHoliday
    extra = 0


@admin.register(Showroom)
class ShowroomPlaceAdmin(GroupChangesAdminMixin, ShowroomAdmin):
    """The group's showrooms: what the site's contacts page, footer and e-mails say of each
    (docs/showrooms.md); its hours by weekday and its holidays below. Changed by the group's
    manager or an admin only."""

    list_display = ["name", "city", "address", "phone", "time_zone", "is_active", "position"]
    list_filter = ["city", "is_active"]
    search_fields = ["name", "city", "address", "brands"]
    inlines = [OpeningHoursInline, HolidayInline]

    def save_model(self, request, obj, form, change):
        services.showroom_save(showroom=obj)  # with its event

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "legal_entity_id":  # the documents app's, chosen by name
            return reference_field("legal_entity", db_field)
        return super().formfield_for_dbfield(db_field, request, **kwargs)


@admin.register(EventCategory)
class EventCategoryAdmin(ShowroomAdmin):
    list_display = ["name", "created_at"]
    search_fields = ["name"]


@admin.register(ResourceType)
class ResourceTypeAdmin(ShowroomAdmin):
    list_display = ["name", "created_at"]
    search_fields = ["name"]


@admin.register(Resource)
class ResourceAdmin(ShowroomScopedAdminMixin, ServiceFormAdminMixin, ShowroomAdmin):
    """Saved through the services, so that their events go out as through the API; deleted
    by the action, which refuses one with bookings still to come (deactivate it instead). A
    showroom's staff see and change their showrooms' (docs/showrooms.md)."""

    owner_field = None  # a resource is the showroom's, nobody's own

    form = ResourceForm
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
    vehicle = id_column("vehicle_id", _("vehicle"), page="admin:catalog_product_change")
    list_filter = ["type", "is_active"]
    list_select_related = ["type"]
    search_fields = ["name", "=vehicle_id"]
    readonly_fields = ["deleted_at", "created_at", "updated_at"]
    actions = [
        service_action(
            lambda request, resource: services.resource_delete(
                resource_id=resource.pk, user=_staff(request)
            ),
            description=_("Delete the selected resources (none with bookings still to come)"),
            done=_("Deleted"),
        )
    ]

    def has_delete_permission(self, request, obj=None):
        return False  # the action above deletes, through the service


@admin.register(Event)
class EventAdmin(ServiceFormAdminMixin, ShowroomAdmin):
    """Created, edited, published and finished through the services; cancelled with the
    action, which cancels the registrations and frees the bookings."""

    form = EventForm
    list_display = [
        "title",
        "start_date",
        "end_date",
        "status",
        "capacity",
        "price_shown",
        "location",
    ]
    price_shown = money_column("price", _("price"))
    list_filter = [date_range_filter("start_date", _("starts")), "status", "category"]
    list_select_related = ["category"]
    search_fields = ["title", "location"]
    date_hierarchy = "start_date"
    readonly_fields = ["created_at", "updated_at"]
    actions = [
        service_action(
            lambda request, event: services.event_cancel(event_id=event.pk),
            description=_("Cancel the selected events (registrations cancelled, bookings freed)"),
            done=_("Cancelled"),
        )
    ]

    def has_delete_permission(self, request, obj=None):
        return False  # an event is cancelled, keeping its row and its registrations


@admin.register(Registration)
class RegistrationAdmin(PeopleMixin, ReadOnlyShowroomAdmin):
    list_display = [
        "event",
        "user_id_person",
        "status",
        "position",
        "hold_expires_at",
        "created_at",
    ]
    people_fields = {"user_id": _("client")}
    people_search_fields = ("user_id",)
    list_filter = [date_range_filter("created_at", _("registered")), "status"]
    list_select_related = ["event"]
    search_fields = ["=user_id", "event__title"]
    actions = [
        service_action(
            lambda request, registration: services.registration_cancel(
                registration_id=registration.pk
            ),
            description=_("Cancel the selected registrations (the waitlist moves up)"),
            done=_("Cancelled"),
        )
    ]


@admin.register(Allocation)
class AllocationAdmin(ShowroomScopedAdminMixin, ReadOnlyShowroomAdmin):
    """The bookings of a showroom's resources are its staff's (docs/showrooms.md)."""

    showroom_field, owner_field = "resource__showroom_id", "created_by_id"
    list_display = ["resource", "start_time", "end_time", "quantity", "status", "event"]
    list_filter = [date_range_filter("start_time", _("start")), "resource", "status"]
    list_select_related = ["resource", "event"]
    date_hierarchy = "start_time"
    ordering = ["resource__name", "start_time"]
    actions = [
        service_action(
            lambda request, allocation: services.allocation_release(
                allocation_id=allocation.pk, user=_staff(request)
            ),
            description=_("Release the selected bookings"),
            done=_("Released"),
        )
    ]


class TestDriveResource(resources.ModelResource):
    """The test-drive list as exported: what the list shows, the client by name and phone
    (loaded for the whole export in one query, from accounts)."""

    number = fields.Field(attribute="number", column_name=_("number"))
    start_time = fields.Field(
        attribute="start_time", column_name=_("start"), widget=widgets.DateTimeWidget()
    )
    end_time = fields.Field(
        attribute="end_time", column_name=_("end"), widget=widgets.DateTimeWidget()
    )
    demo_car = fields.Field(attribute="resource__name", column_name=_("resource"))
    client = fields.Field(column_name=_("client"))
    phone = fields.Field(column_name=_("phone"))
    email = fields.Field(column_name=_("e-mail"))
    status = fields.Field(column_name=_("status"))
    notes = fields.Field(attribute="notes", column_name=_("notes"))
    outcome_note = fields.Field(attribute="outcome_note", column_name=_("outcome note"))

    class Meta:
        model = TestDrive
        fields = export_order = [
            "number",
            "start_time",
            "end_time",
            "demo_car",
            "client",
            "phone",
            "email",
            "status",
            "notes",
            "outcome_note",
        ]

    def before_export(self, queryset, **kwargs):
        self.cards = accounts_selectors.user_cards(
            user_ids=list(queryset.values_list("user_id", flat=True))
        )

    def _card(self, drive):
        return getattr(self, "cards", {}).get(str(drive.user_id))

    def dehydrate_client(self, drive):
        card = self._card(drive)
        return (card.full_name or card.email) if card else str(drive.user_id)

    def dehydrate_phone(self, drive):
        card = self._card(drive)
        return card.phone if card else ""

    def dehydrate_email(self, drive):
        card = self._card(drive)
        return card.email if card else ""

    def dehydrate_status(self, drive):
        return drive.get_status_display()


class OutcomeNoteForm(ReasonForm):
    """The reason form, asking how the drive went (kept as its outcome note)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].label = _("How it went")
        self.fields["reason"].help_text = _(
            "What the client thought, and what comes next: kept with the test drive."
        )


@admin.register(TestDrive)
class TestDriveAdmin(ShowroomScopedAdminMixin, PeopleMixin, ExportMixin, ReadOnlyShowroomAdmin):
    """The day's test drives: pick the day in the date bar, or days in the filter; find them by
    their number, the client's name, e-mail or phone, or by the demo car."""

    showroom_field, owner_field = "resource__showroom_id", "user_id"

    # Newest first; one column for the slot, for the list to fit 1366 px.
    list_display = ["number", "slot", "resource", "user_id_person", "status", "outcome_note"]
    ordering = ["-start_time"]
    people_fields = {"user_id": _("client")}
    people_search_fields = ("user_id",)
    resource_classes = [TestDriveResource]
    list_filter = [date_range_filter("start_time", _("start")), "status", "resource"]
    list_select_related = ["resource"]
    search_fields = ["number", "=user_id", "resource__name"]
    date_hierarchy = "start_time"
    actions = [
        service_action(
            lambda request, test_drive: services.test_drive_cancel(test_drive_id=test_drive.pk),
            description=_("Cancel the selected test drives"),
            done=_("Cancelled"),
        ),
        # Once a drive has started (docs/state-machines.md), with how it went.
        reason_action(
            lambda request, test_drive, note: services.test_drive_outcome_set(
                test_drive_id=test_drive.pk,
                outcome=TestDriveStatus.COMPLETED,
                note=note,
                user=_staff(request),
            ),
            name="completed",
            description=_("Mark the selected test drives completed (once started)"),
            done=_("Marked completed"),
            permission="view",
            form_class=OutcomeNoteForm,
        ),
        service_action(
            lambda request, test_drive: services.test_drive_outcome_set(
                test_drive_id=test_drive.pk, outcome=TestDriveStatus.NO_SHOW, user=_staff(request)
            ),
            description=_("Mark the selected test drives as no-shows (once started)"),
            done=_("Marked no show"),
        ),
    ]

    @admin.display(description=_("Slot"), ordering="start_time")
    def slot(self, test_drive):
        return f"{local_datetime(test_drive.start_time)}–{local_time(test_drive.end_time)}"
