"""The REST API of orders: its serializers, views and URLs (docs/api.md)."""
