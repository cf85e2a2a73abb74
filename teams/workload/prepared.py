"""Querysets compiled once and run again with other values.

Recalculating one school after a change runs the same few queries every time.
Building and compiling such a queryset with the ORM costs about as much as
running it, so :class:`Prepared` compiles each query once per *shape* (how
many values each list holds) and afterwards only fills in the values. The
queries stay written with the ORM, in one place, in the module that uses them.

How it works: the queryset is built once with marker numbers in place of the
real values and compiled; the positions of the markers among the SQL
parameters say where each value goes. Rows come back converted as the ORM
would convert them (decimals on SQLite, for instance). The values must be
compared with primary or foreign keys: the markers lie far outside what a
smaller integer column holds, and a query that loses one is refused. The
compiled SQL is kept per process, for the default database.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from functools import lru_cache
from typing import Any, cast

from django.core.exceptions import EmptyResultSet
from django.db import connections, router
from django.db.models import Field, Model, QuerySet

# Marker values: far below any primary key or year, so a real parameter never looks like one.
_MARKER = -(10**15)

Values = int | Sequence[int]


class Prepared:
    """A values_list queryset, built by ``build`` from ints and lists of ints, compiled once
    per shape of its arguments."""

    def __init__(self, build: Callable[..., QuerySet[Any, Any]]) -> None:
        self.build = build
        self._compiled = lru_cache(maxsize=128)(self._compile)

    def rows(self, *args: Values) -> Iterator[tuple[Any, ...]]:
        shape = tuple(None if isinstance(a, int) else len(a) for a in args)
        flat = [v for a in args for v in ((a,) if isinstance(a, int) else a)]
        using, sql, slots, fixed, converters = self._compiled(shape)
        if sql is None:  # nothing can match (only empty lists)
            return
        params = [
            flat[slot] if slot is not None else value
            for slot, value in zip(slots, fixed, strict=True)
        ]
        connection = connections[using]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        if not converters:
            yield from rows
            return
        for row in rows:
            values = list(row)
            for pos, (convs, expression) in converters:
                value = values[pos]
                for convert in convs:
                    value = convert(value, expression, connection)
                values[pos] = value
            yield tuple(values)

    def _compile(self, shape: tuple[int | None, ...]) -> tuple[Any, ...]:
        markers: list[Values] = []
        slot = 0
        for size in shape:
            if size is None:
                markers.append(_MARKER - slot)
                slot += 1
            else:
                markers.append([_MARKER - slot - i for i in range(size)])
                slot += size
        queryset = self.build(*markers)
        compiler = queryset.query.get_compiler(queryset.db)
        try:
            sql, params = compiler.as_sql()
        except EmptyResultSet:
            if 0 not in shape:  # a marker the ORM judged impossible, not an empty list
                raise TypeError("Prepared takes only values compared with keys") from None
            return queryset.db, None, [], [], []
        slots = [
            _MARKER - p if type(p) is int and _MARKER - slot < p <= _MARKER else None
            for p in params
        ]
        if 0 not in shape and set(range(slot)) - set(slots):
            # The ORM dropped or folded a condition on a value: the SQL would not use it.
            raise TypeError("Prepared takes only values compared with keys")
        fields = [s[0] for s in compiler.select[: compiler.col_count]]
        converters = list(compiler.get_converters(fields).items())
        return queryset.db, sql, slots, list(params), converters


class Upsert:
    """``INSERT … ON CONFLICT (unique) DO UPDATE`` of model instances, its SQL written once
    per number of rows (``bulk_create(update_conflicts=True)`` builds it on every call)."""

    def __init__(self, model: type[Model], unique: Sequence[str], update: Sequence[str]) -> None:
        self.model = model
        self.unique = [cast("Field[Any, Any]", model._meta.get_field(name)) for name in unique]
        self.update = [cast("Field[Any, Any]", model._meta.get_field(name)) for name in update]
        self.fields = [*self.unique, *self.update]
        self._sql = lru_cache(maxsize=16)(self._write_sql)

    def run(self, objs: Sequence[Model]) -> None:
        if not objs:
            return
        connection = connections[router.db_for_write(self.model)]
        params = [
            field.get_db_prep_save(getattr(obj, field.attname), connection)
            for obj in objs
            for field in self.fields
        ]
        width = len(self.fields)
        per_statement = max(1, 900 // width)  # within SQLite's limit on parameters
        with connection.cursor() as cursor:
            for start in range(0, len(objs), per_statement):
                count = min(per_statement, len(objs) - start)
                cursor.execute(
                    self._sql(count, connection.alias),
                    params[start * width : (start + count) * width],
                )

    def _write_sql(self, count: int, alias: str) -> str:
        quote = connections[alias].ops.quote_name
        columns = ", ".join(quote(str(field.column)) for field in self.fields)
        row = "(" + ", ".join(["%s"] * len(self.fields)) + ")"
        conflict = ", ".join(quote(str(field.column)) for field in self.unique)
        updates = ", ".join(
            f"{quote(str(field.column))} = EXCLUDED.{quote(str(field.column))}"
            for field in self.update
        )
        return (
            f"INSERT INTO {quote(self.model._meta.db_table)} ({columns}) "  # noqa: S608
            f"VALUES {', '.join([row] * count)} ON CONFLICT ({conflict}) DO UPDATE SET {updates}"
        )
