"""The `manage.py` commands of the back office, in commands/ (docs/operations.md)."""
