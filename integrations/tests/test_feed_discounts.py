"""The dealer's credit discount on the classifieds (docs/feeds.md, "Discounts"): the reports of
financing's `credit_discount.*` events keep integrations' copy of each discount, the newest
kept, and the feeds state it for the cars it holds for (Auto.ru's `credit_discount` and
`max_discount`, Avito's `CreditDiscount` and `MaxDiscount`), written afresh when it changes. From financing's own save through
the events: tests/flows/test_credit_discount_feeds.py."""

import xml.etree.ElementTree as ET
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from integrations import services
from integrations.feeds.discounts import Discounts
from integrations.models import CreditDiscount, Feed
from integrations.tests.factories import read, refreshed

pytestmark = pytest.mark.django_db(databases="__all__")
YESTERDAY = timezone.localdate() - timedelta(days=1)


def discounts_in(feed: Feed) -> dict[str | None, tuple[str | None, str | None]]:
    """Each car's (credit_discount, max_discount) in an Auto.ru feed, by its id."""
    cars = ET.fromstring(read(refreshed(feed))).findall("cars/car")
    return {
        car.findtext("unique_id"): (car.findtext("credit_discount"), car.findtext("max_discount"))
        for car in cars
    }


def report(**changes) -> dict:
    """A `credit_discount.*` payload, as financing's events carry it."""
    return {
        "id": "0b5c7a52-8f0e-4d55-9a53-2f4f2b6d7c01",
        "name": "Выгода в кредит",
        "amount": "150000.00",
        "currency": "RUB",
        "condition": "new",
        "max_price": None,
        "makes": [],
        "valid_from": YESTERDAY.isoformat(),
        "valid_until": None,
        "min_loan_amount": "500000.00",
        "min_term_months": 12,
        "is_active": True,
        "updated_at": timezone.now().isoformat(),
        **changes,
    }


def noted(run_on_commit, payload: dict) -> None:
    with run_on_commit():
        services.credit_discount_note(report=payload)


def test_a_credit_discount_reaches_the_autoru_feed_for_the_cars_it_holds_for_as_it_changes(
    settings, stock, run_on_commit
):
    settings.FEEDS_DEBOUNCE_SECONDS = 0
    feed = services.feed_generate(feed_id=Feed.objects.create(kind="autoru").pk)
    kia, lada = str(stock["kia"].pk), str(stock["lada"].pk)
    assert discounts_in(feed) == {kia: (None, None), lada: (None, None)}

    noted(run_on_commit, report())
    # The new Kia takes it; the used Lada does not.
    assert discounts_in(feed) == {kia: ("150000", "150000"), lada: (None, None)}
    copy = CreditDiscount.objects.get()
    assert (copy.amount, copy.condition, copy.is_active) == (Decimal("150000.00"), "new", True)

    noted(run_on_commit, report(amount="200000.00", condition=""))
    assert discounts_in(feed) == {kia: ("200000", "200000"), lada: ("200000", "200000")}

    noted(run_on_commit, report(is_active=False))
    assert discounts_in(feed) == {kia: (None, None), lada: (None, None)}
    assert CreditDiscount.objects.get().is_active is False

    # Deleted (stamped with its deletion), then a late report of the change before it.
    late = report(amount="200000.00", condition="")
    noted(run_on_commit, report(is_active=False, updated_at=timezone.now().isoformat()))
    noted(run_on_commit, late)
    assert discounts_in(feed) == {kia: (None, None), lada: (None, None)}
    assert CreditDiscount.objects.get().is_active is False


def test_avitos_feed_states_the_discount_of_the_cars_it_holds_for(stock, run_on_commit):
    feed = services.feed_generate(feed_id=Feed.objects.create(kind="avito").pk)
    assert "Discount" not in read(feed).decode()

    noted(run_on_commit, report())
    ads = ET.fromstring(read(services.feed_generate(feed_id=feed.pk))).findall("Ad")

    stated = {
        ad.findtext("Id"): (ad.findtext("CreditDiscount"), ad.findtext("MaxDiscount")) for ad in ads
    }
    assert stated == {
        str(stock["kia"].pk): ("150000", "150000"),  # new: it holds
        str(stock["lada"].pk): (None, None),  # used: it does not
    }


def car(**fields):
    defaults = {"condition": "new", "make": "Kia", "price": Decimal("2000000.00")}
    return type("Car", (), {**defaults, **fields})()


def rule(**fields) -> CreditDiscount:
    defaults = {
        "name": "Выгода",
        "amount": Decimal("100000.00"),
        "condition": "",
        "max_price": None,
        "makes": [],
        "valid_from": YESTERDAY,
        "valid_until": None,
        "min_loan_amount": Decimal("0.00"),
        "is_active": True,
        "updated_at": timezone.now(),
    }
    import uuid

    return CreditDiscount.objects.create(id=uuid.uuid4(), **{**defaults, **fields})


def test_a_car_takes_the_largest_discount_whose_rules_hold_for_it_on_the_day():
    rule(amount=Decimal("300000.00"), makes=["Haval"])
    rule(amount=Decimal("250000.00"), max_price=Decimal("1500000.00"))
    rule(amount=Decimal("200000.00"), condition="used")
    rule(amount=Decimal("150000.00"), min_loan_amount=Decimal("1900000.00"))
    rule(amount=Decimal("120000.00"), valid_until=YESTERDAY)  # over
    rule(amount=Decimal("110000.00"), valid_from=timezone.localdate() + timedelta(days=1))
    rule(amount=Decimal("105000.00"), is_active=False)
    rule(amount=Decimal("100000.00"))
    discounts = Discounts.in_force()

    assert discounts.credit(car()) == Decimal("100000.00")
    assert discounts.credit(car(make="HAVAL")) == Decimal("300000.00")
    assert discounts.credit(car(price=Decimal("1500000.00"))) == Decimal("250000.00")
    assert discounts.credit(car(condition="used")) == Decimal("200000.00")
    assert discounts.credit(car(price=Decimal("2050000.00"))) == Decimal("150000.00")
    # A discount that would leave no loan holds for no car.
    assert discounts.credit(car(price=Decimal("90000.00"))) is None
    assert Discounts.in_force(YESTERDAY - timedelta(days=1)).credit(car()) is None


def test_an_older_report_of_a_discount_changes_nothing_and_a_replay_nothing_more(
    run_on_commit,
):
    newest = report()
    noted(run_on_commit, newest)
    older = report(
        name="Старая",
        amount="90000.00",
        updated_at=(timezone.now() - timedelta(minutes=5)).isoformat(),
    )

    noted(run_on_commit, older)
    noted(run_on_commit, {**older, "is_active": False})
    noted(run_on_commit, newest)  # the same report again

    kept = CreditDiscount.objects.get()
    assert (kept.name, kept.amount) == ("Выгода в кредит", Decimal("150000.00"))
    assert kept.updated_at.isoformat() == newest["updated_at"]
