"""Orders: reservation, line items, the status machine, links to loans, policies and trade-ins
(docs/architecture.md)."""
