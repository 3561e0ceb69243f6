"""The `manage.py` commands of the CRM, in commands/ (docs/operations.md)."""
