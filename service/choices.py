from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from common.transitions import TransitionMap
from service.error_codes import ServiceErrorCode


class BookingStatus(models.TextChoices):
    BOOKED = "booked", _("Booked")
    CANCELLED = "cancelled", _("Cancelled")


# A booking is booked until cancelled; the work order that follows it is not built yet
# (docs/service.md). A reschedule keeps it booked.
BOOKING_TRANSITIONS = TransitionMap(
    "service booking",
    BookingStatus,
    {(BookingStatus.BOOKED, BookingStatus.CANCELLED): ()},
    code=ServiceErrorCode.BOOKING_NOT_CHANGEABLE,
)


class WorkOrderStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    AGREED = "agreed", _("Agreed")
    IN_WORK = "in_work", _("In work")
    WAITING = "waiting", _("Waiting for the customer")
    DONE = "done", _("Done")
    HANDED_OVER = "handed_over", _("Handed over")
    CLOSED = "closed", _("Closed")
    CANCELLED = "cancelled", _("Cancelled")


# The work order's map (docs/state-machines.md, "Work order"): signed by the customer (on the
# site or on paper), taken into work, waiting while a proposed job awaits the customer's word,
# done, handed over with nothing owed (or a balance a second person allowed), closed.
WORK_ORDER_TRANSITIONS = TransitionMap(
    "work order",
    WorkOrderStatus,
    {
        (WorkOrderStatus.DRAFT, WorkOrderStatus.AGREED): (),
        (WorkOrderStatus.AGREED, WorkOrderStatus.IN_WORK): (),
        (WorkOrderStatus.IN_WORK, WorkOrderStatus.WAITING): (),
        (WorkOrderStatus.WAITING, WorkOrderStatus.IN_WORK): (),
        (WorkOrderStatus.IN_WORK, WorkOrderStatus.DONE): (),
        (WorkOrderStatus.DONE, WorkOrderStatus.HANDED_OVER): (),
        (WorkOrderStatus.HANDED_OVER, WorkOrderStatus.CLOSED): (),
        (WorkOrderStatus.DRAFT, WorkOrderStatus.CANCELLED): (),
        (WorkOrderStatus.AGREED, WorkOrderStatus.CANCELLED): (),
    },
    code=ServiceErrorCode.WORK_ORDER_NOT_CHANGEABLE,
)


class Instruction(models.TextChoices):
    """The customer's word, given in advance, on faults found during the work (ПП РФ № 780)."""

    CALL = "call", _("Call me before any extra work")
    UP_TO = "up_to", _("Go ahead up to an amount")
    NOTHING = "nothing", _("Do no extra work")


class FuelLevel(models.TextChoices):
    """The fuel gauge as the car was accepted (the acceptance act). In a context of their own:
    "Reserve" alone is the storefront's button, which one catalogue's word would take over."""

    EMPTY = "empty", pgettext_lazy("fuel gauge", "Reserve")
    QUARTER = "quarter", pgettext_lazy("fuel gauge", "A quarter")
    HALF = "half", pgettext_lazy("fuel gauge", "Half")
    THREE_QUARTERS = "three_quarters", pgettext_lazy("fuel gauge", "Three quarters")
    FULL = "full", pgettext_lazy("fuel gauge", "Full")


class LineKind(models.TextChoices):
    LABOUR = "labour", _("Work")
    PART = "part", _("Part")


class PayType(models.TextChoices):
    CUSTOMER = "customer", _("Customer")
    WARRANTY = "warranty", _("Warranty")
    INTERNAL = "internal", _("Internal")


class SuppliedBy(models.TextChoices):
    DEALER = "dealer", _("Dealer")
    CUSTOMER = "customer", _("Customer")


class LineState(models.TextChoices):
    """A line signed with the order is `agreed`; one found during the work is `proposed` until
    the customer (or their advance instruction) approves or declines it."""

    AGREED = "agreed", _("Agreed")
    PROPOSED = "proposed", _("Proposed")
    APPROVED = "approved", _("Approved")
    DECLINED = "declined", _("Declined")


class Channel(models.TextChoices):
    """How the customer's word reached the work order."""

    SITE = "site", _("On the site, signed in")
    LINK = "link", _("By the link sent to them")
    PHONE = "phone", _("By phone, recorded by the advisor")
    PAPER = "paper", _("On paper")
    INSTRUCTION = "instruction", _("By their advance instruction")


class StockState(models.TextChoices):
    """Where a dealer's part of a line stands in the warehouse: none (a work, a part the
    customer brought or one not from the catalogue), reserved, issued to the car, or released
    (declined or cancelled)."""

    NONE = "", _("Not from stock")
    RESERVED = "reserved", _("Reserved")
    ISSUED = "issued", _("Issued")
    RELEASED = "released", _("Released")


class WarrantyClaimStatus(models.TextChoices):
    """A claim's words in a context of their own: "Accepted" and "Rejected" alone are other
    catalogues' too, of other genders and numbers."""

    OPEN = "open", pgettext_lazy("warranty claim", "Open")
    SUBMITTED = "submitted", pgettext_lazy("warranty claim", "Submitted to the manufacturer")
    ACCEPTED = "accepted", pgettext_lazy("warranty claim", "Accepted")
    REJECTED = "rejected", pgettext_lazy("warranty claim", "Rejected")
    PAID = "paid", pgettext_lazy("warranty claim", "Paid by the manufacturer")


# A claim to the manufacturer for a work order's warranty lines (docs/service.md, "Warranty
# claims"): opened when the order is done, submitted, accepted or rejected, paid.
WARRANTY_CLAIM_TRANSITIONS = TransitionMap(
    "warranty claim",
    WarrantyClaimStatus,
    {
        (WarrantyClaimStatus.OPEN, WarrantyClaimStatus.SUBMITTED): (),
        (WarrantyClaimStatus.SUBMITTED, WarrantyClaimStatus.ACCEPTED): (),
        (WarrantyClaimStatus.SUBMITTED, WarrantyClaimStatus.REJECTED): (),
        (WarrantyClaimStatus.ACCEPTED, WarrantyClaimStatus.PAID): (),
    },
    code=ServiceErrorCode.WARRANTY_CLAIM_NOT_CHANGEABLE,
)
