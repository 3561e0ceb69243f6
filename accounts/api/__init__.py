"""The REST API of accounts: its serializers, views and URLs (docs/api.md)."""
