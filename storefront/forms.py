"""The storefront's forms: each validates what a buyer types before a service sees it."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

TERMS = [12, 24, 36, 48, 60, 72, 84]
DEFAULT_TERM = 60
DEFAULT_DOWN_PAYMENT_PERCENT = 20


class CalculatorForm(forms.Form):
    """A car loan's terms on the vehicle page: the down payment and the term."""

    down_payment = forms.DecimalField(
        label=_("Down payment, ₽"), min_value=Decimal(0), max_digits=12, decimal_places=2
    )
    term_months = forms.TypedChoiceField(
        label=_("Term"),
        coerce=int,
        choices=[
            (
                term,
                ngettext_lazy("%(months)s month", "%(months)s months", "months") % {"months": term},
            )
            for term in TERMS
        ],
    )

    def __init__(self, data, *, price: Decimal) -> None:
        self.price = price
        initial_down = (price * DEFAULT_DOWN_PAYMENT_PERCENT / 100).quantize(Decimal(1))
        given = {name: data[name] for name in ("down_payment", "term_months") if data.get(name)}
        super().__init__({"down_payment": initial_down, "term_months": DEFAULT_TERM, **given})

    def clean_down_payment(self) -> Decimal:
        down: Decimal = self.cleaned_data["down_payment"]
        if down >= self.price:
            raise forms.ValidationError(_("The down payment must be less than the price."))
        return down


class InsuranceForm(forms.Form):
    """The driver an insurance estimate is for."""

    driver_age = forms.IntegerField(label=_("Driver's age"), min_value=18, max_value=99)
    driver_experience_years = forms.IntegerField(
        label=_("Years of driving"), min_value=0, max_value=80
    )

    def __init__(self, data) -> None:
        given = {
            name: data[name] for name in ("driver_age", "driver_experience_years") if data.get(name)
        }
        super().__init__({"driver_age": 35, "driver_experience_years": 10, **given})

    def clean(self):
        cleaned = super().clean()
        age, experience = cleaned.get("driver_age"), cleaned.get("driver_experience_years")
        if age is not None and experience is not None and experience > age - 16:
            raise forms.ValidationError(_("Nobody drives before sixteen."))
        return cleaned
