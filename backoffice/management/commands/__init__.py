"""The `manage.py` commands of the back office, one module each (docs/operations.md)."""
