"""What every app shares and none owns: the event backbone, the database router, the API's
envelope, the admin's site, operations (docs/architecture.md)."""
