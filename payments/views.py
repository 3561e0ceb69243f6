"""The page a payment provider sends the customer back to after they confirmed a payment
(PAYMENTS_RETURN_URL). It asks the provider at once, in a task, rather than wait for the
notification, and shows the payment's status until it is settled. It shows nothing but the
status: the payment's id is all it is given, and anyone may hold the link."""

from django.core.cache import cache
from django.shortcuts import render
from django.views.decorators.http import require_GET

from payments import selectors
from payments.choices import UNSETTLED_STATUSES, PaymentStatus
from payments.tasks import payment_lookup_task

LOOKUP_INTERVAL_SECONDS = 5  # one look-up per payment in this time, however often it loads


@require_GET
def payment_return_page(request, payment_id):
    status = selectors.payment_status_public(payment_id=payment_id)
    if status in UNSETTLED_STATUSES and cache.add(
        f"payments:return-lookup:{payment_id}", 1, LOOKUP_INTERVAL_SECONDS
    ):
        payment_lookup_task.delay(str(payment_id))
    context = {
        "status": status,
        "settled": status is not None and status not in UNSETTLED_STATUSES,
        "succeeded": status not in (None, PaymentStatus.FAILED, *UNSETTLED_STATUSES),
    }
    return render(request, "payments/return.html", context, status=200 if status else 404)
