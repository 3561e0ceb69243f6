"""The settings: base.py gathers one module per concern and each app's own; local, test and
production change only what must differ (docs/conventions.md, "Settings")."""
