"""Which kind of process this is: web, ws, worker, relay, beat or command (docs/operations.md,
"Connections"). Its database pools are sized for the kind, and every connection it opens
names it to PostgreSQL as `autosalon-<kind>` (`application_name`), so that an operator can
tell whose connections they are.

`AUTOSALON_PROCESS_KIND` wins: `config.servers` sets it for the servers it starts, whose
command lines are granian's and uvicorn's. Otherwise the command line tells: `celery ...
worker`, `celery ... beat`, `manage.py events_relay`; anything else is a command.

This module imports nothing of Django's: the settings read it."""

import os
from collections.abc import Mapping, Sequence

KINDS = ("web", "ws", "worker", "relay", "beat", "command")
ENVIRONMENT_VARIABLE = "AUTOSALON_PROCESS_KIND"


def process_kind(argv: Sequence[str], environ: Mapping[str, str] | None = None) -> str:
    environ = os.environ if environ is None else environ
    declared = environ.get(ENVIRONMENT_VARIABLE, "")
    if declared:
        if declared not in KINDS:
            raise ValueError(f"{ENVIRONMENT_VARIABLE}={declared!r}: expected one of {KINDS}")
        return declared
    program = argv[0] if argv else ""
    words = list(argv[1:])
    # `celery ...` and `python -m celery ...`, whose argv[0] is celery/__main__.py
    if os.path.basename(program) == "celery" or program.endswith("celery/__main__.py"):
        return next((word for word in words if word in ("worker", "beat")), "command")
    if program.endswith("manage.py") and words[:1] == ["events_relay"]:
        return "relay"
    return "command"
