import uuid

from django.core.management import BaseCommand, CommandError

from common.api.exceptions import ApplicationError
from crm import services


class Command(BaseCommand):
    help = (
        "Erase a client's personal data on their request (right to be forgotten): name, phone, "
        "e-mail, tax id, contacts and what the timeline says go; the anonymised record, its "
        "activity counts and an audit row stay."
    )

    def add_arguments(self, parser):
        parser.add_argument("client_id")
        parser.add_argument("--reason", required=True, help="The request, e.g. its reference.")
        parser.add_argument("--requested-by", required=True, help="Who asked, who carries it out.")

    def handle(self, *args, client_id, reason, requested_by, **options):
        try:
            erasure = services.client_erase(
                client_id=uuid.UUID(client_id), requested_by=requested_by, reason=reason
            )
        except ValueError as exc:
            raise CommandError(f"{client_id} is not a client id.") from exc
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc
        kept = sum(erasure.activity_counts.values())
        self.stdout.write(
            self.style.SUCCESS(
                f"Erased client {erasure.client_id}: {erasure.contacts_removed} contacts removed, "
                f"{kept} timeline entries kept without their text. Audit row {erasure.pk}."
            )
        )
