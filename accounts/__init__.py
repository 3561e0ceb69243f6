"""People and their access: users, roles, sign-in by password, JWT and Google, consents, and the
staff's manager records (docs/security.md)."""
