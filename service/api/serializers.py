from rest_framework import serializers

from common.api.serializers import StrictInputSerializer
from service.models import Booking, MaintenanceMenu


class SlotsQuerySerializer(StrictInputSerializer):
    showroom_id = serializers.UUIDField()
    date = serializers.DateField(help_text="The day, on the showroom's own calendar.")
    menu_id = serializers.UUIDField(
        required=False, allow_null=True, default=None, help_text="None: a complaint, one hour."
    )


class SlotSerializer(serializers.Serializer):
    start_time = serializers.DateTimeField()
    end_time = serializers.DateTimeField()


class SlotsOutputSerializer(serializers.Serializer):
    showroom_id = serializers.UUIDField()
    date = serializers.DateField()
    minutes = serializers.IntegerField(help_text="How long the work books a bay.")
    slots = SlotSerializer(many=True)


class PhoneCodeInputSerializer(StrictInputSerializer):
    phone = serializers.RegexField(r"^\+?[0-9]{10,15}$", max_length=20)


class PhoneCodeOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField(help_text="Give it with the code when booking.")
    expires_at = serializers.DateTimeField()


class BookingCreateInputSerializer(StrictInputSerializer):
    """The car (VIN or plate, mileage), the work (a maintenance menu or a complaint), the
    showroom and the start. Someone not signed in gives a phone and the code sent to it."""

    showroom_id = serializers.UUIDField()
    start_time = serializers.DateTimeField()
    vin = serializers.RegexField(
        r"^([A-HJ-NPR-Za-hj-npr-z0-9]{17})?$",  # 17 characters without I, O, Q; or none
        max_length=17,
        required=False,
        default="",
        allow_blank=True,
    )
    plate = serializers.CharField(max_length=20, required=False, default="", allow_blank=True)
    mileage_km = serializers.IntegerField(min_value=0, max_value=2_000_000)
    menu_id = serializers.UUIDField(required=False, allow_null=True, default=None)
    complaint = serializers.CharField(max_length=2000, required=False, default="", allow_blank=True)
    name = serializers.CharField(max_length=200, required=False, default="")
    phone = serializers.RegexField(r"^\+?[0-9]{10,15}$", max_length=20, required=False, default="")
    email = serializers.EmailField(max_length=254, required=False, default="")
    phone_code_id = serializers.UUIDField(required=False, allow_null=True, default=None)
    code = serializers.CharField(max_length=10, required=False, default="")


class BookingRescheduleInputSerializer(StrictInputSerializer):
    start_time = serializers.DateTimeField()


class LinkInputSerializer(StrictInputSerializer):
    token = serializers.CharField(max_length=500)


class LinkRescheduleInputSerializer(LinkInputSerializer):
    start_time = serializers.DateTimeField()


class BookingOutputSerializer(serializers.ModelSerializer):
    bay = serializers.CharField(source="bay.name")
    advisor = serializers.CharField(source="advisor.name")
    advisor_position = serializers.CharField(source="advisor.position")
    menu = serializers.CharField(source="menu.name", allow_null=True, default=None)

    class Meta:
        model = Booking
        fields = [
            "id",
            "status",
            "showroom_id",
            "bay_id",
            "bay",
            "advisor_id",
            "advisor",
            "advisor_position",
            "menu_id",
            "menu",
            "complaint",
            "vin",
            "plate",
            "mileage_km",
            "start_time",
            "end_time",
            "created_at",
        ]


class BookingCreatedOutputSerializer(BookingOutputSerializer):
    link_token = serializers.CharField(
        help_text="For a booker not signed in: the token of the link to change the booking."
    )

    class Meta(BookingOutputSerializer.Meta):
        fields = [*BookingOutputSerializer.Meta.fields, "link_token"]


class MenuOutputSerializer(serializers.ModelSerializer):
    operations = serializers.SerializerMethodField()

    class Meta:
        model = MaintenanceMenu
        fields = ["id", "name", "make", "model", "interval_km", "interval_months", "operations"]

    def get_operations(self, menu: MaintenanceMenu) -> list[str]:
        return [operation.name for operation in menu.operations.all()]
