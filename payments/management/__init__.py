"""The `manage.py` commands of payments, in commands/ (docs/operations.md)."""
