"""The texts of the consents to personal data processing, one per purpose, each with its
version (docs/storefront.md, "Personal data"). A change of a text is a new version: a
consent keeps the version it was given to."""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from accounts.choices import ConsentPurpose


@dataclass(frozen=True)
class ConsentText:
    version: str
    text: StrOrPromise


TEXTS: dict[str, ConsentText] = {
    ConsentPurpose.ACCOUNT: ConsentText(
        "2026-11",
        _(
            "I consent to the dealership processing my name, e-mail address and phone number to"
            " keep my account and to prepare, conclude and perform the purchase of a car, its"
            " loan and its insurance: collection, recording, storage, use and transfer to the"
            " lender and the insurer I choose, for as long as the account exists and then as"
            " the law on accounting requires. I may withdraw this consent at any time on my"
            " account page."
        ),
    ),
    ConsentPurpose.CALLBACK: ConsentText(
        "2026-11",
        _(
            "I consent to the dealership processing my name and phone number to call me back"
            " about the car I asked about, for up to 30 days. I may withdraw this consent at any"
            " time."
        ),
    ),
    ConsentPurpose.TEST_DRIVE: ConsentText(
        "2026-11",
        _(
            "I consent to the dealership processing my name, phone number and driving licence"
            " details to arrange and hold a test drive, for up to a year. I may withdraw this"
            " consent at any time on my account page."
        ),
    ),
    ConsentPurpose.EVENTS: ConsentText(
        "2026-11",
        _(
            "I consent to the dealership processing my name, e-mail address and phone number to"
            " register me for a showroom event and to remind me of it, until the event ends. I"
            " may withdraw this consent at any time on my account page."
        ),
    ),
    ConsentPurpose.TRADE_IN: ConsentText(
        "2026-11",
        _(
            "I consent to the dealership processing my name, contact details and my car's"
            " details and photos (its VIN among them) to appraise the car, make me an offer"
            " and buy it back, for up to a year, or as long as the law on accounting requires"
            " once it is bought. I may withdraw this consent at any time on my account page."
        ),
    ),
    ConsentPurpose.LOAN: ConsentText(
        "2026-11",
        _(
            "I consent to the dealership transferring my name, contact details, date of birth,"
            " employment, income and the terms of the loan I ask for to the bank named in this"
            " consent, for it to consider my loan application and make me an offer, and to the"
            " bank processing them to that end for up to 30 days, or as the law on consumer"
            " credit requires once a loan is given. A consent names one bank; I may withdraw it"
            " at any time on my account page."
        ),
    ),
}
