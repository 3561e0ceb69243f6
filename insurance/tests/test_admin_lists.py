"""The policy, quote and claim lists as a manager uses them: the customer by name and phone,
search, date ranges, totals and the policies' export (docs/admin.md, "Lists")."""

import csv
import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone, translation

from accounts.tests.factories import UserFactory
from common.formatting import money
from conftest import browser_for, chose_english
from insurance.admin import PolicyResource
from insurance.models import Claim, Policy, Quote
from insurance.tests.factories import claim_make, policy_make

pytestmark = pytest.mark.django_db(databases="__all__")

POLICIES = "admin:insurance_policy_changelist"


def listed(browser, url_name=POLICIES, **params):
    response = browser.get(reverse(url_name), params)
    assert response.status_code == 200
    return response, [row.pk for row in response.context["cl"].result_list]


@pytest.fixture
def insured(db):
    return UserFactory(role="client", full_name="Irina Belova", phone="+79035550011")


@pytest.fixture
def two_policies(insured, customer):
    """Irina's policy bought today and another customer's bought twenty days ago."""
    mine = policy_make(insured)
    older = policy_make(customer)
    Policy.objects.filter(pk=older.pk).update(created_at=timezone.now() - timedelta(days=20))
    return mine, older


def test_a_policy_shows_its_customers_name_and_phone(manager, insured, two_policies):
    mine, _older = two_policies
    browser = browser_for(manager)

    page = listed(browser, q=mine.number)[0].content.decode()
    detail = browser.get(reverse("admin:insurance_policy_change", args=[mine.pk])).content

    assert "Irina Belova" in page and "+79035550011" in page
    assert f"{reverse('admin:crm_client_changelist')}?user_id={insured.pk}" in page
    assert "Irina Belova" in detail.decode()


def test_a_policy_is_found_by_number_order_vin_and_customer(manager, two_policies):
    mine, older = two_policies
    browser = browser_for(manager)

    assert listed(browser, q=older.number)[1] == [older.pk]
    assert listed(browser, q=str(mine.order_id)[:8])[1] == [mine.pk]
    assert listed(browser, q="Belova")[1] == [mine.pk]
    assert listed(browser, q="903 555 00 11")[1] == [mine.pk]
    assert set(listed(browser, q=mine.quote.vehicle_vin)[1]) >= {mine.pk}


def test_the_date_range_narrows_the_policies_and_their_premium(manager, two_policies):
    mine, older = two_policies
    browser = browser_for(manager)
    since = (timezone.localdate() - timedelta(days=2)).isoformat()

    everything, all_rows = listed(browser)
    recent, recent_rows = listed(browser, created_at__range__gte=since)

    assert set(all_rows) == {mine.pk, older.pk}
    assert recent_rows == [mine.pk]
    total = Policy.objects.aggregate(total=Sum("premium"))["total"]
    assert everything.context["totals"][0]["sums"][0] == ("premium", money(total, "RUB"))
    assert recent.context["totals"][0]["sums"][0] == ("premium", money(mine.premium, "RUB"))


def test_the_export_holds_the_filtered_policies(manager, two_policies):
    chose_english(manager)  # the columns below are read in English
    mine, _older = two_policies
    browser = browser_for(manager)
    since = (timezone.localdate() - timedelta(days=2)).isoformat()
    fields = {f"policyresource_{name}": "on" for name in PolicyResource().get_export_order()}

    response = browser.post(
        f"{reverse('admin:insurance_policy_export')}?created_at__range__gte={since}",
        {"resource": "0", "format": "0", **fields},
    )

    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [(row["Number"], Decimal(row["Premium"])) for row in rows] == [
        (mine.number, mine.premium)
    ]


def test_claims_are_found_by_customer_and_filtered_by_incident_date(manager, insured, customer):
    mine = claim_make(insured, amount="70000.00")
    other = claim_make(customer)
    Claim.objects.filter(pk=other.pk).update(incident_date=timezone.localdate() - timedelta(days=3))
    browser = browser_for(manager)
    today = timezone.localdate().isoformat()
    claims = "admin:insurance_claim_changelist"

    by_name = listed(browser, claims, q="Belova")[1]
    response, today_rows = listed(browser, claims, incident_date__range__gte=today)

    assert by_name == today_rows == [mine.pk]
    assert response.context["totals"][0]["sums"][0] == (
        "amount claimed",
        money(Decimal("70000"), "RUB"),
    )


def test_quotes_are_found_by_short_id_and_customer(manager, insured, two_policies):
    mine, older = two_policies
    quotes = "admin:insurance_quote_changelist"
    browser = browser_for(manager)

    assert listed(browser, quotes, q=str(older.quote_id)[:8])[1] == [older.quote_id]
    assert listed(browser, quotes, q="Irina")[1] == [mine.quote_id]


def test_insurance_reads_in_russian(manager, two_policies):
    with translation.override("ru"):
        page = browser_for(manager).get(reverse(POLICIES), HTTP_ACCEPT_LANGUAGE="ru")
        labels = {
            model: [str(field.verbose_name) for field in model._meta.fields]
            for model in (Quote, Policy, Claim)
        }
        statuses = [str(label) for _value, label in Policy._meta.get_field("status").choices]

    assert "Действует" in page.content.decode()
    assert "страховая сумма" in labels[Quote] and "премия" in labels[Policy]
    assert "дата события" in labels[Claim]
    assert statuses == ["Ожидает оплаты", "Действует", "Расторгнут", "Не оплачен вовремя"]
