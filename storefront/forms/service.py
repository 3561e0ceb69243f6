"""The customer's signature of a work order, with their instruction, given in advance, for
faults found during the work (ПП РФ № 780; docs/service.md, "The work order"), and its
payment by card (docs/service.md, "Payment")."""

import uuid
from decimal import Decimal
from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from common.money import CENT
from service.choices import Instruction
from storefront.forms import GROUPING, RoublesField


class WorkOrderSignForm(forms.Form):
    instruction = forms.ChoiceField(
        label=_("If the work finds another fault"),
        choices=Instruction.choices,
        widget=forms.RadioSelect,
        initial=Instruction.CALL,
    )
    instruction_limit = forms.DecimalField(
        label=_("Go ahead without a call up to, ₽"),
        required=False,
        min_value=Decimal("0"),
        max_digits=12,
        decimal_places=2,
        localize=True,
    )

    def clean(self):
        data = super().clean()
        if data.get("instruction") == Instruction.UP_TO and not data.get("instruction_limit"):
            self.add_error("instruction_limit", _("Say up to what amount."))
        return data


class WorkOrderPayForm(forms.Form):
    """The balance, or a part of it: a prepayment for the parts ordered before the work."""

    amount = RoublesField(label=_("Amount, ₽"), min_value=CENT, max_digits=12, decimal_places=2)
    key = forms.UUIDField(widget=forms.HiddenInput)


class KilometresField(forms.IntegerField):
    """Whole kilometres, typed with or without the spaces that group thousands: a text input
    with a numeric keyboard, since a number input takes no spaces."""

    widget = forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"})

    def to_python(self, value: Any) -> int | None:
        if isinstance(value, str):
            value = value.translate(GROUPING)
        return super().to_python(value)


def _menu_label(menu: Any) -> str:
    return f"{menu.make} {menu.model} — {menu.name}"


class BookingForm(forms.Form):
    """A service visit booked on the site (docs/storefront.md, "Service"): the car by VIN or
    plate with its mileage, a maintenance menu or the customer's words, a showroom and a
    day, then one of the free starts; someone not signed in confirms their phone by a code."""

    showroom = forms.TypedChoiceField(label=_("Service centre"), coerce=uuid.UUID)
    vin = forms.RegexField(
        label=_("VIN"),
        regex=r"^[A-HJ-NPR-Za-hj-npr-z0-9]{17}$",
        required=False,
        max_length=17,
        error_messages={"invalid": _("A VIN is 17 letters and digits, without I, O and Q.")},
    )
    plate = forms.CharField(label=_("Or the plate"), required=False, max_length=20)
    mileage_km = KilometresField(label=_("Mileage, km"), min_value=0, max_value=2_000_000)
    menu = forms.TypedChoiceField(
        label=_("Maintenance"), coerce=uuid.UUID, required=False, empty_value=None
    )
    complaint = forms.CharField(
        label=_("Or what is wrong, in your words"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    day = forms.DateField(label=_("Day"), widget=forms.DateInput(attrs={"type": "date"}))
    start = forms.DateTimeField(required=False, widget=forms.HiddenInput)
    name = forms.CharField(label=_("Your name"), required=False, max_length=200)
    phone = forms.RegexField(
        label=_("Phone"),
        regex=r"^\+?[0-9]{10,15}$",
        required=False,
        max_length=20,
        error_messages={"invalid": _("Enter the phone as +7 and ten digits.")},
    )
    email = forms.EmailField(label=_("E-mail"), required=False)
    code = forms.CharField(label=_("Code from the SMS"), required=False, max_length=8)
    phone_code = forms.UUIDField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, showrooms: list[Any], menus: list[Any], **kwargs: Any):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["showroom"]).choices = [
            (str(card.id), card.name) for card in showrooms
        ]
        cast(forms.ChoiceField, self.fields["menu"]).choices = [
            ("", _("No, I describe the problem"))
        ] + [(str(menu.pk), _menu_label(menu)) for menu in menus]

    def clean_vin(self) -> str:
        return self.cleaned_data["vin"].upper()

    def clean_plate(self) -> str:
        return self.cleaned_data["plate"].upper().replace(" ", "")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("vin") and not data.get("plate"):
            self.add_error("vin", _("Give the VIN or the plate."))
        if not data.get("menu") and not (data.get("complaint") or "").strip():
            self.add_error("complaint", _("Choose a maintenance, or say what is wrong."))
        return data
