"""Reactions to other apps' events: none yet (docs/service.md, "Not built yet")."""
