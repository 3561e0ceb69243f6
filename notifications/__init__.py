"""What customers hear of their deal: e-mail and SMS notices, preferences and unsubscribing
(docs/notifications.md)."""
