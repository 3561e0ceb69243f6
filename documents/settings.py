"""The documents app's settings (docs/conventions.md, "Settings"): whether the deal's events
make its documents (docs/documents.md). Their files' storage is config/settings/files.py's."""

from common.environment import env

# The deal's documents (docs/documents.md) are made at their moments by the deal's events;
# off, only on request and from the admin (`seed_demo` turns it off for its history).
DOCUMENTS_ON_EVENTS = env.bool("DOCUMENTS_ON_EVENTS", default=True)

# How many new offers one order may get in an hour: asked again with nothing changed, the
# customer gets the current one, which makes none (docs/documents.md, "When").
DOCUMENTS_OFFER_MAX_PER_ORDER_PER_HOUR = env.int(
    "DOCUMENTS_OFFER_MAX_PER_ORDER_PER_HOUR", default=10
)
