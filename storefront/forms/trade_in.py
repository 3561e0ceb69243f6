"""The old car offered in trade, as its owner describes it (docs/tradein.md)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.choices import ConsentPurpose
from storefront.forms.consent import ConsentForm
from tradein.choices import Condition as TradeInCondition


class PhotosInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    """Several photos in one input; each is checked by the service that keeps it
    (common/images.py)."""

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault(
            "widget", PhotosInput(attrs={"accept": "image/jpeg,image/png,image/webp,image/heic"})
        )
        super().__init__(**kwargs)

    def clean(self, data, initial=None) -> list:
        files = data if isinstance(data, list | tuple) else [data] if data else []
        if len(files) > MAX_TRADE_IN_PHOTOS:
            raise forms.ValidationError(
                _("At most %(count)s photos.") % {"count": MAX_TRADE_IN_PHOTOS}
            )
        if not files and self.required:
            raise forms.ValidationError(self.error_messages["required"], code="required")
        return [super(PhotosField, self).clean(file, initial) for file in files]


MAX_TRADE_IN_PHOTOS = 10


class TradeInPhotosForm(forms.Form):
    photos = PhotosField(label=_("Photos"), help_text=_("JPEG, PNG or WebP; up to 10 at once."))


class TradeInForm(ConsentForm):
    """The old car to appraise, as its owner describes it, with photos and the consent; the
    VIN's checks are the catalog's, made by the service (docs/tradein.md)."""

    consent_purpose = ConsentPurpose.TRADE_IN

    vin = forms.CharField(
        label=_("VIN"),
        min_length=17,
        max_length=17,
        help_text=_("17 characters, from the registration certificate."),
        widget=forms.TextInput(attrs={"autocapitalize": "characters", "spellcheck": "false"}),
    )
    make = forms.CharField(label=_("Make"), max_length=60)
    model = forms.CharField(label=_("Model"), max_length=60)
    year = forms.IntegerField(label=_("Year"), min_value=1950, max_value=2100)
    mileage_km = forms.IntegerField(
        label=_("Mileage, km"),
        min_value=0,
        max_value=2_000_000,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    # Nothing chosen until the owner chooses: a preselected "Excellent" was sent unread.
    condition = forms.ChoiceField(
        label=_("Condition"), choices=[("", _("Choose…")), *TradeInCondition.choices]
    )
    owners_count = forms.IntegerField(label=_("Owners, you included"), min_value=1, max_value=30)
    accident_history = forms.BooleanField(label=_("It has been in an accident"), required=False)
    notes = forms.CharField(
        label=_("Anything else"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    photos = PhotosField(
        label=_("Photos"),
        required=False,
        help_text=_("Outside from each side, the interior and the dashboard with the mileage."),
    )
    order = forms.UUIDField(widget=forms.HiddenInput, required=False)
