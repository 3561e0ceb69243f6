"""The `manage.py` commands of orders, one module each (docs/operations.md)."""
