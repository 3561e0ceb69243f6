from django.db import models

from common.transitions import TransitionMap
from crm.error_codes import CrmErrorCode


class ClientType(models.TextChoices):
    INDIVIDUAL = "individual", "Individual"
    ORGANIZATION = "organization", "Organization"


class ClientStatus(models.TextChoices):
    LEAD = "lead", "Lead"
    ACTIVE = "active", "Active"
    INACTIVE = "inactive", "Inactive"


class ClientSource(models.TextChoices):
    REGISTRATION = "registration", "Registered an account"
    WALK_IN = "walk_in", "Walked in"
    PHONE = "phone", "Phoned"
    WEBSITE = "website", "Website"
    REFERRAL = "referral", "Referral"
    EVENT = "event", "Showroom event"
    IMPORT = "import", "Imported"
    OTHER = "other", "Other"


class Channel(models.TextChoices):
    PHONE = "phone", "Phone"
    EMAIL = "email", "E-mail"
    SMS = "sms", "SMS"
    MESSENGER = "messenger", "Messenger"


class ActivityKind(models.TextChoices):
    # Logged by staff (POST clients/{id}/activity, or the admin).
    CALL = "call", "Call"
    MEETING = "meeting", "Meeting"
    EMAIL = "email", "E-mail"
    NOTE = "note", "Note"
    # Written from other apps' events (docs/events.md, "crm").
    REGISTERED = "registered", "Registered an account"
    ORDER_PLACED = "order_placed", "Order placed"
    ORDER_STATUS_CHANGED = "order_status_changed", "Order status changed"
    PAYMENT_COMPLETED = "payment_completed", "Payment completed"
    PAYMENT_REFUNDED = "payment_refunded", "Payment refunded"
    LOAN_DECIDED = "loan_decided", "Loan application decided"
    POLICY_ISSUED = "policy_issued", "Insurance policy issued"
    CLAIM_FILED = "claim_filed", "Insurance claim filed"
    CLAIM_DECIDED = "claim_decided", "Insurance claim decided"
    EVENT_REGISTERED = "event_registered", "Registered for a showroom event"
    TEST_DRIVE_BOOKED = "test_drive_booked", "Test drive booked"
    TEST_DRIVE_CANCELLED = "test_drive_cancelled", "Test drive cancelled"
    # Written by the CRM itself.
    MERGED = "merged", "Merged with a duplicate"


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
