"""The service department's API: free slots, phone codes, bookings (docs/service.md)."""
