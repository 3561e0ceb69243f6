"""The `manage.py` commands of integrations, one module each (docs/operations.md)."""
