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

    ready = client.get("/health/ready").json()["components"]["breaker:payment_provider"]
    assert ready == {"status": "up", "state": "open"}
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
        client.get("/health/ready").json()["components"]["breaker:payment_provider"]["state"]
        == "closed"
    )


def test_a_payment_fails_with_a_reason_after_the_retry_budget(customer, provider, settings):
    from payments.tasks import payment_process_task

    payment = pending_payment(customer, "k")
    provider.set_control(failing=True)
    settings.PAYMENTS_RETRY_SECONDS = 0

    payment_process_task.apply(args=[str(payment.pk)])

    payment.refresh_from_db()
    assert payment.status == "failed"
    assert "unavailable" in payment.failure_reason
    assert provider.charges() == {}
