"""A worker killed mid-charge: its payment settles within three minutes, by the payments
sweep, whatever the broker's visibility timeout (docs/operations.md, "Timeouts derived from
task bounds")."""

import json
import subprocess
import sys
from decimal import Decimal

import pytest
from django.utils import timezone

from conftest import client_for
from orders.tests.factories import order_make, product_make
from payments.models import Payment
from tests.processes import ROOT, Worker, environment, purge_broker, wait_for

# Processes and PostgreSQL's connections counted: the machine to itself (docs/conventions.md).
pytestmark = [pytest.mark.process, pytest.mark.xdist_group("machine")]

# What a dead worker's payment may take to settle, from its creation.
WITHIN_SECONDS = 180


def figures(**env) -> dict:
    """The task bounds and what the settings derive from them, as a process started with
    `env` (on top of the test environment, without its short visibility timeout) reads them."""
    script = (
        "import json; from config.settings import base as s; print(json.dumps({"
        "'time_limit': s.CELERY_TASK_TIME_LIMIT,"
        "'longest_countdown': s.CELERY_LONGEST_COUNTDOWN,"
        "'visibility_timeout': s.CELERY_BROKER_TRANSPORT_OPTIONS['visibility_timeout'],"
        "'provider_timeout': s.PAYMENTS_PROVIDER_TIMEOUT_SECONDS,"
        "'sweep_after': s.PAYMENTS_PENDING_SWEEP_AFTER_SECONDS,"
        "'sweep_interval': s.CELERY_BEAT_SCHEDULE['payments-pending-sweep']['schedule']}))"
    )
    base = environment()
    base.pop("CELERY_VISIBILITY_TIMEOUT")
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_the_shipped_bounds_settle_a_dead_workers_payment_within_three_minutes():
    f = figures()

    assert (f["time_limit"], f["longest_countdown"], f["provider_timeout"]) == (120, 300, 10)
    # A live task is never handed out twice: it may stay unacknowledged for its countdown and
    # then its run.
    assert f["visibility_timeout"] == 300 + 120 + 60
    # The sweep leaves alone a charge attempt that may still be under way.
    assert f["sweep_after"] == 120 + 10 + 10
    assert (f["sweep_interval"], f["sweep_after"]) == (10, 140)
    # The provider holds the charge: the sweep's first run past the threshold looks it up.
    held = f["sweep_after"] + f["sweep_interval"] + f["provider_timeout"]
    # It holds none: the sweep hands the payment back, and the new task looks up, then charges.
    none_held = held + 2 * f["provider_timeout"]
    assert (held, none_held) == (160, 180)
    assert none_held <= WITHIN_SECONDS
    # The redelivery comes later, and finds the payment settled.
    assert f["visibility_timeout"] > WITHIN_SECONDS


def test_the_bounds_follow_the_task_time_limit_and_the_provider_timeout():
    f = figures(CELERY_TASK_TIME_LIMIT="20", PAYMENTS_PROVIDER_TIMEOUT_SECONDS="5")

    assert f["visibility_timeout"] == 300 + 20 + 60
    assert f["sweep_after"] == 20 + 5 + 10


# The bounds scaled down, so that the test takes well under a minute rather than three; the
# sweep then settles the payment 25 s after its creation. The visibility timeout stays long:
# the sweep alone settles the payment. (The killed task had run for a second at most.)
SCALED = {
    "CELERY_TASK_TIME_LIMIT": "10",
    "PAYMENTS_PROVIDER_TIMEOUT_SECONDS": "5",
    "PAYMENTS_PENDING_SWEEP_INTERVAL_SECONDS": "5",
    "CELERY_VISIBILITY_TIMEOUT": "3600",
}


# It waits out the scaled sweep, half a minute: the long stage's.
@pytest.mark.soak
@pytest.mark.django_db(transaction=True, databases="__all__")
def test_a_worker_killed_mid_charge_its_payment_completes_by_the_sweep_with_one_charge(
    broker, provider, customer, tmp_path
):
    scaled = figures(**SCALED)
    assert scaled["sweep_after"] == 25
    purge_broker()
    first = Worker(tmp_path / "worker-1.log", env=SCALED).start()
    order = order_make(customer, (product_make(price="500.00"), 1))
    provider.set_control(latency_ms=60_000)  # the provider holds the answer back
    try:
        response = client_for(customer).post(
            "/api/v1/payments/",
            {"order_id": str(order.pk), "amount": "500.00", "method": "card"},
            format="json",
            HTTP_IDEMPOTENCY_KEY="only",
        )
        assert response.json()["status"] == "pending", response.content
        payment = Payment.objects.get()
        wait_for(
            lambda: str(payment.pk) in provider.charges(),
            message="the charge reaching the provider",
        )
    finally:
        first.kill()  # SIGKILL while the provider is in the middle of the charge
    provider.set_control(latency_ms=0)
    payment.refresh_from_db()
    assert (payment.status, payment.provider_attempts) == ("pending", 1)
    assert payment.charge_started_at is not None  # the attempt looks under way

    second = Worker(tmp_path / "worker-2.log", beat=True, env=SCALED).start()
    try:
        bound = scaled["sweep_after"] + scaled["sweep_interval"] + 30  # 30 s for a busy machine
        wait_for(
            lambda: Payment.objects.get().status == "completed",
            timeout=(payment.created_at - timezone.now()).total_seconds() + bound,
            message="the sweep completing the payment",
        )
    finally:
        second.stop()

    payment.refresh_from_db()
    assert payment.provider_attempts == 1  # completed by a look-up: no second charge attempt
    assert payment.provider_reference == provider.charges()[str(payment.pk)]["reference"]
    assert list(provider.charges()) == [str(payment.pk)]
    assert list(payment.transactions.values_list("type", "amount")) == [
        ("charge", Decimal("500.00"))
    ]

    # The killed worker's task, handed out again at last, finds the payment settled.
    third = Worker(
        tmp_path / "worker-3.log", env={**SCALED, "CELERY_VISIBILITY_TIMEOUT": "1"}
    ).start()
    try:
        log = tmp_path / "worker-3.log"
        wait_for(
            lambda: f"payment_process_task[{redelivered_id(tmp_path)}] succeeded"
            in log.read_text(),
            timeout=60,
            message="the redelivered charge task",
        )
    finally:
        third.stop()
    payment.refresh_from_db()
    assert (payment.status, payment.provider_attempts) == ("completed", 1)
    assert len(provider.charges()) == 1
    assert payment.transactions.count() == 1


def redelivered_id(tmp_path) -> str:
    """The id of the charge task the first worker had received when it was killed."""
    for line in (tmp_path / "worker-1.log").read_text().splitlines():
        if "Task payments.tasks.payment_process_task[" in line and "received" in line:
            return line.split("payment_process_task[", 1)[1].split("]", 1)[0]
    raise AssertionError("the first worker never received the charge task")
