"""The CRM's create and edit forms in the admin, and the import's. A client or a contact
entered here is validated by the API's own serializer (crm/api/serializers.py) and written
by the API's service (crm/services/clients.py, crm/services/contacts.py), so that it is
checked and its event emitted exactly as through the API (docs/conventions.md, "One door for
each state change").
(common/admin/forms.py: a dry run while the form is validated, the call for real at the
save)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts import selectors as accounts_selectors
from common.admin import forms as admin_forms
from common.api.serializers import StrictInputSerializer
from crm import selectors, services
from crm.api.serializers import ClientInputSerializer, ContactInputSerializer
from crm.csvfiles import COLUMNS
from crm.models import Client, Contact

DB = "crm"


class ServiceForm(admin_forms.ServiceForm):
    """A model form whose writes are a service's. `serializer_class` validates the fields as
    the API does (all of them for a new record, the changed ones for an edit); then
    `service_call(fields)` is checked by a dry run. `admin_request` is the admin's request."""

    using = DB
    serializer_class: type[StrictInputSerializer]  # each form names the API's
    not_in_serializer: tuple[str, ...] = ()
    # An edit validates every field (a rule across fields, say), not only the changed ones.
    edit_validates_all = False

    def clean(self):
        data = super().clean()
        if self._errors:
            return data
        adding = self.instance._state.adding
        names = list(self.fields) if adding else self.changed_data
        names = [name for name in names if name not in self.not_in_serializer]
        validated = names
        if self.edit_validates_all or adding:
            validated = [name for name in self.fields if name not in self.not_in_serializer]
        serializer = self.serializer_class(
            data={name: self.api_value(name, data.get(name)) for name in validated},
            partial=not (adding or self.edit_validates_all),
        )
        if not serializer.is_valid():
            for name, problems in serializer.errors.items():
                field = name if name in self.fields else None
                self.add_error(field, [str(problem) for problem in problems])
            return data
        self.service_fields = {
            name: value for name, value in serializer.validated_data.items() if name in names
        }
        self.dry_run(lambda: self.service_call(self.service_fields))
        return data

    def api_value(self, name, value):
        """A cleaned value as a request body carries it: an empty id as null, other empty
        values as an empty string."""
        if value is None:
            return None if name.endswith("_id") else ""
        return str(value)

    def service_call(self, fields: dict):
        raise NotImplementedError

    def saved(self):
        """The service's call for real, from the admin's `save_model`."""
        return self.service_call(self.service_fields)


def _managers() -> list[tuple[str, str]]:
    """Active staff, by name: whom a client may be assigned to."""
    staff = accounts_selectors.user_list().filter(is_staff=True, is_active=True)
    return [
        (str(user.pk), user.full_name or user.email)
        for user in staff.order_by("full_name", "email")
    ]


class ClientForm(ServiceForm):
    """A lead or a customer, created or edited; archived with the list's action."""

    serializer_class = ClientInputSerializer
    manager_id = forms.TypedChoiceField(
        label=_("manager"),
        required=False,
        empty_value=None,
        help_text=_("A manager's own by default; only an admin assigns someone else."),
    )

    class Meta:
        model = Client
        fields = [
            "type",
            "name",
            "status",
            "source",
            "manager_id",
            "user_id",
            "industry",
            "description",
            "tax_id",
            "email",
            "phone",
            "tags",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "manager_id" not in self.fields:  # a page only to view: every field read-only
            return
        field = self.fields["manager_id"]
        field.choices = [("", _("— nobody (an unassigned lead) —")), *_managers()]
        if self.instance._state.adding and self.admin_request is not None:
            field.initial = str(self.admin_request.user.pk)
        elif self.instance.manager_id is not None:
            self.initial["manager_id"] = str(self.instance.manager_id)
        if "user_id" in self.fields:
            self.fields["user_id"].help_text = _("The client's account, if they have one.")

    def api_value(self, name, value):
        if name == "tags":
            return [tag.name for tag in value or ()]
        return super().api_value(name, value)

    def service_call(self, fields):
        actor = self.admin_request.user
        if self.instance._state.adding:
            return services.client_create(actor=actor, **fields)
        if not fields:
            return None
        return services.client_update(actor=actor, client_id=self.instance.pk, **fields)


class ContactForm(ServiceForm):
    """A person to reach at a client, added to it or edited; never moved to another client."""

    serializer_class = ContactInputSerializer
    not_in_serializer = ("client",)
    edit_validates_all = True  # a phone or an e-mail, whichever is edited

    class Meta:
        model = Contact
        fields = ["client", "name", "role", "phone", "email", "preferred_channel"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "client" not in self.fields:  # a page only to view
            return
        if self.admin_request is not None:
            self.fields["client"].queryset = selectors.client_list(user=self.admin_request.user)
        if not self.instance._state.adding:
            self.fields["client"].disabled = True

    def service_call(self, fields):
        if self.instance._state.adding:
            return services.contact_add(client_id=self.cleaned_data["client"].pk, **fields)
        if not fields:
            return None
        return services.contact_update(contact_id=self.instance.pk, **fields)


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_(
            "UTF-8, with a header row naming some of the columns: %(columns)s (name at "
            "least; tags separated by “;”)."
        ),
    )
    manager_id = forms.TypedChoiceField(label=_("assign to"), required=False, empty_value=None)

    def __init__(self, *args, request, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = self.fields["file"].help_text % {
            "columns": ", ".join(COLUMNS)
        }
        manager = self.fields["manager_id"]
        if request.user.is_superuser:
            manager.choices = [("", _("— nobody (unassigned leads) —")), *_managers()]
        else:  # a manager's import is their own, as a client they record
            manager.choices = [(str(request.user.pk), request.user.full_name or request.user.email)]
            manager.required = True


class ImportConfirmForm(forms.Form):
    """The file's text, sent back with the preview: validated again when confirmed."""

    text = forms.CharField(widget=forms.HiddenInput, strip=False)
    manager_id = forms.CharField(widget=forms.HiddenInput, required=False)


class ReassignForm(forms.Form):
    """The manager the selected clients go to: an active one, by name (the reassign action)."""

    manager_id = forms.TypedChoiceField(label=_("Manager"), coerce=str)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        managers = accounts_selectors.manager_ids_active()
        cards = accounts_selectors.user_cards(user_ids=managers)
        self.fields["manager_id"].choices = [
            (str(pk), cards[str(pk)].full_name or cards[str(pk)].email) for pk in managers
        ]
