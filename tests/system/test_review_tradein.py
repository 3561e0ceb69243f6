"""The security review's worst finding, replayed against the site as production serves it
(docs/security.md, "Money only from money"): a manager with their own token puts a car
towards a customer's pending order, offers 1,400,000 under the 1,500,000 threshold, accepts
in the customer's name and inspects, three times on one order. Each step is refused and the
order stays unpaid, with nothing in its ledger."""

from datetime import timedelta

import httpx
import pytest
from django.utils import timezone

from accounts.tests.factories import UserFactory
from accounts.tokens import AccessToken
from orders.models import Order
from orders.tests.factories import order_make, vehicle_make
from payments.models import LedgerTransaction
from tradein.models import TradeIn
from tradein.tests import factories

pytestmark = [pytest.mark.process, pytest.mark.django_db(transaction=True, databases="__all__")]


def test_a_manager_alone_credits_nothing_to_a_customers_order_however_often_they_try(server):
    customer, manager = UserFactory(), UserFactory(role="manager")
    order = order_make(customer, (vehicle_make(price="3000000.00"), 1))
    staff = {"Authorization": f"Bearer {AccessToken.for_user(manager)}"}
    answers = []
    with httpx.Client(base_url=f"{server.url}/api/v1", headers=staff, timeout=30) as http:
        for _ in range(3):
            car = {**factories.OLD_CAR, "vin": factories.vin_make(), "order_id": str(order.pk)}
            submitted = http.post("/trade-ins/", json=car)
            # The customer's own trade-in, put forward without an order: the manager works it.
            trade_in = factories.trade_in_make(customer)
            until = (timezone.now() + timedelta(days=3)).isoformat()
            offered = http.post(
                f"/trade-ins/{trade_in.pk}/offer",
                json={"amount": "1400000.00", "valid_until": until},
            )
            accepted = http.post(f"/trade-ins/{trade_in.pk}/accept")
            inspected = http.post(
                f"/trade-ins/{trade_in.pk}/inspect",
                json={"mileage_km": 150000, "findings": "As described."},
            )
            answers.append([r.status_code for r in (submitted, offered, accepted, inspected)])

    # Putting a car towards another's order is a 404; the first offer, under the threshold,
    # stands, and the next two wait for a second person (the customer's whole credit counts);
    # the customer's acceptance is theirs alone, and with none there is nothing to inspect.
    assert [row[0] for row in answers] == [404, 404, 404], answers
    assert [row[1] for row in answers] == [200, 202, 202], answers
    assert [row[2] for row in answers] == [404, 404, 404], answers
    assert [row[3] for row in answers] == [409, 409, 409], answers
    assert not TradeIn.objects.filter(order_id=order.pk).exists()
    assert not TradeIn.objects.filter(customer_id=customer.pk, accepted_at__isnull=False).exists()
    assert Order.objects.get(pk=order.pk).status == "pending"
    assert not LedgerTransaction.objects.filter(payable_id=order.pk).exists()
