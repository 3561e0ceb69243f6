import getpass
import json

from django.core.management import BaseCommand, CommandError

from accounts import services
from accounts.choices import Role
from accounts.models import User, email_normalize
from common.api.exceptions import ApplicationError


class Command(BaseCommand):
    help = "Create a manager or an admin (or promote an existing user to that role)."

    def add_arguments(self, parser):
        parser.add_argument("--email", required=True)
        parser.add_argument("--role", choices=[Role.MANAGER, Role.ADMIN], required=True)
        parser.add_argument("--full-name", default="")
        parser.add_argument(
            "--password",
            help="Password for a new user; asked for interactively when omitted.",
        )

    def handle(self, *args, email, role, full_name, password, **options):
        user = User.objects.filter(email=email_normalize(email)).first()
        if user is None:
            password = password or getpass.getpass("Password: ")
            try:
                user = services.user_register(email=email, password=password, full_name=full_name)
            except ApplicationError as exc:
                # The details hold translatable texts: read as text, not as their repr.
                details = json.dumps(exc.details, default=str, ensure_ascii=False)
                raise CommandError(f"{exc.message} {details}") from exc
        user = services.user_role_set(actor=None, user=user, role=Role(role))
        self.stdout.write(self.style.SUCCESS(f"{user.email} is now {user.role}."))
