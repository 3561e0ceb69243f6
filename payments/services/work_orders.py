"""A service work order as a payable (docs/service.md, "Payment"): its customer's total grows
as extra work is approved, so payments asks the service app for it anew before every payment
(common/payables.py) rather than keeping what an event once said."""

from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from common.api.exceptions import ApplicationError
from common.payables import PayableReport, payable_report
from common.types import Actor, Id
from payments.choices import PayableKind
from payments.error_codes import PaymentErrorCode
from payments.models import Payable

DB = "payments"


def work_order_report(work_order_id: Id) -> PayableReport | None:
    return payable_report(PayableKind.WORK_ORDER, work_order_id)


def work_order_payable_locked(user: Actor, work_order_id: Id) -> tuple[Payable, str | None]:
    """The work order as the service app reports it now, noted (or brought up to date) and
    locked for the rest of the transaction, with why it cannot be paid (None: it can). Its
    customer pays it, or staff take the money at the cash desk; another customer's is a 404,
    like a missing one. A customer without an account pays at the desk: the payment is the
    staff member's who took it."""
    report = work_order_report(work_order_id)
    if report is None or (report["customer_id"] != str(user.pk) and not user.is_staff):
        raise ApplicationError(
            _("There is no work order of yours to pay."),
            code=PaymentErrorCode.WORK_ORDER_NOT_FOUND,
            status=404,
        )
    total = Decimal(report["amount"])
    Payable.objects.using(DB).get_or_create(
        payable_id=work_order_id,
        defaults={
            "payable_kind": PayableKind.WORK_ORDER,
            "showroom_id": report["showroom_id"],
            "customer_id": report["customer_id"] or user.pk,
            "total_amount": total,
            "currency": report["currency"],
        },
    )
    payable = Payable.objects.using(DB).select_for_update().get(payable_id=work_order_id)
    if payable.total_amount != total:
        payable.total_amount = total
        payable.save(using=DB, update_fields=["total_amount", "updated_at"])
    return payable, report["closed"] or None
