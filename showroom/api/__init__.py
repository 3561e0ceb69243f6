"""The REST API of the showroom: its serializers, views and URLs (docs/api.md)."""
