"""The integrations app's settings (docs/conventions.md, "Settings"): webhooks' timeouts,
retries, targets and secrets (docs/integrations.md)."""

from common.environment import env

# INTEGRATIONS (docs/integrations.md)
# ------------------------------------------------------------------------------
# Webhooks: each attempt waits this long for an answer; failures are retried with
# exponential back-off and jitter from the base up to the maximum pause, for the retry
# window; a subscription that fails every delivery for the window is disabled.
WEBHOOKS_TIMEOUT_SECONDS = env.float("WEBHOOKS_TIMEOUT_SECONDS", default=10)
WEBHOOKS_RETRY_BASE_SECONDS = env.int("WEBHOOKS_RETRY_BASE_SECONDS", default=30)
WEBHOOKS_RETRY_MAX_SECONDS = env.int("WEBHOOKS_RETRY_MAX_SECONDS", default=4 * 3600)
WEBHOOKS_RETRY_WINDOW_SECONDS = env.int("WEBHOOKS_RETRY_WINDOW_SECONDS", default=24 * 3600)
WEBHOOKS_DISPATCH_BATCH = 500
# Targets: https only when required (production), and no private, loopback or link-local
# address unless it lies in one of these networks (development: this machine).
WEBHOOKS_REQUIRE_HTTPS = env.bool("WEBHOOKS_REQUIRE_HTTPS", default=False)
WEBHOOKS_ALLOWED_NETWORKS = env.list(
    "WEBHOOKS_ALLOWED_NETWORKS", default=["127.0.0.0/8", "::1/128"]
)
# Secrets: encrypted at rest with these Fernet keys (the first encrypts, every one decrypts;
# unset, development and tests derive one from SECRET_KEY, production refuses to start).
# After a rotation the replaced secret still signs, alongside the new one, this long.
WEBHOOKS_SECRETS_KEY = env.list("WEBHOOKS_SECRETS_KEY", default=[])
WEBHOOKS_SECRET_OVERLAP_SECONDS = env.int("WEBHOOKS_SECRET_OVERLAP_SECONDS", default=24 * 3600)

# Feeds (docs/feeds.md): a change of the catalog has them written afresh this long after it,
# once for every change in between. FEEDS_GENERATE_INTERVAL_SECONDS (3600 by default) is how
# often beat writes them anyway.
FEEDS_DEBOUNCE_SECONDS = env.int("FEEDS_DEBOUNCE_SECONDS", default=60)
