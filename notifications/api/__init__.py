"""The REST API of notifications: its serializers, views and URLs (docs/api.md)."""
