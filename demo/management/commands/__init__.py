"""The `manage.py` commands of the demo data, one module each (docs/operations.md)."""
