"""The `manage.py` commands of the exchange with 1C, one module each (docs/operations.md)."""
