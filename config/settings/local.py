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
