"""The consent every form that takes personal data asks for (docs/storefront.md, "Personal
data")."""

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts import selectors as accounts_selectors


class ConsentField(forms.BooleanField):
    """A consent to personal data processing: its own box, unticked, its text beside it
    (docs/storefront.md, "Personal data")."""

    def __init__(self, text) -> None:
        super().__init__(
            label=text.text,
            required=True,
            error_messages={"required": _("Without this consent we cannot go on.")},
        )
        self.version = text.version


class ConsentForm(forms.Form):
    """A form that takes personal data: its consent to `consent_purpose`, in the text's
    current version, is its last field."""

    consent_purpose: str

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        text = accounts_selectors.consent_text(purpose=self.consent_purpose)
        self.fields["consent"] = ConsentField(text)
