"""The storefront's forms: each validates what a buyer types before a service sees it. The
consent's and the trade-in's are in modules of their own."""

from decimal import Decimal
from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from phonenumber_field.formfields import PhoneNumberField

from accounts.choices import ConsentPurpose
from catalog import selectors as catalog_selectors
from financing.choices import EmploymentStatus
from insurance.choices import InsuranceType
from storefront.forms.consent import ConsentForm
from storefront.forms.trade_in import TradeInForm as TradeInForm  # the order's page offers it

TERMS = [12, 24, 36, 48, 60, 72, 84]
DEFAULT_TERM = 60
DEFAULT_DOWN_PAYMENT_PERCENT = 20


def term_choices() -> list[tuple[int, str]]:
    """The loan terms in the reader's language (called for each form: a plural per term)."""
    return [
        (term, ngettext("%(months)s month", "%(months)s months", term) % {"months": term})
        for term in TERMS
    ]


# The down payment first shown is the default share rounded down to this, a round figure. The
# field takes any amount (a text input, `RoublesInput`): a number input with a step of 10,000
# held the first figure (20 % of 1,990,000) invalid, and htmx then sent nothing.
DOWN_PAYMENT_ROUNDING = 10000


# The spaces a buyer or the page groups thousands with: a space, a no-break and a narrow one.
GROUPING = str.maketrans("", "", " \u00a0\u202f")


class RoublesInput(forms.TextInput):
    """An amount as a Russian reads it, `630 000`, grouped by thousands, with the phone's
    digit keyboard: a number input shows `630000` and takes no space (issue 67)."""

    def __init__(self, attrs=None):
        super().__init__({"inputmode": "decimal", "autocomplete": "off", **(attrs or {})})

    def format_value(self, value):
        if value in (None, ""):
            return None
        try:
            amount = Decimal(str(value).translate(GROUPING).replace(",", "."))
        except ArithmeticError:
            return str(value)  # what the buyer typed, shown back with its error
        whole = amount == amount.to_integral_value()
        figure = f"{amount:,.0f}" if whole else f"{amount:,.2f}"
        return figure.replace(",", "\u00a0").replace(".", ",")


class RoublesField(forms.DecimalField):
    """Whole roubles or kopecks, typed with or without the spaces of `RoublesInput` and with
    a decimal comma or point."""

    widget = RoublesInput

    def to_python(self, value):
        if isinstance(value, str):
            value = value.translate(GROUPING).replace(",", ".")
        return super().to_python(value)

    def widget_attrs(self, widget):
        # A DecimalField asks a number input for `step`; a text input has none.
        return {
            key: value
            for key, value in super().widget_attrs(widget).items()
            if key not in ("step", "min", "max")
        }


class CalculatorForm(forms.Form):
    """A car loan's terms on the vehicle page: the down payment and the term."""

    down_payment = RoublesField(
        label=_("Down payment, ₽"), min_value=Decimal(0), max_digits=12, decimal_places=2
    )
    term_months = forms.TypedChoiceField(label=_("Term"), coerce=int, choices=term_choices)

    def __init__(self, data, *, price: Decimal) -> None:
        self.price = price
        share = price * DEFAULT_DOWN_PAYMENT_PERCENT / 100
        initial_down = (share // DOWN_PAYMENT_ROUNDING) * DOWN_PAYMENT_ROUNDING
        given = {name: data[name] for name in ("down_payment", "term_months") if data.get(name)}
        super().__init__({"down_payment": initial_down, "term_months": DEFAULT_TERM, **given})

    @property
    def down_payment_shown(self) -> str:
        """The down payment as the page shows it, `630 000` (`RoublesInput`)."""
        return self.fields["down_payment"].widget.format_value(self["down_payment"].value()) or ""

    def clean_down_payment(self) -> Decimal:
        down: Decimal = self.cleaned_data["down_payment"]
        if down >= self.price:
            raise forms.ValidationError(_("The down payment must be less than the price."))
        return down


class DriverForm(forms.Form):
    """The driver an insurance price is for."""

    driver_age = forms.IntegerField(label=_("Driver's age"), min_value=18, max_value=99)
    driver_experience_years = forms.IntegerField(
        label=_("Years of driving"), min_value=0, max_value=80
    )

    def clean(self):
        cleaned = super().clean()
        age, experience = cleaned.get("driver_age"), cleaned.get("driver_experience_years")
        if age is not None and experience is not None and experience > age - 16:
            raise forms.ValidationError(_("Nobody drives before sixteen."))
        return cleaned


class InsuranceForm(DriverForm):
    """The vehicle page's estimate: a driver of 35 with 10 years behind the wheel unless
    the buyer says otherwise."""

    def __init__(self, data) -> None:
        given = {
            name: data[name] for name in ("driver_age", "driver_experience_years") if data.get(name)
        }
        super().__init__({"driver_age": 35, "driver_experience_years": 10, **given})


class SignInForm(forms.Form):
    login = forms.CharField(
        label=_("E-mail"), max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    password = forms.CharField(
        label=_("Password"),
        max_length=128,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


# A manager of a showroom of the buyer's city looks after them (docs/crm.md, "Assignment").
CITY_HELP = _("A manager of a showroom there will look after you.")


class SignUpForm(ConsentForm):
    consent_purpose = ConsentPurpose.ACCOUNT

    full_name = forms.CharField(
        label=_("Name"), max_length=150, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    email = forms.EmailField(
        label=_("E-mail"), max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    phone = forms.CharField(
        label=_("Phone"),
        max_length=32,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )
    password = forms.CharField(
        label=_("Password"),
        max_length=128,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 8 characters, not only digits, not a common password."),
    )
    city = forms.ChoiceField(label=_("Your city"), required=False, help_text=CITY_HELP)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        cities = catalog_selectors.cities()
        self.fields["city"].choices = [("", _("Any")), *zip(cities, cities, strict=True)]


class GoogleSignInForm(ConsentForm):
    """Signing in or up with Google: a new account is made from what Google vouches for, so
    the account's consent is asked before the browser leaves (docs/storefront.md, "Signing
    in"). Shown under the prefix `google`, beside a page's other form."""

    consent_purpose = ConsentPurpose.ACCOUNT

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, prefix="google", **kwargs)


class PasswordResetRequestForm(forms.Form):
    email = forms.EmailField(
        label=_("E-mail"), max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )


class ProfileForm(forms.Form):
    """The account page's profile: the name, the phone and the language we write in."""

    full_name = forms.CharField(
        label=_("Name"), max_length=150, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    phone = PhoneNumberField(
        label=_("Phone"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )
    language = forms.ChoiceField(
        label=_("Language of the site and our letters"), choices=settings.LANGUAGES
    )


class NotificationsForm(forms.Form):
    """What the buyer hears from us beyond their deal's news, which e-mail always carries
    (docs/notifications.md, "Preferences"). Offers need the consent box."""

    email_reminders = forms.BooleanField(label=_("Reminders by e-mail"), required=False)
    sms_transactional = forms.BooleanField(label=_("My deal's news by SMS"), required=False)
    sms_reminders = forms.BooleanField(label=_("Reminders by SMS"), required=False)
    email_marketing = forms.BooleanField(label=_("Offers and news by e-mail"), required=False)
    sms_marketing = forms.BooleanField(label=_("Offers and news by SMS"), required=False)
    marketing_consent = forms.BooleanField(
        label=_("I agree to receive the dealership's offers and news"), required=False
    )

    def clean(self):
        cleaned = super().clean()
        offers = cleaned.get("email_marketing") or cleaned.get("sms_marketing")
        if offers and not cleaned.get("marketing_consent"):
            self.add_error("marketing_consent", _("Offers need your consent."))
        return cleaned

    def changes(self) -> dict[str, dict[str, bool]]:
        """The channels' categories, as the preferences service takes them."""
        data = self.cleaned_data
        return {
            channel: {
                category: data[f"{channel}_{category}"]
                for category in ("transactional", "reminders", "marketing")
                if f"{channel}_{category}" in data
            }
            for channel in ("email", "sms")
        }


class CheckoutForm(forms.Form):
    """How the buyer pays for a reserved car: the deposit, the whole price, or a loan with
    a down payment. `key` makes a repeated submission one payment (its Idempotency-Key)."""

    DEPOSIT, FULL, LOAN = "deposit", "full", "loan"

    plan = forms.ChoiceField(
        label=_("How you pay"),
        widget=forms.RadioSelect,
        choices=[
            (DEPOSIT, _("A deposit now, the rest at the handover")),
            (FULL, _("The whole price now")),
            (LOAN, _("A car loan, with a down payment now")),
        ],
    )
    key = forms.UUIDField(widget=forms.HiddenInput)
    down_payment = RoublesField(
        label=_("Down payment, ₽"),
        min_value=Decimal(0),
        max_digits=12,
        decimal_places=2,
        required=False,
    )
    term_months = forms.TypedChoiceField(label=_("Term"), coerce=int, choices=term_choices)
    monthly_income = RoublesField(
        label=_("Monthly income after tax, ₽"),
        min_value=Decimal(1),
        max_digits=12,
        decimal_places=2,
        required=False,
    )
    employment_status = forms.ChoiceField(
        label=_("Employment"), choices=EmploymentStatus.choices, required=False
    )

    def __init__(self, *args, deposit_offered: bool = True, **kwargs):
        """`deposit_offered` False once the prepayment is in: the rest is what is left."""
        super().__init__(*args, **kwargs)
        if not deposit_offered:
            plan: Any = self.fields["plan"]
            plan.choices = [choice for choice in plan.choices if choice[0] != self.DEPOSIT]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("plan") == self.LOAN:
            for name in ("down_payment", "monthly_income", "employment_status"):
                if cleaned.get(name) in (None, ""):
                    self.add_error(name, _("A loan needs this."))
        return cleaned


class TestDriveForm(ConsentForm):
    """A free slot of the car's demo car, and the consent a test drive needs."""

    consent_purpose = ConsentPurpose.TEST_DRIVE
    start_time = forms.DateTimeField(label=_("Time"))


class CallbackForm(ConsentForm):
    """A call back about a car: a name, a phone and the consent for them."""

    consent_purpose = ConsentPurpose.CALLBACK

    name = forms.CharField(
        label=_("Name"), max_length=150, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    phone = PhoneNumberField(
        label=_("Phone"),
        region="RU",
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )


class EventRegistrationForm(ConsentForm):
    """A seat at a showroom event, with the consent it needs; `key` makes a repeated
    submission one payment of a paid seat."""

    consent_purpose = ConsentPurpose.EVENTS
    key = forms.UUIDField(widget=forms.HiddenInput)


class InsureForm(DriverForm):
    """A policy for the ordered car, priced first: OSAGO or KASKO, for the driver given. The
    kinds the order holds an open policy of are not offered (`kinds`)."""

    insurance_type = forms.ChoiceField(
        label=_("Insurance"), choices=InsuranceType.choices, widget=forms.RadioSelect
    )

    def __init__(self, *args, kinds: list[str] | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if kinds is not None:
            field = self.fields["insurance_type"]
            assert isinstance(field, forms.ChoiceField)
            field.choices = [
                (value, label) for value, label in InsuranceType.choices if value in kinds
            ]


class PolicyBuyForm(forms.Form):
    """The confirming step: the quote whose button was pressed, bought at the premium the
    button named or not at all, and its premium paid once (`key`)."""

    quote = forms.UUIDField(widget=forms.HiddenInput)
    premium = forms.DecimalField(max_digits=14, decimal_places=2, widget=forms.HiddenInput)
    key = forms.UUIDField(widget=forms.HiddenInput)
