"""OSAGO and KASKO: quotes, policies and claims (docs/deal.md)."""
