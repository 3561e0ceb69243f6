"""The documents app's settings (docs/conventions.md, "Settings"): whether the deal's events
make its documents (docs/documents.md). Their files' storage is config/settings/files.py's."""

from common.environment import env

# The deal's documents (docs/documents.md) are made at their moments by the deal's events;
# off, only on request and from the admin (`seed_demo` turns it off for its history).
DOCUMENTS_ON_EVENTS = env.bool("DOCUMENTS_ON_EVENTS", default=True)
