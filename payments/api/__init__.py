"""The REST API of payments: its serializers, views and URLs (docs/api.md)."""
