from pathlib import Path
from typing import Any

from django.core.management import BaseCommand, CommandError, CommandParser

from common import jwtkeys


class Command(BaseCommand):
    help = (
        "Create a private key for signing tokens (RS256) at PATH, mode 0600, and print its key "
        "id. To rotate: make the new key JWT_PRIVATE_KEY_FILE, add the old file to "
        "JWT_PREVIOUS_KEY_FILES, restart; remove the old file from the list once "
        "JWT_REFRESH_TOKEN_LIFETIME has passed (docs/security.md, 'Token keys')."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path")

    def handle(self, *args: Any, path: str, **options: Any) -> None:
        file = Path(path)
        if not jwtkeys.key_file_create(file):
            raise CommandError(f"{file} exists already; a key is never overwritten.")
        key = jwtkeys.key_load(file.read_bytes())
        self.stdout.write(self.style.SUCCESS(f"Created {file}, key id {key.kid}."))
