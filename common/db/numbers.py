"""Numbers a person can say on the phone: `А-2026-000123` for an order, beside the UUID that
stays the API's id (docs/conventions.md, "Human numbers").

A number is the kind's prefix, the year it was made in the dealership's time zone, and a
serial from a PostgreSQL sequence of its own, six digits at least. A sequence never hands a
value out twice, whatever runs at once, and takes no lock a second buyer waits for; it may
leave a gap where a transaction rolled back, which an order's number may have (a document's
may not: `documents.services.document_number_take`).

The column's database default makes the number (`HumanNumber`), so that every way a row is
made gets one; a hot path that inserts without reading back takes it first
(`number_take`)."""

import re
from typing import Any

from django.conf import settings
from django.db import connections, migrations
from django.db.models import CharField, Field, Func
from django.db.models.sql import Query
from django.utils.translation import gettext_lazy as _

# The function every database with a numbered table has (`number_function`): PostgreSQL
# allows no subquery in a column's default, and the serial is read once to pad it.
FUNCTION = "autosalon_human_number"
_NAME = re.compile(r"^[a-z_]+$")


def _checked(sequence: str) -> str:
    if not _NAME.match(sequence):
        raise ValueError(f"not a sequence name: {sequence!r}")
    return sequence


class HumanNumber(Func):
    """The next number of `sequence`, prefixed: a column's `db_default`. Written as literals,
    not parameters: the default goes into DDL, which binds none."""

    template = FUNCTION + "('%(prefix)s', '%(sequence)s')"
    output_field = CharField()

    def __init__(self, prefix: str, sequence: str):
        if "'" in prefix or "%" in prefix:
            raise ValueError(f"not a prefix: {prefix!r}")
        super().__init__(prefix=prefix, sequence=_checked(sequence))


def number_field(prefix: str, sequence: str) -> CharField[str, str]:
    """The `number` column of a numbered kind: unique, made by the database, never edited."""
    return CharField(
        _("number"),
        max_length=24,
        unique=True,
        editable=False,
        db_default=HumanNumber(prefix, sequence),
    )


def number_take(field: Field[Any, Any], *, using: str) -> str:
    """The next number of `field` (whose `db_default` is a `HumanNumber`), for a row inserted
    by `common.db.insert_rows`, which reads nothing back."""
    default = field.db_default
    assert isinstance(default, HumanNumber), field
    sql, _ = default.as_sql(Query(None).get_compiler(using=using), connections[using])
    with connections[using].cursor() as cursor:
        cursor.execute(f"SELECT {sql}")
        (number,) = cursor.fetchone()
        return str(number)


def number_function() -> migrations.RunSQL:
    """The migration that makes the function in its app's database. The year is the
    dealership's (settings.TIME_ZONE when it runs); the serial never restarts, so a number
    stays unique across years."""
    zone = settings.TIME_ZONE.replace("'", "")
    return migrations.RunSQL(
        f"""
        CREATE OR REPLACE FUNCTION {FUNCTION}(prefix text, sequence regclass) RETURNS text
        LANGUAGE sql VOLATILE AS $$
            SELECT prefix || '-' || to_char(now() AT TIME ZONE '{zone}', 'YYYY') || '-'
                || lpad(serial::text, greatest(6, length(serial::text)), '0')
            FROM nextval(sequence) AS serial
        $$;
        """,
        reverse_sql=migrations.RunSQL.noop,
    )


def sequence_create(sequence: str) -> migrations.RunSQL:
    """The migration that makes a numbering's sequence (before the column that uses it)."""
    name = _checked(sequence)
    return migrations.RunSQL(
        f"CREATE SEQUENCE IF NOT EXISTS {name}", reverse_sql=f"DROP SEQUENCE IF EXISTS {name}"
    )
