"""The REST API of integrations: its serializers, views and URLs (docs/api.md)."""
