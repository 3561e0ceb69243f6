"""Small helpers about database transactions (docs/architecture.md §3.3)."""

from django.db import connections


def in_transaction() -> bool:
    """Whether any database connection of this thread is inside `atomic`, not counting the
    blocks a test case opens around each test."""
    return any(
        not getattr(block, "_from_testcase", False)
        for connection in connections.all(initialized_only=True)
        for block in connection.atomic_blocks
    )


def outside_transaction(what: str) -> None:
    """Refuse to make a network call (a payment provider's, say) inside a transaction: it
    would hold row locks for as long as the network takes, and a rollback could not undo
    it. Reserve (commit), call, settle (commit)."""
    if in_transaction():
        raise RuntimeError(f"{what} must not run inside a database transaction")
