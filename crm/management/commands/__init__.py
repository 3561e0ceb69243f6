"""The `manage.py` commands of the CRM, one module each (docs/operations.md)."""
