"""Settings for a developer's machine: what `make run` uses (embedded unless the
environment names services, see `.env.example`)."""

from .base import *  # noqa: F403
from .base import env

# The site as production shows it (its own 404 and 500 pages); DJANGO_DEBUG=true for
# Django's debug pages. With no EMAIL_URL, mail goes to this machine's console
# (config/settings/mail.py), so that a newcomer sees the verification and reset links.
DEBUG = env.bool("DJANGO_DEBUG", default=False)
LANDING_SHOWS_DEMO_LOGINS = True

# Embedded, tasks run in-process and no beat asks the lender later: the fake lender pays a
# loan as soon as it has it (docs/deal.md, "The loan").
if not SERVICES_MODE:  # noqa: F405
    FAKE_LENDER_DISBURSE_AFTER_SECONDS = env.int("FAKE_LENDER_DISBURSE_AFTER_SECONDS", default=0)
