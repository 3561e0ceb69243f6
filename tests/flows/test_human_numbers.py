"""Trade-ins and test drives have numbers a person can say on the phone, as orders do
(docs/conventions.md, "Human numbers"): ТИ-<year>-<serial> and ТД-<year>-<serial>, in the
API beside the id, on the buyer's account page and found by the admin's search."""

import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conftest import browser_for, client_for
from showroom.models import TestDrive
from showroom.tests.factories import drive_make
from tradein.models import TradeIn
from tradein.tests.factories import trade_in_make

pytestmark = pytest.mark.django_db(databases="__all__")


def numbered(prefix: str, number: str) -> bool:
    return re.fullmatch(rf"{prefix}-{timezone.localdate().year}-\d{{6,}}", number) is not None


def test_a_trade_in_and_a_test_drive_are_numbered_answered_and_shown(customer, manager):
    trade_in, drive = trade_in_make(customer), drive_make(customer)
    second = trade_in_make(customer)

    assert numbered("ТИ", trade_in.number) and numbered("ТД", drive.number)
    assert second.number != trade_in.number
    assert TradeIn.objects.get(pk=trade_in.pk).number == trade_in.number
    assert TestDrive.objects.get(pk=drive.pk).number == drive.number

    api = client_for(customer)
    answered = api.get(reverse("trade-in-detail", args=[trade_in.pk])).json()
    assert answered["number"] == trade_in.number and answered["id"] == str(trade_in.pk)
    (listed,) = client_for(manager).get(reverse("showroom-test-drives")).json()["results"]
    assert listed["number"] == drive.number

    site = Client()
    site.force_login(customer)
    account = site.get(reverse("storefront:account")).content.decode()
    assert trade_in.number in account and drive.number in account


@pytest.mark.parametrize("page", ["tradein_tradein", "showroom_testdrive"])
def test_the_admin_finds_one_by_its_number(admin_user, customer, page):
    made = trade_in_make(customer) if page == "tradein_tradein" else drive_make(customer)
    other = trade_in_make(customer) if page == "tradein_tradein" else drive_make(customer)

    found = browser_for(admin_user).get(reverse(f"admin:{page}_changelist"), {"q": made.number})

    assert found.status_code == 200
    assert [row.pk for row in found.context["cl"].result_list] == [made.pk]
    assert other.number not in found.content.decode()
