"""The `manage.py` commands of orders, in commands/ (docs/operations.md)."""
