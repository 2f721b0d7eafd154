"""Fast inserts of seed rows: COPY on PostgreSQL, executemany elsewhere.

``bulk_create`` spends about 50 µs a row preparing values field by field, which makes
the default demo (about 700,000 rows) take minutes. The seed's rows are plain tuples of
Python values it already knows to be valid, so they go to the database directly:
PostgreSQL's COPY (a few µs a row) or the DB-API's ``executemany`` (SQLite). Columns the
seed does not set get the model field's default, so later fields with defaults need no
change here. Database constraints still check every row.
"""

import csv
import datetime
import io
from contextlib import contextmanager

from django.db import connection
from django.utils import timezone


class TableWriter:
    """Writes tuples of values for ``names`` (attnames) of ``model``, in batches."""

    def __init__(self, model, names, batch_size: int):
        opts = model._meta
        given = [opts.get_field(n) for n in names]
        missing = [f for f in opts.concrete_fields if f.attname not in set(names)]
        self.table = opts.db_table
        self.columns = [f.column for f in given + missing]
        self.nullable = [f.column for f in given + missing if f.null]
        now = timezone.now()
        defaults = []
        for field in missing:
            if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
                value = now
            else:
                value = field.get_default()
            if isinstance(value, datetime.datetime):
                # As text once: converting a datetime for every row costs more than the row.
                value = str(connection.ops.adapt_datetimefield_value(value))
            defaults.append(value)
        self.defaults = tuple(defaults)
        self.batch_size = batch_size
        self.count = 0

    def write(self, rows) -> int:
        use_copy = connection.vendor == "postgresql"
        batch = []
        for row in rows:
            batch.append(row + self.defaults if self.defaults else row)
            if len(batch) == self.batch_size:
                self._flush(batch, use_copy)
                batch = []
        if batch:
            self._flush(batch, use_copy)
        return self.count

    def _flush(self, batch, use_copy) -> None:
        quote = connection.ops.quote_name
        columns = ", ".join(quote(c) for c in self.columns)
        with connection.cursor() as cursor:
            if use_copy:
                # CSV written by the csv module (in C): strings quoted, so a quoted empty
                # string stays "" in NOT NULL columns and becomes NULL in nullable ones.
                data = io.StringIO()
                csv.writer(data, quoting=csv.QUOTE_NONNUMERIC, lineterminator="\n").writerows(batch)
                data.seek(0)
                options = "FORMAT csv"
                if self.nullable:
                    options += f", FORCE_NULL ({', '.join(quote(c) for c in self.nullable)})"
                sql = f"COPY {quote(self.table)} ({columns}) FROM STDIN WITH ({options})"
                if hasattr(cursor, "copy_expert"):  # psycopg2
                    cursor.copy_expert(sql, data)
                else:  # psycopg 3
                    with cursor.copy(sql) as copy:
                        copy.write(data.getvalue())
            else:
                marks = ", ".join(["%s"] * len(self.columns))
                cursor.executemany(
                    f"INSERT INTO {quote(self.table)} ({columns}) VALUES ({marks})", batch
                )
        self.count += len(batch)


@contextmanager
def bulk_load(models):
    """Drop the indexes (and on PostgreSQL the constraints) of ``models`` during a load.

    Updating every index row by row costs more than the insert itself, and so does checking
    each foreign key (Django's deferred constraints check them all at commit); building an
    index or validating a constraint once over the loaded table is several times faster
    (pg_restore does the same). Primary keys and check constraints stay, and SQLite keeps
    its constraints. Runs inside the caller's transaction, so a failure rolls the
    definitions back too.
    """
    tables = [m._meta.db_table for m in models]
    if connection.vendor == "postgresql":
        with _without_postgresql_constraints(tables):
            yield
    elif connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            marks = ", ".join(["%s"] * len(tables))
            cursor.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' "
                f"AND sql IS NOT NULL AND tbl_name IN ({marks}) ORDER BY name",
                tables,
            )
            indexes = cursor.fetchall()
            for name, _ in indexes:
                cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
        yield
        with connection.cursor() as cursor:
            for _, definition in indexes:
                cursor.execute(definition)
    else:
        yield


@contextmanager
def _without_postgresql_constraints(tables):
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            # Unique constraints (unless a foreign key uses them) come back before foreign keys.
            "SELECT c.conrelid::regclass::text, c.conname, pg_get_constraintdef(c.oid) "
            "FROM pg_constraint c WHERE c.conrelid = ANY(%s::regclass[]) AND (c.contype = 'f' "
            "OR (c.contype = 'u' AND NOT EXISTS (SELECT 1 FROM pg_constraint r "
            "WHERE r.contype = 'f' AND r.conindid = c.conindid))) "
            "ORDER BY c.contype DESC, 1, 2",
            [tables],
        )
        constraints = cursor.fetchall()
        cursor.execute(
            "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) "
            "FROM pg_index i WHERE i.indrelid = ANY(%s::regclass[]) AND NOT i.indisprimary "
            "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid) "
            "ORDER BY 1",
            [tables],
        )
        indexes = cursor.fetchall()
        # ALTER TABLE refuses tables with pending deferred checks (e.g. after deletes).
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for table, name, _ in reversed(constraints):
            cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {quote(name)}")
        for name, _ in indexes:
            cursor.execute(f"DROP INDEX {name}")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
    yield
    with connection.cursor() as cursor:
        # Sorting the larger tables' keys in memory builds their indexes in one pass.
        cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for _, definition in indexes:
            cursor.execute(definition)
        for table, name, definition in constraints:
            cursor.execute(f"ALTER TABLE {table} ADD CONSTRAINT {quote(name)} {definition}")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
