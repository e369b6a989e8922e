"""Fast bulk inserts for seed data: ``executemany`` on SQLite, ``COPY`` on PostgreSQL.

Rows are plain dicts keyed by attname (``owner_id``, not ``owner``): building a million model
instances costs more than writing them. Each column's value is converted the way Django's own
``get_db_prep_save`` converts it (the tests compare the two), with fast paths for the common field
types. Seed rows carry explicit primary keys (:class:`IdBlock`), so rows can point at each other
before they are written; foreign keys are checked at commit (Django declares them DEFERRABLE
INITIALLY DEFERRED on both databases). ``auto_now`` is not applied: a row keeps the timestamps it
was given, so seed data stays reproducible.
"""

from __future__ import annotations

import json
import operator
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from typing import Any

from django.core.management.color import no_style
from django.db import DEFAULT_DB_ALIAS, connections, models

Row = dict[str, Any]


def _identity(value: Any) -> Any:
    return value


def converter(field: models.Field, connection) -> Callable[[Any], Any]:
    """A function turning a Python value into what the driver expects for ``field``."""
    if isinstance(field, models.DateTimeField):
        if connection.vendor == "sqlite":
            tz = connection.timezone  # UTC when USE_TZ

            def sqlite_datetime(value: Any) -> Any:
                if value is None:
                    return None
                if value.tzinfo is None:  # a naive value: let Django warn or convert as it does
                    return field.get_db_prep_save(value, connection)
                return str(value.astimezone(tz).replace(tzinfo=None))

            return sqlite_datetime
        if connection.vendor == "postgresql":
            return _identity  # psycopg sends aware datetimes as timestamptz
    if isinstance(field, models.JSONField):
        encoder = field.encoder

        def to_json(value: Any) -> Any:
            return None if value is None else json.dumps(value, cls=encoder)

        return to_json
    if isinstance(field, (models.CharField, models.TextField, models.BooleanField, models.IntegerField)):
        return _identity  # includes AutoField/BigAutoField; our rows hold str, bool and int already
    if isinstance(field, models.ForeignKey) and isinstance(
        field.target_field, (models.AutoField, models.IntegerField)
    ):
        return _identity
    return lambda value: field.get_db_prep_save(value, connection)


class _Table:
    def __init__(self, model: type[models.Model], connection) -> None:
        self.model = model
        self.fields = list(model._meta.concrete_fields)
        self.attnames = [f.attname for f in self.fields]
        self.converters = [converter(f, connection) for f in self.fields]
        self.getter = operator.itemgetter(*self.attnames)
        self.to_convert = [(i, c) for i, c in enumerate(self.converters) if c is not _identity]
        qn = connection.ops.quote_name
        self.table = qn(model._meta.db_table)
        self.columns = ", ".join(qn(f.column) for f in self.fields)
        self.checked = False

    def values(self, row: Row) -> list[Any]:
        try:
            out = list(self.getter(row))
        except KeyError:  # a column added after the generator was written: its default
            out = [
                row[a] if a in row else f.get_default()
                for f, a in zip(self.fields, self.attnames, strict=True)
            ]
        for i, convert in self.to_convert:
            out[i] = convert(out[i])
        return out

    def check(self, row: Row) -> None:
        unknown = set(row) - set(self.attnames)
        if unknown:
            raise ValueError(f"{self.model.__name__} has no column(s) {', '.join(sorted(unknown))}")
        self.checked = True


def insert_rows(
    model: type[models.Model], rows: list[Row], *, using: str = DEFAULT_DB_ALIAS, batch_size: int = 5000
) -> int:
    """Insert ``rows`` (dicts keyed by attname, primary key included) into ``model``'s table."""
    return _insert(_Table(model, connections[using]), rows, connections[using], batch_size)


def _insert(table: _Table, rows: list[Row], connection, batch_size: int) -> int:
    if not rows:
        return 0
    if not table.checked:
        table.check(rows[0])
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            raw = cursor.cursor  # the psycopg cursor: COPY is not part of the DB-API
            with raw.copy(f"COPY {table.table} ({table.columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(table.values(row))
        else:
            marks = ", ".join(["%s"] * len(table.fields))
            sql = f"INSERT INTO {table.table} ({table.columns}) VALUES ({marks})"  # noqa: S608 - names from the model
            for start in range(0, len(rows), batch_size):
                cursor.executemany(sql, [table.values(row) for row in rows[start : start + batch_size]])
    return len(rows)


class IdBlock:
    """Hands out primary keys above the current maximum of each table."""

    def __init__(self, using: str = DEFAULT_DB_ALIAS) -> None:
        self.using = using
        self._next: dict[type[models.Model], int] = {}

    def take(self, model: type[models.Model]) -> int:
        nxt = self._next.get(model)
        if nxt is None:
            nxt = (model.objects.using(self.using).aggregate(m=models.Max("pk"))["m"] or 0) + 1
        self._next[model] = nxt + 1
        return nxt


class BulkWriter:
    """Buffers seed rows per model and writes them in dependency order on :meth:`flush`."""

    def __init__(
        self, order: Iterable[type[models.Model]], *, using: str = DEFAULT_DB_ALIAS, batch_size: int = 5000
    ) -> None:
        self.connection = connections[using]
        self.order = list(order)
        self.batch_size = batch_size
        self.tables = {m: _Table(m, self.connection) for m in self.order}
        self.buffers: dict[type[models.Model], list[Row]] = {m: [] for m in self.order}
        self.written: dict[type[models.Model], int] = {m: 0 for m in self.order}

    def add(self, model: type[models.Model], row: Row) -> Row:
        self.buffers[model].append(row)
        return row

    def flush(self) -> None:
        for model in self.order:
            rows = self.buffers[model]
            if rows:
                self.written[model] += _insert(self.tables[model], rows, self.connection, self.batch_size)
                self.buffers[model] = []

    def reset_sequences(self) -> None:
        """PostgreSQL: move each id sequence past the explicit ids we wrote."""
        statements = self.connection.ops.sequence_reset_sql(no_style(), self.order)
        if statements:
            with self.connection.cursor() as cursor:
                for sql in statements:
                    cursor.execute(sql)


@contextmanager
def bulk_load_mode(using: str = DEFAULT_DB_ALIAS) -> Any:
    """SQLite: trade durability for speed while loading seed data (a crash means re-running
    ``leadflow demo --reset``). Only outside a transaction, where SQLite allows it."""
    connection = connections[using]
    if connection.vendor != "sqlite" or connection.in_atomic_block:
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA synchronous=OFF")
        cursor.execute("PRAGMA cache_size=-262144")  # 256 MiB of page cache
        cursor.execute("PRAGMA temp_store=MEMORY")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute("PRAGMA cache_size=-2000")


@contextmanager
def indexes_deferred(models_: Iterable[type[models.Model]], using: str = DEFAULT_DB_ALIAS) -> Any:
    """Drop the secondary indexes of empty tables while they are filled, and build them once at the
    end: one sort per index instead of millions of B-tree insertions. Primary keys and unique
    constraints stay (they are part of the table). The indexes come back even if loading fails."""
    connection = connections[using]
    saved: list[tuple[str, str]] = []  # (name, CREATE statement)
    with connection.cursor() as cursor:
        for model in models_:
            table = model._meta.db_table
            cursor.execute(f"SELECT 1 FROM {connection.ops.quote_name(table)} LIMIT 1")  # noqa: S608
            if cursor.fetchone():
                continue  # not empty: leave it alone
            if connection.vendor == "sqlite":
                cursor.execute(
                    "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = %s AND sql IS NOT NULL",
                    [table],
                )
            elif connection.vendor == "postgresql":
                cursor.execute(
                    "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.tablename = %s AND i.schemaname = "
                    "current_schema() AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)",
                    [table],
                )
            else:
                continue
            saved += cursor.fetchall()
        for name, _ in saved:
            cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            for _, create in saved:
                cursor.execute(create)


def analyze(using: str = DEFAULT_DB_ALIAS) -> None:
    """Refresh the query planner's statistics after a bulk load."""
    with connections[using].cursor() as cursor:
        cursor.execute("ANALYZE")
