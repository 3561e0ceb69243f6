"""The `manage.py` commands of common, one module each (docs/operations.md)."""
