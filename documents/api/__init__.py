"""The REST API of documents: its serializers, views and URLs (docs/api.md)."""
