"""The REST API of trade-in: its serializers, views and URLs (docs/api.md)."""
