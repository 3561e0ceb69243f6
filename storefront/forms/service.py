"""The customer's signature of a work order, with their instruction, given in advance, for
faults found during the work (ПП РФ № 780; docs/service.md, "The work order"), and its
payment by card (docs/service.md, "Payment")."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from common.money import CENT
from service.choices import Instruction
from storefront.forms import RoublesField


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
