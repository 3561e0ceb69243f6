from accounts.tests.factories import UserFactory
from crm import services
from crm.models import Client


def crm_client_make(*, actor=None, **fields) -> Client:
    """A client recorded through the service; by an admin, unassigned unless told."""
    fields.setdefault("name", "Walk-in customer")
    return services.client_create(actor=actor or UserFactory.create(role="admin"), **fields)
