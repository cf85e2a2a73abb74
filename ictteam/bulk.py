"""Inserting many rows fast, for imports and benchmark data.

``QuerySet.bulk_create`` runs every value of every row through the field
API, which for tens of thousands of rows costs more than the work around
it. ``insert_rows`` takes values that are already in database form and
sends the same multi-row INSERT statements.
"""

from collections.abc import Sequence
from typing import Any

from django.db import connection, models

MAX_ROWS_PER_STATEMENT = 1000


def _column(model: type[models.Model], name: str) -> str:
    field = model._meta.get_field(name)
    assert isinstance(field, models.Field) and field.column
    return field.column


def insert_rows(
    model: type[models.Model], fields: Sequence[str], rows: Sequence[Sequence[Any]]
) -> None:
    """Insert ``rows`` (values in ``fields`` order, ready for the database) into ``model``'s table.

    Values must already be what the driver expects: ids for foreign keys,
    Decimals, text, booleans, and timestamps adapted with the field's
    ``get_db_prep_save``. No signals are sent and no ids are returned.
    """
    if not rows:
        return
    meta = model._meta
    quote = connection.ops.quote_name
    columns = ", ".join(quote(_column(model, name)) for name in fields)
    placeholders = "(" + ", ".join(["%s"] * len(fields)) + ")"
    limit = connection.features.max_query_params or 65_535
    per_statement = max(1, min(MAX_ROWS_PER_STATEMENT, limit // len(fields)))
    with connection.cursor() as cursor:
        for start in range(0, len(rows), per_statement):
            chunk = rows[start : start + per_statement]
            cursor.execute(
                f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES "  # noqa: S608
                + ", ".join([placeholders] * len(chunk)),
                [value for row in chunk for value in row],
            )
