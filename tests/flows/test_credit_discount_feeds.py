"""A credit discount saved in financing, by its service or in the admin, reaches the
classifieds through its events (docs/feeds.md, "Discounts"; docs/financing.md, "The credit
discount"): integrations' copy follows every change and its deletion, and Auto.ru's feed
states it for the cars it holds for."""

import xml.etree.ElementTree as ET
from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from financing import services as financing_services
from financing.models import CreditDiscount as FinancingDiscount
from integrations import services
from integrations.models import CreditDiscount, Feed
from integrations.tests.factories import feed_showroom_make, feed_stock_make, read, refreshed

pytestmark = pytest.mark.django_db(databases="__all__")
YESTERDAY = timezone.localdate() - timedelta(days=1)


def stated(feed: Feed) -> dict[str | None, str | None]:
    cars = ET.fromstring(read(refreshed(feed))).findall("cars/car")
    return {car.findtext("unique_id"): car.findtext("credit_discount") for car in cars}


def test_a_discount_saved_changed_and_deleted_in_financing_follows_into_the_feed(
    settings, run_on_commit
):
    settings.FEEDS_DEBOUNCE_SECONDS = 0
    stock = feed_stock_make(feed_showroom_make())
    feed = services.feed_generate(feed_id=Feed.objects.create(kind="autoru").pk)
    kia, lada = str(stock["kia"].pk), str(stock["lada"].pk)

    with run_on_commit():
        discount = financing_services.credit_discount_save(
            discount=FinancingDiscount(
                name="Выгода в кредит",
                amount=Decimal("150000"),
                condition="new",
                min_loan_amount=Decimal("500000"),
                valid_from=YESTERDAY,
            ),
            user=None,
        )
    assert stated(feed) == {kia: "150000", lada: None}
    copy = CreditDiscount.objects.get(pk=discount.pk)
    assert (copy.name, copy.amount, copy.min_loan_amount) == (
        "Выгода в кредит",
        Decimal("150000.00"),
        Decimal("500000.00"),
    )

    discount.condition = ""
    with run_on_commit():
        financing_services.credit_discount_save(discount=discount, user=None)
    assert stated(feed) == {kia: "150000", lada: "150000"}

    discount_id = discount.pk  # a deleted instance forgets it
    with run_on_commit():
        financing_services.credit_discount_delete(discount=discount, user=None)
    assert stated(feed) == {kia: None, lada: None}
    assert not FinancingDiscount.objects.exists()
    assert CreditDiscount.objects.get(pk=discount_id).is_active is False  # offered no more


def test_the_admin_saves_a_discount_through_financing_and_the_feeds_hear_of_it(
    admin_user, run_on_commit
):
    browser = Client()
    browser.force_login(admin_user)

    with run_on_commit():
        response = browser.post(
            reverse("admin:financing_creditdiscount_add"),
            {
                "name": "Выгода в кредит",
                "amount": "120000.00",
                "condition": "new",
                "makes": "[]",
                "valid_from": YESTERDAY.isoformat(),
                "min_loan_amount": "0",
                "min_term_months": "0",
                "is_active": "on",
            },
        )

    assert response.status_code == 302, response.content.decode()[:2000]
    saved = FinancingDiscount.objects.get(name="Выгода в кредит")
    assert CreditDiscount.objects.get(pk=saved.pk).amount == Decimal("120000.00")
