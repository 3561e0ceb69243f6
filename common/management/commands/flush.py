"""Django's `flush`, which under DATABASE_FLUSH_DELETES (the test suite's) keeps what
`post_migrate` made: the content types, the permissions and the groups stay
(common/db/postgresql/base.py, KEPT_ON_FLUSH), so nothing needs making again. Every
transactional test's teardown flushes every database; making them again took a tenth of a
second each time."""

from typing import Any

from django.conf import settings
from django.core.management.commands import flush


class Command(flush.Command):
    def handle(self, **options: Any) -> None:
        if settings.DATABASE_FLUSH_DELETES:
            options["inhibit_post_migrate"] = True
        super().handle(**options)
