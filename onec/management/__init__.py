"""The `manage.py` commands of the exchange with 1C, in commands/ (docs/operations.md)."""
