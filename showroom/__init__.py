"""The showroom: events and their seats, test drives, rooms and demo cars (docs/state-machines.md)."""
