from django.db import models
from django.utils.translation import pgettext_lazy

from common.transitions import TransitionMap


class Condition(models.TextChoices):
    EXCELLENT = "excellent", pgettext_lazy("car condition", "Excellent")
    GOOD = "good", pgettext_lazy("car condition", "Good")
    FAIR = "fair", pgettext_lazy("car condition", "Fair")
    POOR = "poor", pgettext_lazy("car condition", "Poor")


class TradeInStatus(models.TextChoices):
    SUBMITTED = "submitted", pgettext_lazy("trade-in status", "Submitted")
    OFFERED = "offered", pgettext_lazy("trade-in status", "Offered")
    ACCEPTED = "accepted", pgettext_lazy("trade-in status", "Accepted")
    INSPECTED = "inspected", pgettext_lazy("trade-in status", "Inspected")
    COMPLETED = "completed", pgettext_lazy("trade-in status", "Completed")
    DECLINED = "declined", pgettext_lazy("trade-in status", "Declined")
    EXPIRED = "expired", pgettext_lazy("trade-in status", "Expired")
    WITHDRAWN = "withdrawn", pgettext_lazy("trade-in status", "Withdrawn")


class Actor(models.TextChoices):
    CUSTOMER = "customer", pgettext_lazy("actor", "Customer")
    STAFF = "staff", pgettext_lazy("actor", "Staff")
    SYSTEM = "system", pgettext_lazy("actor", "System")


S = TradeInStatus
CUSTOMER, STAFF, SYSTEM = Actor.CUSTOMER, Actor.STAFF, Actor.SYSTEM
TRADEIN_TRANSITIONS = TransitionMap(
    "trade-in",
    TradeInStatus,
    {
        (S.SUBMITTED, S.OFFERED): (STAFF,),
        (S.OFFERED, S.ACCEPTED): (CUSTOMER,),
        (S.OFFERED, S.DECLINED): (CUSTOMER,),
        (S.OFFERED, S.EXPIRED): (SYSTEM,),
        (S.ACCEPTED, S.INSPECTED): (STAFF,),
        # Inspected below the offer: the lower amount is offered for the customer to accept.
        (S.ACCEPTED, S.OFFERED): (STAFF,),
        (S.INSPECTED, S.COMPLETED): (SYSTEM,),
        (S.SUBMITTED, S.WITHDRAWN): (CUSTOMER,),
        (S.OFFERED, S.WITHDRAWN): (CUSTOMER,),
        (S.ACCEPTED, S.WITHDRAWN): (CUSTOMER,),
    },
)
# A VIN with a trade-in in one of these is under appraisal: no second one is taken.
OPEN_STATUSES = (S.SUBMITTED, S.OFFERED, S.ACCEPTED, S.INSPECTED)


class OfferDecision(models.TextChoices):
    APPROVED = "approved", pgettext_lazy("offer decision", "Approved")
