"""The REST API of insurance: its serializers, views and URLs (docs/api.md)."""
