"""The databases: one per domain app and its router (databases.py), the PostgreSQL backend
with its pools (postgresql/), and helpers about transactions and bulk inserts
(transactions.py; docs/architecture.md §3.1, docs/operations.md "Connections")."""
