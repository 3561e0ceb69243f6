"""The REST API of the catalog: its serializers, views and URLs (docs/api.md)."""
