"""The dealership's clients: leads, their managers, activity timelines and contact people
(docs/crm.md)."""
