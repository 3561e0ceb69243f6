"""The `manage.py` commands of the demo data, in commands/ (docs/operations.md)."""
