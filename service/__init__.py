"""The service department: bays, advisors, rates, operations, maintenance menus and online booking (docs/service.md)."""
