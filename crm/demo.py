"""CRM demo data for `manage.py seed_demo`: a fleet buyer with two contact people and a
history of calls, and a walk-in lead nobody has called for ten days, both the demo manager's.
The demo client's own record comes from their events, as any registrant's does."""

from datetime import timedelta

from django.utils import timezone

from accounts import selectors as accounts_selectors
from crm import services
from crm.choices import ClientSource
from crm.models import Client


def seed(stdout) -> None:
    if Client.objects.exclude(source=ClientSource.REGISTRATION).exists():
        return
    manager = accounts_selectors.user_get_by_email(email="manager@autosalon.local")
    assert manager is not None, "accounts' seed, which runs first, makes the demo manager"
    now = timezone.now()
    fleet = services.client_create(
        actor=manager,
        name="Fleet Logistics LLC",
        type="organization",
        industry="Logistics",
        description="Renews twenty vans every spring.",
        tax_id="7707083893",
        tags=["fleet"],
        status="active",
        source=ClientSource.REFERRAL,
    )
    services.contact_add(
        client_id=fleet.pk,
        name="Olga Smirnova",
        role="Fleet manager",
        phone="+7 916 123-45-67",
        email="olga@fleet.example",
        preferred_channel="email",
    )
    services.contact_add(client_id=fleet.pk, name="Ivan Petrov", role="CFO", phone="+79035550101")
    for days, kind, summary in [
        (20, "call", "Asked for a quote on twenty vans"),
        (12, "meeting", "Test drove the van at the showroom"),
        (2, "email", "Sent the fleet discount offer"),
    ]:
        services.activity_log(
            client_id=fleet.pk,
            author=manager,
            kind=kind,
            summary=summary,
            occurred_at=now - timedelta(days=days),
        )
    walk_in = services.client_create(
        actor=manager,
        name="Walk-in: Sergey",
        phone="8 (926) 555-12-34",
        source=ClientSource.WALK_IN,
    )
    services.activity_log(
        client_id=walk_in.pk,
        author=manager,
        kind="note",
        summary="Looked at the crossover; call back about financing",
        occurred_at=now - timedelta(days=10),
    )
    stdout.write("  CRM: a fleet buyer and a walk-in lead of the demo manager's")
