"""The REST API of financing: its serializers, views and URLs (docs/api.md)."""
