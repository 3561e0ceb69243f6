"""The showroom's create and edit forms in the admin. A form's data goes to the same service as
the API's (showroom/services/open_days.py, showroom/services/resources.py), so that the record is
checked and its event emitted exactly as through the API (docs/conventions.md, "One door for
each state change").
(common/admin/forms.py: a dry run while the form is validated, the call for real at the
save)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from common.admin import forms as admin_forms
from showroom import services
from showroom.choices import EventStatus
from showroom.models import Event, Resource

DB = "showroom"


class ServiceForm(admin_forms.ServiceForm):
    """`service_call(data, changed)` calls the service with the cleaned data and the changed
    field names."""

    using = DB

    def clean(self):
        data = super().clean()
        if not self._errors:
            self.dry_run(lambda: self.service_call(data, self.changed_data))
        return data

    def service_call(self, data: dict, changed: list[str]):
        raise NotImplementedError

    def saved(self):
        return self.service_call(self.cleaned_data, self.changed_data)


def _fields(data: dict, names) -> dict:
    """The form's fields as the service's arguments: the category by its id."""
    fields = {name: data[name] for name in names}
    if "category" in fields:
        category = fields.pop("category")
        fields["category_id"] = category.pk if category is not None else None
    return fields


class EventForm(ServiceForm):
    """An event is created, edited, published or finished here; it is cancelled with the
    list's action (its registrations cancelled and its bookings freed with it)."""

    status = forms.ChoiceField(
        label=_("status"),
        choices=[
            (status.value, status.label)
            for status in (EventStatus.DRAFT, EventStatus.PUBLISHED, EventStatus.FINISHED)
        ],
        initial=EventStatus.DRAFT,
    )
    vehicle_ids = forms.JSONField(
        label=_("featured vehicles"),
        required=False,
        initial=list,
        help_text=_('Ids of the catalog vehicles shown at the event: ["…", "…"].'),
    )
    details_fields = {"category_id": "category"}

    class Meta:
        model = Event
        fields = [
            "title",
            "description",
            "category",
            "start_date",
            "end_date",
            "location",
            "capacity",
            "waitlist_enabled",
            "price",
            "currency",
            "vehicle_ids",
            "status",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        instance, status = self.instance, self.fields.get("status")
        if (
            status is not None
            and not instance._state.adding
            and instance.status not in dict(status.choices)
        ):
            # A cancelled event shows its status; the service refuses any change to it.
            status.choices = [(instance.status, instance.get_status_display())]

    def clean_vehicle_ids(self):
        value = self.cleaned_data["vehicle_ids"] or []
        field = forms.UUIDField()
        if not isinstance(value, list):
            raise forms.ValidationError(_("A list of vehicle ids."))
        return [str(field.clean(vehicle_id)) for vehicle_id in value]

    def service_call(self, data, changed):
        # The form's own fields: the admin's Meta also names the read-only ones.
        names = [name for name in self.fields if name != "status"]
        if self.instance._state.adding:
            return services.event_create(
                user=self.admin_request.user, status=data["status"], **_fields(data, names)
            )
        return services.event_update(
            event_id=self.instance.pk,
            status=data["status"] if "status" in changed else None,
            **_fields(data, [name for name in names if name in changed]),
        )


class ResourceForm(ServiceForm):
    """A resource (a demo car, a bay) created or edited; its deletion is the list's action."""

    details_fields = {"type_id": "type", "showroom_id": "showroom"}

    class Meta:
        model = Resource
        fields = [
            "name",
            "type",
            "showroom",
            "quantity",
            "opens_at",
            "closes_at",
            "vehicle_id",
            "is_active",
        ]

    def service_call(self, data, changed):
        def fields(names):
            values = {name: data[name] for name in names}
            if "type" in values:
                values["type_id"] = values.pop("type").pk
            if "showroom" in values:
                showroom = values.pop("showroom")
                values["showroom_id"] = showroom.pk if showroom else None
            return values

        user = self.admin_request.user if self.admin_request else None
        if self.instance._state.adding:
            return services.resource_create(user=user, **fields(self.fields))
        if changed:
            return services.resource_update(
                resource_id=self.instance.pk, user=user, **fields(changed)
            )
        return None
