"""Events as an attacker with access to the broker would write them: what a worker must
refuse unless the relay signed it (docs/events.md, "Signed hand-over")."""

from common.events.registry import consumers_for
from common.events.types import Event
from financing import events as financing_events


def forged_disbursement(application) -> tuple[dict, list[str]]:
    """A `loan_application.disbursed` for a loan nobody paid, as an attacker with access to
    the broker would write it, and the consumers the relay would name."""
    application.disbursement_reference = "FORGED-1"
    payload = financing_events.loan_payload(application, status="disbursed")
    event = Event(
        type="loan_application.disbursed",
        aggregate_id=str(application.pk),
        payload=payload,
        schema_version=financing_events.LOAN_APPLICATION_DISBURSED.schema_version,
    ).as_dict()
    names = [consumer.name for consumer in consumers_for("loan_application.disbursed")]
    return event, names
