"""The API's machinery that every app's `api/` uses: the error envelope, JSON rendering and
parsing, authentication, permissions, throttling, pagination, the schema's extensions,
idempotency and the action-view base (docs/api.md, docs/conventions.md "Views")."""
