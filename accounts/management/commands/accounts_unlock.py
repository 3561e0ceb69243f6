from django.core.management import BaseCommand, CommandError

from accounts import lockout
from accounts.models import User, email_normalize


class Command(BaseCommand):
    help = (
        "Unlock an account the lockout refuses: forget all its failed sign-ins, from every "
        'address (docs/security.md, "Lockout").'
    )

    def add_arguments(self, parser):
        parser.add_argument("email")

    def handle(self, *args, email, **options):
        user = User.objects.filter(email=email_normalize(email)).first()
        if user is None:
            raise CommandError(f"No account has the e-mail {email}.")
        forgotten = lockout.unlock(email=user.email)
        self.stdout.write(
            self.style.SUCCESS(f"{user.email} is unlocked ({forgotten} failed sign-ins forgotten).")
        )
