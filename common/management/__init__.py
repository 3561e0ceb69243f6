"""The `manage.py` commands of common, in commands/ (docs/operations.md)."""
