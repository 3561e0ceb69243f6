"""Reads of the CRM, scoped to who asks: an admin sees every client; a manager the clients
assigned to them and the unassigned leads they may take. Anyone else's is a 404, like a
missing one. Clients (customers) never reach the CRM: its views are staff only."""

from datetime import timedelta

from django.conf import settings
from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from common.api.exceptions import NotFound
from common.showrooms import visible_to
from common.types import Actor, Id
from crm.choices import ClientStatus
from crm.models import Activity, Client, Contact


def client_list(*, user: Actor) -> QuerySet[Client]:
    """An admin's: every client. A manager's: their own, and the leads nobody has taken yet
    that they may take: of their showrooms, for a showroom's manager (common.showrooms)."""
    clients = Client.objects.prefetch_related("tags")
    if user.is_superuser:
        return clients
    leads = clients.filter(manager_id__isnull=True, status=ClientStatus.LEAD)
    untaken = visible_to(user, leads, owner="manager_id")
    return clients.filter(Q(manager_id=user.pk) | Q(pk__in=untaken.values("pk")))


def client_get(*, user: Actor, client_id: Id) -> Client:
    client = client_list(user=user).filter(pk=client_id).first()
    if client is None:
        raise NotFound
    return client


def client_contacts(*, client: Client) -> QuerySet[Contact]:
    return Contact.objects.filter(client=client)


def client_activity(*, client: Client) -> QuerySet[Activity]:
    """Newest first; entries of one moment in a stable order, for the cursor."""
    return Activity.objects.filter(client=client).order_by("-occurred_at", "-id")


def client_duplicates(*, user: Actor, client: Client) -> QuerySet[Client]:
    """Live clients the asker sees that share a phone or an e-mail with `client`, on the
    records themselves or on any of their contacts."""
    contacts = client_contacts(client=client)
    phones = {str(p) for p in [client.phone, *contacts.values_list("phone", flat=True)] if p}
    emails = {e for e in [client.email, *contacts.values_list("email", flat=True)] if e}
    if not (phones or emails):
        return Client.objects.none()
    shared = (
        Q(phone__in=phones)
        | Q(contacts__phone__in=phones)
        | Q(email__in=emails)
        | Q(contacts__email__in=emails)
    )
    return (
        client_list(user=user)
        .filter(shared, archived_at__isnull=True)
        .exclude(pk=client.pk)
        .distinct()
    )


def stale_leads(queryset: QuerySet[Client]) -> QuerySet[Client]:
    """Leads nobody has touched for CRM_STALE_LEAD_DAYS (since they came, if never)."""
    cutoff = timezone.now() - timedelta(days=settings.CRM_STALE_LEAD_DAYS)
    return queryset.alias(touched=Coalesce("last_activity_at", "created_at")).filter(
        status=ClientStatus.LEAD, archived_at__isnull=True, touched__lt=cutoff
    )


def clients_with_latest_summary(clients: QuerySet[Client]) -> QuerySet[Client]:
    """`clients`, each with `latest_summary`: its latest activity's summary, if any."""
    latest = Activity.objects.filter(client=OuterRef("pk")).order_by("-occurred_at", "-id")
    return clients.annotate(latest_summary=Subquery(latest.values("summary")[:1]))


def my_clients(*, user: Actor) -> QuerySet[Client]:
    """A member of staff's own live clients, the latest activity first."""
    return (
        Client.objects.filter(manager_id=user.pk, archived_at__isnull=True)
        .prefetch_related("tags")
        .order_by(Coalesce("last_activity_at", "created_at").desc(), "id")
    )
