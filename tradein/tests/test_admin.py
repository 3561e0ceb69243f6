"""The used-car manager's admin (docs/tradein.md): the offer and the inspection are actions
that call the services, under the same four eyes; the change page shows the photos and the
suggested price; nothing is edited in a form."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib import messages
from django.contrib.admin import helpers
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import UserFactory
from conftest import browser_for
from tradein import services
from tradein.models import OfferApproval, OutboxEvent, TradeIn
from tradein.tests.factories import trade_in_make

pytestmark = pytest.mark.django_db(databases="__all__")
CHANGELIST = reverse("admin:tradein_tradein_changelist")


def act(user, name: str, trade_in, **form):
    return browser_for(user).post(
        CHANGELIST,
        {
            "action": name,
            helpers.ACTION_CHECKBOX_NAME: [str(trade_in.pk)],
            "apply": "yes",
            **form,
        },
        follow=True,
    )


def offer_form(amount="900000.00", days=7) -> dict:
    until = timezone.localtime() + timedelta(days=days)
    return {"amount": amount, "valid_until": until.strftime("%Y-%m-%dT%H:%M"), "reason": "Avito"}


def test_an_offer_above_the_threshold_takes_two_managers_then_a_third_inspects_it(
    customer, settings
):
    settings.TRADEIN_SECOND_APPROVAL_ABOVE = Decimal("500000")
    first, second = UserFactory(role="manager"), UserFactory(role="manager")
    third = UserFactory(role="manager")
    trade_in = trade_in_make(customer)

    waiting = act(first, "offer", trade_in, **offer_form())
    assert TradeIn.objects.get(pk=trade_in.pk).status == "submitted"
    assert [m.level for m in waiting.context["messages"]] == [messages.WARNING]  # a second
    again = act(first, "offer", trade_in, **offer_form())  # not by the same manager
    assert TradeIn.objects.get(pk=trade_in.pk).status == "submitted"
    assert [m.level for m in again.context["messages"]] == [messages.ERROR]
    act(second, "offer", trade_in, **offer_form())

    offered = TradeIn.objects.get(pk=trade_in.pk)
    assert (offered.status, offered.offer_amount) == ("offered", Decimal("900000.00"))
    assert OfferApproval.objects.filter(trade_in=trade_in).count() == 2
    services.trade_in_accept(user=customer, trade_in_id=trade_in.pk)

    # Above the threshold, neither who approved the offer sees the car alone.
    for approver in (first, second):
        refused = act(approver, "inspect", trade_in, mileage_km="1", findings="-", amount="")
        assert [m.level for m in refused.context["messages"]] == [messages.ERROR]
        assert TradeIn.objects.get(pk=trade_in.pk).status == "accepted"
    act(third, "inspect", trade_in, mileage_km="151000", findings="Скол на капоте", amount="")

    inspected = TradeIn.objects.get(pk=trade_in.pk)
    assert (inspected.status, inspected.inspected_mileage_km, inspected.inspected_by_id) == (
        "inspected",
        151000,
        third.pk,
    )
    assert list(
        OutboxEvent.objects.filter(aggregate_id=str(trade_in.pk))
        .order_by("occurred_at")
        .values_list("type", flat=True)
    ) == ["trade_in.submitted", "trade_in.offered", "trade_in.accepted", "trade_in.inspected"]


def test_a_bad_offer_is_told_and_writes_nothing(customer, manager):
    trade_in = trade_in_make(customer)

    too_long = act(manager, "offer", trade_in, **offer_form(days=30))
    no_amount = act(manager, "offer", trade_in, **offer_form(amount="-5"))

    assert TradeIn.objects.get(pk=trade_in.pk).status == "submitted"
    assert not OfferApproval.objects.filter(trade_in=trade_in).exists()
    assert any("14" in str(m) for m in too_long.context["messages"])
    assert "amount" in no_amount.context["form"].errors  # the form again, with its error


def test_the_change_page_shows_the_suggested_price_and_cannot_edit(customer, manager):
    trade_in = trade_in_make(customer)
    page = browser_for(manager).get(reverse("admin:tradein_tradein_change", args=[trade_in.pk]))
    edit = browser_for(manager).post(
        reverse("admin:tradein_tradein_change", args=[trade_in.pk]), {"offer_amount": "1"}
    )

    assert page.status_code == 200 and "suggested_price" in page.content.decode()
    assert edit.status_code == 403
    assert TradeIn.objects.get(pk=trade_in.pk).offer_amount is None
