"""The `manage.py` commands of integrations, in commands/ (docs/operations.md)."""
