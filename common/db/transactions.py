"""Small helpers about database transactions (docs/architecture.md §3.3), and the inserts of
the hot write paths (docs/conventions.md, "Hot paths")."""

from collections.abc import Sequence
from typing import Any

from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Field, Model
from django.db.models.expressions import DatabaseDefault

from common.db.pools import idle_connections_return


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


_insert_statements: dict[tuple[type[Model], str], tuple[str, tuple[Field[Any, Any], ...]]] = {}


def _column(field: Field[Any, Any]) -> str:
    """A concrete field's column, which it has: that is what makes a field concrete."""
    assert field.column is not None
    return field.column


def _insert_statement(
    model: type[Model], connection: BaseDatabaseWrapper
) -> tuple[str, tuple[Field[Any, Any], ...]]:
    """`INSERT INTO table (every column) VALUES (%s, ...)` for one row of `model`, and the
    fields in column order; built once per model and database."""
    key = (model, connection.alias)
    if key not in _insert_statements:
        quote = connection.ops.quote_name
        fields = tuple(model._meta.local_concrete_fields)
        columns = ", ".join(quote(_column(field)) for field in fields)
        placeholders = ", ".join(["%s"] * len(fields))
        sql = f"INSERT INTO {quote(model._meta.db_table)} ({columns}) VALUES ({placeholders})"
        _insert_statements[key] = sql, fields
    return _insert_statements[key]


def _value(row: Model, field: Field[Any, Any], connection: BaseDatabaseWrapper) -> Any:
    # A time the caller stamped already (an event's payload carries it) is kept.
    stamped = getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)
    value = getattr(row, field.attname) if stamped else None
    if value is None:
        value = field.pre_save(row, True)
    if isinstance(value, DatabaseDefault):  # nothing is read back: take it first
        raise ValueError(
            f"{type(row).__name__}.{field.name} is left to its database default, which "
            "insert_rows cannot read back: set it first (common.db.numbers.number_take)"
        )
    return field.get_db_prep_save(value, connection)


def insert_rows(rows: list[Model], *, using: str, then: str = "") -> None:
    """Insert new model instances as `save()` would (defaults from the constructor, `auto_now`
    fields stamped unless the caller stamped them), and run `then` after them, a statement
    without parameters (a NOTIFY): in one round trip, one query of several statements, which
    Django's client-side parameter binding allows. For the hot write paths only (docs/conventions.md,
    "Hot paths"): no `pre_save`/`post_save` signal is sent and the primary key is the
    client's own, never read back."""
    connection = connections[using]
    statements = []
    for row in rows:
        sql, fields = _insert_statement(type(row), connection)
        values = [_value(row, field, connection) for field in fields]
        statements.append((sql, values))
        row._state.adding, row._state.db = False, using
    if then:
        statements.append((then, []))
    with connection.cursor() as cursor:
        if not connection.settings_dict["OPTIONS"].get("server_side_binding"):
            cursor.execute(
                ";\n".join(sql for sql, _ in statements),
                [value for _, values in statements for value in values],
            )
        else:
            for sql, values in statements:
                cursor.execute(sql, values)


def update_rows(rows: Sequence[Model], fields: Sequence[str], *, using: str) -> int:
    """Write `fields` of saved model instances, and their `auto_now` fields stamped as `save()`
    would, in one `UPDATE … FROM (VALUES …)`: where Django's `bulk_update` builds a CASE per
    field and row, which takes seconds of CPU for the thousands of rows a batch of the
    exchange with 1C changes (docs/1c.md). Plain values only, no expression; no signal.
    Returns the rows updated."""
    if not rows:
        return 0
    model, connection = type(rows[0]), connections[using]
    options, quote = model._meta, connection.ops.quote_name
    stamped = [
        field.name
        for field in options.concrete_fields
        if getattr(field, "auto_now", False) and field.name not in fields
    ]
    columns: list[Field[Any, Any]] = [options.pk]
    for name in [*fields, *stamped]:
        field = options.get_field(name)
        assert isinstance(field, Field), f"{name} is not a column of {model.__name__}"
        columns.append(field)
    values, params = [], []
    for row in rows:
        values.append("(" + ", ".join(["%s"] * len(columns)) + ")")
        for field in columns:
            value = field.pre_save(row, False) if field.name in stamped else None
            value = getattr(row, field.attname) if value is None else value
            params.append(field.get_db_prep_save(value, connection))
    names = [quote(_column(field)) for field in columns]
    sets = ", ".join(
        f"{name} = v.{name}::{field.db_type(connection)}"
        for name, field in zip(names[1:], columns[1:], strict=True)
    )
    sql = (
        f"UPDATE {quote(options.db_table)} AS t SET {sets} "
        f"FROM (VALUES {', '.join(values)}) AS v ({', '.join(names)}) "
        f"WHERE t.{names[0]} = v.{names[0]}::{options.pk.db_type(connection)}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        updated: int = cursor.rowcount
        return updated


def turn_take(name: str, *, using: str) -> None:
    """Wait for the turn called `name` on database `using`, held until the transaction ends:
    a PostgreSQL advisory lock on the name's hash, for work that has no row to lock (the
    first policy of an order, the next lead's manager, one person's bookings). Call inside
    `atomic(using=using)`.

    Before it waits, the thread gives back its idle connections to the other databases
    (common/db/pools.py): whoever holds the turn may need one."""
    idle_connections_return(keep=using)
    with connections[using].cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", [name])
