import pybreaker
import pytest
from django.core.management import call_command

from orders.tests.factories import order_make, product_make
from payments import services
from payments.breaker import provider_breaker
from payments.models import Payment
from payments.providers import ProviderUnavailable
from payments.tests.factories import pending_payment_make

pytestmark = pytest.mark.django_db(databases="__all__")


def pending_payment(customer, key):
    order = order_make(customer, (product_make(price="100.00"), 1))
    return pending_payment_make(customer, order, "100.00")


def test_a_failing_provider_opens_the_breaker_and_recovery_closes_it(
    customer, provider, client, settings, run_on_commit, monkeypatch
):
    breaker = provider_breaker()
    payments = [
        pending_payment(customer, f"k{i}") for i in range(settings.PAYMENTS_BREAKER_FAIL_MAX + 1)
    ]
    provider.set_control(failing=True)

    for payment in payments[:-1]:
        with pytest.raises((ProviderUnavailable, pybreaker.CircuitBreakerError)):
            services.payment_process(payment_id=payment.pk)
    with pytest.raises(pybreaker.CircuitBreakerError):  # open: the provider is not even called
        services.payment_process(payment_id=payments[-1].pk)

    shown = client.get("/health/components").json()["components"]["breaker:payment_provider"]
    assert shown == {"status": "up", "state": "open"}
    assert set(Payment.objects.values_list("status", flat=True)) == {"pending"}
    assert provider.charges() == {}

    provider.set_control(failing=False)
    monkeypatch.setattr(breaker, "reset_timeout", 0)  # the reset timeout has passed
    with run_on_commit():
        call_command("payments_retry_pending", "--older-than", "0")

    assert breaker.current_state == "closed"
    assert set(Payment.objects.values_list("status", flat=True)) == {"completed"}
    assert len(provider.charges()) == len(payments)
    assert (
        client.get("/health/components").json()["components"]["breaker:payment_provider"]["state"]
        == "closed"
    )


def test_after_the_retry_budget_a_payment_the_provider_cannot_be_asked_about_stays_pending(
    customer, provider, settings
):
    from payments.tasks import payment_process_task

    payment = pending_payment(customer, "k")
    provider.set_control(failing=True)  # charges and look-ups alike
    settings.PAYMENTS_RETRY_SECONDS = 0

    payment_process_task.apply(args=[str(payment.pk)])

    payment.refresh_from_db()
    assert payment.status == "pending"  # it may have been charged: the sweep decides later
    assert payment.provider_attempts == settings.PAYMENTS_MAX_RETRIES + 1
    assert payment.charge_started_at is None  # every attempt ended


def test_after_the_retry_budget_a_payment_the_provider_holds_no_charge_for_fails(
    customer, provider, settings, monkeypatch
):
    from payments.providers.fake import FakeProvider
    from payments.tasks import payment_process_task

    payment = pending_payment(customer, "k")

    def charge_unavailable(self, request):
        raise ProviderUnavailable("The charge endpoint is down.")

    monkeypatch.setattr(FakeProvider, "charge", charge_unavailable)
    monkeypatch.setattr(provider_breaker(), "fail_max", 1000)
    settings.PAYMENTS_RETRY_SECONDS = 0

    payment_process_task.apply(args=[str(payment.pk)])

    payment.refresh_from_db()
    assert payment.status == "failed"
    assert "unavailable" in payment.failure_reason
    assert provider.charges() == {}


def test_a_retry_after_a_charge_whose_answer_was_lost_asks_the_provider_and_completes(
    customer, provider, settings, monkeypatch
):
    from payments.providers.fake import FakeProvider
    from payments.tasks import payment_process_task

    payment = pending_payment(customer, "k")
    charge = FakeProvider.charge

    def charged_but_no_answer(self, request):
        charge(self, request)  # the provider takes the money; its answer never arrives
        raise ProviderUnavailable("Timed out waiting for the provider.")

    monkeypatch.setattr(FakeProvider, "charge", charged_but_no_answer)
    settings.PAYMENTS_RETRY_SECONDS = 0

    payment_process_task.apply(args=[str(payment.pk)])

    payment.refresh_from_db()
    assert payment.status == "completed"
    assert payment.provider_attempts == 2  # the second asked instead of charging
    assert payment.provider_reference == provider.charges()[str(payment.pk)]["reference"]
    assert list(provider.charges()) == [str(payment.pk)]
    assert payment.transactions.count() == 1
