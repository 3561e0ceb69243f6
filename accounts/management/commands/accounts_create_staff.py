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
            "--whole-group",
            action="store_true",
            help="A manager of the whole group, who sees every showroom's records; without "
            "it, tick the manager's showrooms in the admin (docs/showrooms.md).",
        )
        parser.add_argument(
            "--password",
            help="Password for a new user; asked for interactively when omitted.",
        )

    def handle(self, *args, email, role, full_name, password, whole_group, **options):
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
        if whole_group:
            user = services.user_whole_group_grant(user=user)
        self.stdout.write(self.style.SUCCESS(f"{user.email} is now {user.role}."))
