"""No one alone makes a car paid through a trade-in (docs/security.md, "Money only from
money"): the review's bypass, a manager offering, accepting in the customer's name and
inspecting credits under the threshold on one order, refused at each of its steps."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.tests.factories import UserFactory
from common.api.exceptions import ApplicationError
from conftest import client_for, run_concurrently
from orders import services as orders_services
from orders.tests.factories import order_make, vehicle_make
from tradein import services
from tradein.models import OfferApproval, TradeIn
from tradein.tests.factories import trade_in_make

pytestmark = pytest.mark.django_db(databases="__all__")
THRESHOLD = Decimal("1500000")


@pytest.fixture(autouse=True)
def _threshold(settings):
    settings.TRADEIN_SECOND_APPROVAL_ABOVE = THRESHOLD


def offered(trade_in, staff, amount="1400000.00"):
    return services.trade_in_offer(
        user=staff,
        trade_in_id=trade_in.pk,
        amount=Decimal(amount),
        valid_until=timezone.now() + timedelta(days=3),
    )


@pytest.mark.parametrize("step", ["accept", "decline", "withdraw"])
def test_only_the_customer_takes_their_steps_staff_get_a_404_and_nothing_changes(
    customer, manager, admin_user, step
):
    trade_in = trade_in_make(customer)
    offered(trade_in, manager)

    for staff in (manager, admin_user):
        through_api = client_for(staff).post(f"/api/v1/trade-ins/{trade_in.pk}/{step}")
        assert through_api.status_code == 404, through_api.content
        with pytest.raises(ApplicationError) as refused:
            getattr(services, f"trade_in_{step}")(user=staff, trade_in_id=trade_in.pk)
        assert refused.value.http_status == 404
    assert TradeIn.objects.get(pk=trade_in.pk).status == "offered"

    taken = client_for(customer).post(f"/api/v1/trade-ins/{trade_in.pk}/{step}")
    assert taken.status_code == 200, taken.content
    after = TradeIn.objects.get(pk=trade_in.pk)
    assert after.status == taken.json()["status"] != "offered"
    # who accepted it, for the money rule's check (docs/security.md)
    assert after.accepted_by_id == (customer.pk if step == "accept" else None)


def test_staff_cannot_put_a_trade_in_into_a_customers_order(customer, manager):
    order = order_make(customer, (vehicle_make(price="3000000.00"), 1))

    with pytest.raises(ApplicationError) as refused:
        trade_in_make(manager, order)
    own = trade_in_make(manager)  # staff's own car, for no order
    with pytest.raises(ApplicationError) as not_attached:
        services.trade_in_attach(user=manager, trade_in_id=own.pk, order_id=order.pk)

    assert refused.value.http_status == not_attached.value.http_status == 404
    assert not TradeIn.objects.filter(order_id=order.pk).exists()


def test_a_trade_in_attaches_only_to_the_customers_own_pending_order(
    customer, other_customer, manager
):
    theirs = order_make(other_customer, (vehicle_make(), 1))
    mine = order_make(customer, (vehicle_make(), 1))
    orders_services.order_status_set(
        user=manager, order_id=mine.pk, status="cancelled", reason="Changed their mind"
    )
    trade_in = trade_in_make(customer)

    for order, status in ((theirs, 404), (mine, 409)):
        with pytest.raises(ApplicationError) as refused:
            services.trade_in_attach(user=customer, trade_in_id=trade_in.pk, order_id=order.pk)
        assert refused.value.http_status == status
        with pytest.raises(ApplicationError):
            trade_in_make(customer, order)
    assert TradeIn.objects.get(pk=trade_in.pk).order_id is None
    assert TradeIn.objects.filter(customer_id=customer.pk).count() == 1


def test_offers_under_the_threshold_one_by_one_count_as_their_sum(customer, manager):
    order = order_make(customer, (vehicle_make(price="5000000.00"), 1))
    first = trade_in_make(customer, order)
    offered(first, manager)  # 1,400,000: under the threshold, final
    services.trade_in_accept(user=customer, trade_in_id=first.pk)

    second = trade_in_make(customer, order)
    waiting = offered(second, manager)  # with the first, 2,800,000: a second person's

    assert waiting.status == "submitted"
    assert TradeIn.objects.get(pk=second.pk).offer_amount is None
    assert list(OfferApproval.objects.filter(trade_in=second).values_list("final", flat=True)) == [
        False
    ]
    with pytest.raises(ApplicationError) as again:
        offered(second, manager)
    assert again.value.http_status == 403
    offered(second, UserFactory(role="manager"))
    assert TradeIn.objects.get(pk=second.pk).status == "offered"


@pytest.mark.django_db(transaction=True, databases="__all__")
def test_two_offers_made_at_once_on_one_order_see_each_other(customer, manager):
    order = order_make(customer, (vehicle_make(price="5000000.00"), 1))
    pair = iter([trade_in_make(customer, order), trade_in_make(customer, order)])

    run_concurrently(2, lambda: offered(next(pair), manager))

    statuses = sorted(TradeIn.objects.filter(order_id=order.pk).values_list("status", flat=True))
    assert statuses == ["offered", "submitted"]  # the second waits for a second person


def test_open_trade_ins_not_yet_attached_count_too(customer, manager):
    loose = trade_in_make(customer)
    offered(loose, manager)
    order = order_make(customer, (vehicle_make(price="5000000.00"), 1))
    attached = trade_in_make(customer, order)

    assert offered(attached, manager).status == "submitted"  # waits for a second person


def test_above_the_threshold_who_approved_the_offer_does_not_inspect_alone(customer, manager):
    second, third = UserFactory(role="manager"), UserFactory(role="manager")
    trade_in = trade_in_make(customer)
    offered(trade_in, manager, amount="1600000.00")
    offered(trade_in, second, amount="1600000.00")
    services.trade_in_accept(user=customer, trade_in_id=trade_in.pk)

    for approver in (manager, second):
        with pytest.raises(ApplicationError) as refused:
            services.trade_in_inspect(
                user=approver, trade_in_id=trade_in.pk, mileage_km=150000, findings="-"
            )
        assert (refused.value.http_status, refused.value.code) == (403, "second_approver_required")
    assert TradeIn.objects.get(pk=trade_in.pk).status == "accepted"

    services.trade_in_inspect(user=third, trade_in_id=trade_in.pk, mileage_km=150000, findings="")
    assert TradeIn.objects.get(pk=trade_in.pk).inspected_by_id == third.pk


def test_under_the_threshold_one_manager_offers_and_inspects_what_the_customer_accepted(
    customer, manager
):
    trade_in = trade_in_make(customer)
    offered(trade_in, manager, amount="400000.00")
    services.trade_in_accept(user=customer, trade_in_id=trade_in.pk)

    services.trade_in_inspect(user=manager, trade_in_id=trade_in.pk, mileage_km=1, findings="")

    assert TradeIn.objects.get(pk=trade_in.pk).status == "inspected"
