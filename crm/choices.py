from django.db import models
from django.utils.translation import gettext_lazy as _

from common.transitions import TransitionMap
from crm.error_codes import CrmErrorCode


class ClientType(models.TextChoices):
    INDIVIDUAL = "individual", _("Individual")
    ORGANIZATION = "organization", _("Organization")


class ClientStatus(models.TextChoices):
    LEAD = "lead", _("Lead")
    ACTIVE = "active", _("Active")
    INACTIVE = "inactive", _("Inactive")


class ClientSource(models.TextChoices):
    REGISTRATION = "registration", _("Registered an account")
    WALK_IN = "walk_in", _("Walked in")
    PHONE = "phone", _("Phoned")
    WEBSITE = "website", _("Website")
    REFERRAL = "referral", _("Referral")
    EVENT = "event", _("Showroom event")
    # A classified's own lead (a buyer who wrote or called through the ad), as a manager
    # records it (docs/feeds.md, "Sources").
    AVITO = "avito", "Avito"
    AUTORU = "autoru", "Auto.ru"
    IMPORT = "import", _("Imported")
    OTHER = "other", _("Other")


# How a client a manager records came, which is their lead's source (docs/feeds.md).
STAFF_SOURCES = frozenset(
    {
        ClientSource.WALK_IN,
        ClientSource.PHONE,
        ClientSource.REFERRAL,
        ClientSource.EVENT,
        ClientSource.AVITO,
        ClientSource.AUTORU,
    }
)


class Channel(models.TextChoices):
    PHONE = "phone", _("Phone")
    EMAIL = "email", _("E-mail")
    SMS = "sms", _("SMS")
    MESSENGER = "messenger", _("Messenger")


class ActivityKind(models.TextChoices):
    # Logged by staff (POST clients/{id}/activity, or the admin).
    CALL = "call", _("Call")
    MEETING = "meeting", _("Meeting")
    EMAIL = "email", _("E-mail")
    NOTE = "note", _("Note")
    # Written from other apps' events (docs/events.md, "crm").
    REGISTERED = "registered", _("Registered an account")
    ORDER_PLACED = "order_placed", _("Order placed")
    ORDER_STATUS_CHANGED = "order_status_changed", _("Order status changed")
    PAYMENT_COMPLETED = "payment_completed", _("Payment completed")
    PAYMENT_REFUNDED = "payment_refunded", _("Payment refunded")
    LOAN_DECIDED = "loan_decided", _("Loan application decided")
    POLICY_ISSUED = "policy_issued", _("Insurance policy issued")
    CLAIM_FILED = "claim_filed", _("Insurance claim filed")
    CLAIM_DECIDED = "claim_decided", _("Insurance claim decided")
    EVENT_REGISTERED = "event_registered", _("Registered for a showroom event")
    TEST_DRIVE_BOOKED = "test_drive_booked", _("Test drive booked")
    TEST_DRIVE_CANCELLED = "test_drive_cancelled", _("Test drive cancelled")
    TRADE_IN = "trade_in", _("Trade-in")
    SERVICE_BOOKING = "service_booking", _("Service booking")
    WORK_ORDER = "work_order", _("Work order")
    WARRANTY_CLAIM = "warranty_claim", _("Warranty claim")
    # Left on the storefront (crm.services.callback_request).
    CALLBACK_REQUESTED = "callback_requested", _("Asked to be called back")
    # A consent to personal data processing withdrawn (accounts' `consent.withdrawn`).
    CONSENT_WITHDRAWN = "consent_withdrawn", _("Withdrew a consent")
    # Written by the CRM itself.
    MERGED = "merged", _("Merged with a duplicate")


LOGGED_KINDS = (ActivityKind.CALL, ActivityKind.MEETING, ActivityKind.EMAIL, ActivityKind.NOTE)

# A lead becomes a customer, or goes cold; a customer can lapse and come back.
CLIENT_TRANSITIONS = TransitionMap(
    "client",
    ClientStatus,
    {
        (ClientStatus.LEAD, ClientStatus.ACTIVE): (),
        (ClientStatus.LEAD, ClientStatus.INACTIVE): (),
        (ClientStatus.ACTIVE, ClientStatus.INACTIVE): (),
        (ClientStatus.INACTIVE, ClientStatus.ACTIVE): (),
    },
    code=CrmErrorCode.INVALID_STATUS_CHANGE,
)
