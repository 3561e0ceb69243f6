"""Operations: health checks, metrics and logging (docs/operations.md)."""
