"""Django's `flush`, which under DATABASE_FLUSH_DELETES (the test suite's) keeps what
`post_migrate` made when it resets no sequence, as a test's teardown asks: the content
types, the permissions and the groups stay
(common/db/postgresql/base.py, KEPT_ON_FLUSH), so nothing needs making again. Every
transactional test's teardown flushes every database; making them again took a tenth of a
second each time."""

from typing import Any

from django.conf import settings
from django.core.management.commands import flush


class Command(flush.Command):
    def handle(self, **options: Any) -> None:
        # Only the flush that keeps them: one that resets sequences or cascades is Django's
        # TRUNCATE of every table, after which post_migrate makes them again.
        keeps = not options.get("reset_sequences", True) and not options.get("allow_cascade")
        if settings.DATABASE_FLUSH_DELETES and keeps:
            options["inhibit_post_migrate"] = True
        super().handle(**options)
