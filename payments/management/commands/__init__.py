"""The `manage.py` commands of payments, one module each (docs/operations.md)."""
