"""The demo data of `make run`: each app's own records, what crosses apps, and ninety days of
history ending today, all made through the apps' services (docs/operations.md, "Demo data")."""
