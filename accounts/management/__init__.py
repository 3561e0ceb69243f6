"""The `manage.py` commands of accounts, in commands/ (docs/operations.md)."""
