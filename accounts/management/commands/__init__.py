"""The `manage.py` commands of accounts, one module each (docs/operations.md)."""
