"""A deal's every record belongs to the showroom of its order (docs/showrooms.md, "Staff per
showroom"): its payments, loan application, insurance quote, policy and claim, trade-in and
documents, and the test drives of the showroom's demo cars. A manager of that showroom lists
and opens them; a manager of another lists none of them, in the API and in the admin; the
group's managers see them all."""

from datetime import datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from conftest import browser_for, client_for
from documents import services as documents_services
from documents.tests.factories import legal_entity_make
from financing.tests.factories import application_make
from insurance.tests.factories import claim_make, policy_make
from payments.models import Payable
from payments.tests.factories import completed_payment_make
from showroom import services as showroom_services
from showroom.tests.factories import resource_make
from tests.flows.test_showroom_staff import sold_on_leningradka, staff
from tests.flows.test_vehicle_locations import group, next_weekday, placed
from tradein.tests.factories import trade_in_make

pytestmark = pytest.mark.django_db(databases="__all__")

__all__ = ["group", "sold_on_leningradka", "staff"]  # the fixtures, shared


@pytest.fixture
def deal(group, customer, sold_on_leningradka):
    """Everything a buyer's deal on Leningradka makes, by kind, and a test drive there."""
    order = sold_on_leningradka
    total = order.total_amount
    legal_entity_make()
    policy = policy_make(customer, order)
    demo = placed(group[0], make="Haval", model="Jolion")
    resource_make(vehicle_id=demo.pk, showroom=group[0])
    at = datetime.combine(next_weekday(2), time(12), ZoneInfo("Europe/Moscow"))
    return {
        "payments": completed_payment_make(customer, order, "100000.00"),
        "financing/applications": application_make(
            customer, order, vehicle_price=str(total), down_payment=str(total / 5)
        ),
        "insurance/quotes": policy.quote,
        "insurance/policies": policy,
        "insurance/claims": claim_make(customer, policy),
        "trade-ins": trade_in_make(customer, order),
        "documents": documents_services.document_generate(kind="offer", order_id=order.pk),
        "showroom/test-drives": showroom_services.test_drive_book(
            user=customer, vehicle_id=demo.pk, start_time=at, end_time=at + timedelta(hours=1)
        ),
    }


def test_each_record_of_a_deal_is_stamped_with_its_orders_showroom(group, deal):
    leningradka = group[0].pk
    payable = Payable.objects.get(payable_id=deal["payments"].payable_id)

    stamped = {
        kind: record.showroom_id
        for kind, record in deal.items()
        if kind not in ("payments", "showroom/test-drives")
    }

    assert stamped == dict.fromkeys(stamped, leningradka)
    assert payable.showroom_id == leningradka  # the payments' rows read their payable's
    assert deal["showroom/test-drives"].resource.showroom_id == leningradka


def test_another_showrooms_manager_lists_and_opens_none_of_them(staff, deal):
    def listed(user) -> dict[str, set[str]]:
        api = client_for(user)
        return {
            kind: {row["id"] for row in api.get(f"/api/v1/{kind}/").json()["results"]}
            for kind in deal
        }

    ours = {kind: {str(record.pk)} for kind, record in deal.items()}
    other = client_for(staff["varshavka"])
    opened = {
        "payment": other.get(f"/api/v1/payments/{deal['payments'].pk}/").status_code,
        "application": other.get(
            f"/api/v1/financing/applications/{deal['financing/applications'].pk}/"
        ).status_code,
        "trade-in": other.get(f"/api/v1/trade-ins/{deal['trade-ins'].pk}/").status_code,
        "document": other.get(f"/api/v1/documents/{deal['documents'].pk}/file").status_code,
        "claim": other.get(f"/api/v1/insurance/claims/{deal['insurance/claims'].pk}/").status_code,
    }
    offered = other.post(
        f"/api/v1/trade-ins/{deal['trade-ins'].pk}/offer",
        {"amount": "500000.00", "valid_until": "2099-01-01T00:00:00Z"},
        format="json",
    )

    assert listed(staff["varshavka"]) == {kind: set() for kind in deal}
    assert opened == dict.fromkeys(opened, 404)
    assert offered.status_code == 404
    deal["trade-ins"].refresh_from_db()
    assert deal["trade-ins"].offer_amount is None  # the refused offer wrote nothing
    for name in ("leningradka", "group", "admin"):
        seen = listed(staff[name])
        assert {kind: seen[kind] & ours[kind] for kind in deal} == ours, name
    ledger = client_for(staff["varshavka"]).get("/api/v1/payments/transactions/").json()
    assert ledger["results"] == []


@pytest.mark.parametrize(
    "kind, model",
    [
        ("payments", "payments_payment"),
        ("financing/applications", "financing_loanapplication"),
        ("insurance/policies", "insurance_policy"),
        ("insurance/claims", "insurance_claim"),
        ("trade-ins", "tradein_tradein"),
        ("documents", "documents_document"),
        ("showroom/test-drives", "showroom_testdrive"),
    ],
)
def test_the_admin_lists_a_record_to_its_showrooms_managers_only(staff, deal, kind, model):
    change = reverse(f"admin:{model}_change", args=[deal[kind].pk])
    changelist = reverse(f"admin:{model}_changelist")

    def seen(user) -> tuple[bool, int]:
        browser = browser_for(user)
        return change in browser.get(changelist).content.decode(), browser.get(change).status_code

    assert seen(staff["varshavka"]) == (False, 302)  # not found: back to the list
    assert seen(staff["leningradka"]) == (True, 200)
    assert seen(staff["group"]) == (True, 200)


def test_a_refund_of_another_showrooms_payment_is_refused_with_nothing_written(staff, deal):
    payment = deal["payments"]

    answer = client_for(staff["varshavka"]).post(
        f"/api/v1/payments/{payment.pk}/refund",
        {"amount": "1000.00", "reason": "Не наш"},
        format="json",
    )

    assert answer.status_code == 404
    assert payment.refunds.count() == 0
    assert Decimal(payment.refunded_amount) == 0


def test_the_order_statistics_count_a_managers_showrooms_orders_only(staff, sold_on_leningradka):
    def total(user) -> int:
        return client_for(user).get("/api/v1/orders/stats/").json()["total_orders"]

    assert {name: total(user) for name, user in staff.items()} == {
        "leningradka": 1,
        "varshavka": 0,
        "group": 1,
        "admin": 1,
    }
