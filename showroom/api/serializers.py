"""Field names follow specification 003's examples (title, start_date, category_id,
start_time, quantity, …) so that its clients work unchanged."""

import re
from decimal import Decimal

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts import selectors as accounts_selectors
from common.api.serializers import StrictInputSerializer
from common.cardnumbers import FreeTextField
from common.money import MoneyField
from showroom.choices import TEST_DRIVE_OUTCOMES, EventStatus
from showroom.models import (
    Allocation,
    Event,
    EventCategory,
    Registration,
    Resource,
    ResourceType,
    TestDrive,
)


@extend_schema_field(
    {"type": "string", "pattern": r"^\d{2}:\d{2}(:\d{2}(\.\d+)?)?$", "example": "08:00:00"}
)
class ClockTimeField(serializers.TimeField):
    """A time of day in the dealership's time zone (`DEALERSHIP_TIME_ZONE`), written without
    an offset (opening hours): not an RFC 3339 `time`, which requires one. An offset, `Z`
    included, is refused: a wall-clock time has none."""

    OFFSET = re.compile(r"(Z|[+-]\d{2}(:?\d{2})?)$", re.IGNORECASE)

    def to_internal_value(self, value):
        if isinstance(value, str) and self.OFFSET.search(value.strip()):
            raise serializers.ValidationError(
                "Give the time in the dealership's time zone, without an offset."
            )
        return super().to_internal_value(value)


class NamedInputSerializer(StrictInputSerializer):
    name = FreeTextField(max_length=100)
    description = FreeTextField(max_length=2000, required=False, allow_blank=True, default="")


class EventCategoryOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = EventCategory
        fields = ["id", "name", "description", "created_at"]


class ResourceTypeOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = ResourceType
        fields = ["id", "name", "description", "created_at"]


class EventInputSerializer(StrictInputSerializer):
    title = FreeTextField(max_length=200)
    description = FreeTextField(max_length=10000, required=False, allow_blank=True, default="")
    start_date = serializers.DateTimeField()
    end_date = serializers.DateTimeField()
    location = FreeTextField(max_length=200, required=False, allow_blank=True, default="")
    capacity = serializers.IntegerField(min_value=1, max_value=100_000)
    waitlist_enabled = serializers.BooleanField(required=False, default=True)
    price = MoneyField(required=False, allow_null=True, default=None, min_value=Decimal("0.01"))
    currency = serializers.RegexField(r"^[A-Z]{3}$", max_length=3, required=False, default="RUB")
    category_id = serializers.UUIDField(required=False, allow_null=True, default=None)
    vehicle_ids = serializers.ListField(
        child=serializers.UUIDField(), required=False, default=list, max_length=50
    )
    status = serializers.ChoiceField(
        choices=[EventStatus.DRAFT, EventStatus.PUBLISHED, EventStatus.FINISHED],
        required=False,
        default=EventStatus.DRAFT,
    )

    def validate_vehicle_ids(self, value):
        return [str(vehicle_id) for vehicle_id in value]

    def validate(self, data):
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end <= start:
            raise serializers.ValidationError({"end_date": ["The end must come after the start."]})
        return data


class EventOutputSerializer(serializers.ModelSerializer):
    category_id = serializers.UUIDField(allow_null=True)
    seats_taken = serializers.IntegerField(read_only=True, default=None)
    price = MoneyField(allow_null=True)

    class Meta:
        model = Event
        fields = [
            "id",
            "title",
            "description",
            "category_id",
            "start_date",
            "end_date",
            "location",
            "capacity",
            "seats_taken",
            "waitlist_enabled",
            "price",
            "currency",
            "status",
            "vehicle_ids",
            "created_at",
            "updated_at",
        ]


class RegistrationOutputSerializer(serializers.ModelSerializer):
    event_id = serializers.UUIDField()

    class Meta:
        model = Registration
        fields = [
            "id",
            "event_id",
            "user_id",
            "status",
            "position",
            "hold_expires_at",
            "created_at",
            "updated_at",
        ]


class ResourceInputSerializer(StrictInputSerializer):
    name = FreeTextField(max_length=200)
    type_id = serializers.UUIDField()
    quantity = serializers.IntegerField(min_value=1, max_value=10_000, default=1)
    opens_at = ClockTimeField()
    closes_at = ClockTimeField()
    vehicle_id = serializers.UUIDField(required=False, allow_null=True, default=None)
    showroom_id = serializers.UUIDField(
        required=False,
        allow_null=True,
        help_text="The showroom it stands in: one of a showroom's staff's own; null: the group's.",
    )

    def validate(self, data):
        if data["closes_at"] <= data["opens_at"]:
            raise serializers.ValidationError({"closes_at": ["It must come after opens_at."]})
        return data


class ResourceUpdateInputSerializer(ResourceInputSerializer):
    """A resource's new details (PUT: all of them; PATCH: those given), or `is_active` false
    to deactivate it, true to activate it again. The service checks the hours as they end
    up."""

    is_active = serializers.BooleanField(required=False)

    def validate(self, data):
        opens_at, closes_at = data.get("opens_at"), data.get("closes_at")
        if opens_at and closes_at and closes_at <= opens_at:
            raise serializers.ValidationError({"closes_at": ["It must come after opens_at."]})
        return data


class ResourceOutputSerializer(serializers.ModelSerializer):
    type_id = serializers.UUIDField()
    opens_at = ClockTimeField()
    closes_at = ClockTimeField()

    class Meta:
        model = Resource
        fields = [
            "id",
            "name",
            "type_id",
            "quantity",
            "opens_at",
            "closes_at",
            "vehicle_id",
            "showroom_id",
            "is_active",
            "created_at",
            "updated_at",
        ]


class AllocationInputSerializer(StrictInputSerializer):
    start_time = serializers.DateTimeField()
    end_time = serializers.DateTimeField()
    quantity = serializers.IntegerField(min_value=1, max_value=10_000, default=1)
    event_id = serializers.UUIDField(required=False, allow_null=True, default=None)
    registration_id = serializers.UUIDField(required=False, allow_null=True, default=None)


class AllocationOutputSerializer(serializers.ModelSerializer):
    resource_id = serializers.UUIDField()
    event_id = serializers.UUIDField(allow_null=True)
    registration_id = serializers.UUIDField(allow_null=True)

    class Meta:
        model = Allocation
        fields = [
            "id",
            "resource_id",
            "start_time",
            "end_time",
            "quantity",
            "status",
            "event_id",
            "registration_id",
            "created_at",
        ]


class TestDriveInputSerializer(StrictInputSerializer):
    vehicle_id = serializers.UUIDField()
    start_time = serializers.DateTimeField()
    end_time = serializers.DateTimeField()
    notes = FreeTextField(max_length=500, required=False, allow_blank=True, default="")


class TestDriveRescheduleInputSerializer(StrictInputSerializer):
    start_time = serializers.DateTimeField()
    end_time = serializers.DateTimeField()


class TestDriveSlotsQuerySerializer(StrictInputSerializer):
    product_id = serializers.UUIDField(help_text="The vehicle (a catalog product with a VIN).")
    date = serializers.DateField(help_text="A day of the dealership's calendar.")


class TestDriveSlotOutputSerializer(serializers.Serializer):
    start_time = serializers.DateTimeField()
    end_time = serializers.DateTimeField()


class TestDriveSlotsOutputSerializer(serializers.Serializer):
    product_id = serializers.UUIDField()
    date = serializers.DateField()
    slot_minutes = serializers.IntegerField()
    slots = TestDriveSlotOutputSerializer(
        many=True, help_text="The free ones, in order: each one books as it is."
    )


class TestDriveOutcomeInputSerializer(StrictInputSerializer):
    outcome = serializers.ChoiceField(choices=[status.value for status in TEST_DRIVE_OUTCOMES])
    note = FreeTextField(max_length=500, required=False, allow_blank=True, default="")


class TestDriveListSerializer(serializers.ListSerializer):
    """A page of test drives with their clients' cards read in one query (accounts), not one
    per row."""

    def to_representation(self, data):
        rows = list(data.all() if hasattr(data, "all") else data)
        self.child.context["user_cards"] = accounts_selectors.user_cards(
            user_ids=[row.user_id for row in rows]
        )
        return super().to_representation(rows)


class TestDriveOutputSerializer(serializers.ModelSerializer):
    resource_id = serializers.UUIDField()
    resource_name = serializers.CharField(source="resource.name")
    vehicle_id = serializers.UUIDField(source="resource.vehicle_id")
    # Who drives, as the staff dashboard shows them (docs/api.md): a name, not an id.
    client_name = serializers.SerializerMethodField()
    client_phone = serializers.SerializerMethodField()

    def _card(self, test_drive):
        cards = self.context.get("user_cards")  # a page's, from TestDriveListSerializer
        if cards is None:  # one test drive: its own card
            cards = accounts_selectors.user_cards(user_ids=[test_drive.user_id])
        return cards.get(str(test_drive.user_id))

    def get_client_name(self, test_drive) -> str:
        card = self._card(test_drive)
        return (card.full_name or card.email) if card else ""

    def get_client_phone(self, test_drive) -> str:
        card = self._card(test_drive)
        return card.phone if card else ""

    class Meta:
        model = TestDrive
        list_serializer_class = TestDriveListSerializer
        fields = [
            "id",
            "number",
            "user_id",
            "client_name",
            "client_phone",
            "resource_id",
            "resource_name",
            "vehicle_id",
            "start_time",
            "end_time",
            "status",
            "notes",
            "outcome_note",
            "created_at",
            "updated_at",
        ]


# THE GROUP'S SHOWROOMS, AS THE CONTACTS PAGE SHOWS THEM
# ------------------------------------------------------------------------------
class WeekdayHoursSerializer(serializers.Serializer):
    weekday = serializers.IntegerField(help_text="1 Monday … 7 Sunday (ISO 8601).")
    opens = serializers.TimeField(allow_null=True, help_text="On its own clock; null: closed.")
    closes = serializers.TimeField(allow_null=True)


class HolidaySerializer(serializers.Serializer):
    date = serializers.DateField()
    opens = serializers.TimeField(allow_null=True, help_text="Null: closed that day.")
    closes = serializers.TimeField(allow_null=True)

    def to_representation(self, instance):
        day, opens, closes = instance
        return super().to_representation({"date": day, "opens": opens, "closes": closes})


class ShowroomOutputSerializer(serializers.Serializer):
    """A showroom open to buyers (docs/showrooms.md): its contacts, brands, clock and hours,
    its holidays from yesterday on, and whether it is open now."""

    id = serializers.UUIDField()
    name = serializers.CharField()
    brands = serializers.SerializerMethodField()
    city = serializers.CharField()
    address = serializers.CharField()
    latitude = serializers.DecimalField(max_digits=9, decimal_places=6, allow_null=True)
    longitude = serializers.DecimalField(max_digits=9, decimal_places=6, allow_null=True)
    map_url = serializers.URLField()
    phone = serializers.CharField()
    service_phone = serializers.CharField()
    email = serializers.EmailField()
    time_zone = serializers.CharField(help_text="IANA time zone: its hours are on this clock.")
    is_open_now = serializers.SerializerMethodField()
    next_opening = serializers.SerializerMethodField()
    week = WeekdayHoursSerializer(many=True)
    holidays = HolidaySerializer(many=True)

    def get_brands(self, card) -> list[str]:
        return [brand.strip() for brand in card.brands.split(",") if brand.strip()]

    def get_is_open_now(self, card) -> bool:
        return card.is_open()

    @extend_schema_field(serializers.DateTimeField(allow_null=True))
    def get_next_opening(self, card):
        opening = card.next_opening()
        return opening.isoformat() if opening else None
