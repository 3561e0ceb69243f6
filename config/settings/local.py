"""Settings for a developer's machine: what `make run` uses (embedded unless the
environment names services, see `.env.example`)."""

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DJANGO_DEBUG", default=True)
LANDING_SHOWS_DEMO_LOGINS = True

# With no EMAIL_URL, mail goes to the console, which shows reset links and their tokens:
# only while debugging. Otherwise nothing is sent.
if not DEBUG and not env.str("EMAIL_URL", default=""):
    EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"

# Embedded, tasks run in-process and no beat asks the lender later: the fake lender pays a
# loan as soon as it has it (docs/deal.md, "The loan").
if not SERVICES_MODE:  # noqa: F405
    FAKE_LENDER_DISBURSE_AFTER_SECONDS = env.int("FAKE_LENDER_DISBURSE_AFTER_SECONDS", default=0)
