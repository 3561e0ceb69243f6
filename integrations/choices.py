from django.db import models
from django.utils.translation import gettext_lazy as _

from common.transitions import TransitionMap
from integrations.error_codes import IntegrationErrorCode


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Pending")  # to be sent, or sent again after a failure
    SUCCEEDED = "succeeded", _("Succeeded")
    FAILED = "failed", _("Failed")  # given up after the retry window


# A pending delivery succeeds or, after the retry window, fails; an admin's redelivery makes
# either pending again (docs/state-machines.md).
DELIVERY_TRANSITIONS = TransitionMap(
    "webhook delivery",
    DeliveryStatus,
    {
        (DeliveryStatus.PENDING, DeliveryStatus.SUCCEEDED): (),
        (DeliveryStatus.PENDING, DeliveryStatus.FAILED): (),
        (DeliveryStatus.SUCCEEDED, DeliveryStatus.PENDING): (),
        (DeliveryStatus.FAILED, DeliveryStatus.PENDING): (),
    },
    code=IntegrationErrorCode.INVALID_TRANSITION,
)
