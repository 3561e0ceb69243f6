"""The REST API of the CRM: its serializers, views and URLs (docs/api.md)."""
