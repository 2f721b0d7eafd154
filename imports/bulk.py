"""Bulk inserts of plain rows with their edit history, fast on PostgreSQL.

``insert_rows(model, rows, history=...)`` does what ``bulk_create_with_history`` does (the
rows, and a "+" history record each with the user, the change reason and the date) and
returns the new primary keys in order. On PostgreSQL it takes two statements per table:

* ``INSERT ... SELECT ... FROM unnest(%s::type[], ...) RETURNING id``: one array literal
  per column (``'{"a","b"}'``, read by PostgreSQL's array parser: twice as fast as the
  ``ARRAY[...]`` expression psycopg2 makes of a list), instead of a model instance per row
  and Django preparing every field of every instance;
* ``INSERT INTO <history table> SELECT <columns>, <history fields> FROM <table> WHERE id =
  ANY(...)``: the history rows copied by the database from the rows just written, instead
  of a historical model object built in Python for each.

Measured on 2,000 people on the 2-core machine under load: 0.17 s against 1.27 s for
``bulk_create`` plus ``bulk_history_create``; that difference is what lets 70,000 members
be written within the minute. Other databases (SQLite for the quick start) go through
``bulk_create`` and ``bulk_create_with_history`` themselves.
"""

import datetime

from django.db import connection, models
from simple_history.utils import bulk_create_with_history, get_history_model_for_model

# Field types whose Python values psycopg2 adapts as they are (no get_db_prep_save needed);
# DateTimeField is a DateField.
_PLAIN = (
    models.CharField,
    models.TextField,
    models.DateField,
    models.BooleanField,
    models.IntegerField,
    models.ForeignKey,
)
_HISTORY = ("history_date", "history_change_reason", "history_type", "history_user_id")


def fast_path() -> bool:
    return connection.vendor == "postgresql"


def insert_rows(model, rows: list[dict], *, history: dict | None = None) -> list[int]:
    """Insert ``rows`` (field attname -> value; fields left out get their default).

    ``history`` (``{"user", "reason", "date"}``) also records a history row for each.
    Returns the primary keys, in the order of ``rows``.
    """
    if not rows:
        return []
    if not fast_path():
        objs = [model(**row) for row in rows]
        if history is None:
            objs = model._default_manager.bulk_create(objs, batch_size=len(objs))
        else:
            objs = bulk_create_with_history(
                objs,
                model,
                batch_size=len(objs),
                default_user=history["user"],
                default_change_reason=history["reason"],
                default_date=history["date"],
            )
        return [o.pk for o in objs]
    ids = _insert(model, rows)
    if history is not None:
        _copy_to_history(model, ids, **history)
    return ids


def _insert(model, rows: list[dict]) -> list[int]:
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    values = []
    for field in fields:
        if not isinstance(field, _PLAIN):
            raise TypeError(f"{model.__name__}.{field.name}: not a plain field")
        name = field.attname
        if name in rows[0]:
            column = [row[name] for row in rows]
        else:
            column = [field.get_default()] * len(rows)
        values.append(array_literal(column))
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    arrays = ", ".join(f"%s::{f.db_type(connection)}[]" for f in fields)
    sql = (
        f"INSERT INTO {quote(model._meta.db_table)} ({columns}) "
        f"SELECT {columns} FROM unnest({arrays}) WITH ORDINALITY AS t({columns}, _n) "
        f"ORDER BY _n RETURNING {quote(model._meta.pk.column)}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, values)
        return [row[0] for row in cursor.fetchall()]


def _copy_to_history(model, ids, *, user, reason, date) -> None:
    history = get_history_model_for_model(model)
    tracked = {f.attname: f.column for f in model._meta.concrete_fields}
    copied, extra = [], []
    for field in history._meta.concrete_fields:
        if field.primary_key:
            continue
        if field.attname in _HISTORY:
            extra.append(field.attname)
        elif field.attname in tracked:
            copied.append((field.column, tracked[field.attname]))
        else:
            raise TypeError(f"{history.__name__}.{field.name}: unknown history column")
    if sorted(extra) != sorted(_HISTORY):
        raise TypeError(f"{history.__name__}: unexpected history fields {extra}")
    quote = connection.ops.quote_name
    target = ", ".join([*(quote(c) for c, _s in copied), *(quote(c) for c in _HISTORY)])
    source = ", ".join(quote(s) for _c, s in copied)
    sql = (
        f"INSERT INTO {quote(history._meta.db_table)} ({target}) "
        f"SELECT {source}, %s, %s, '+', %s FROM {quote(model._meta.db_table)} "
        f"WHERE {quote(model._meta.pk.column)} = ANY(%s::bigint[])"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [date, reason, user.pk if user else None, array_literal(ids)])


def _element(value) -> str:
    if value is None:
        return "NULL"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, datetime.date):
        return f'"{value.isoformat()}"'
    text = str(value)
    if "\\" in text or '"' in text:
        text = text.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{text}"'


def array_literal(values) -> str:
    """``values`` as a PostgreSQL array literal: ``{"a","b",NULL}``."""
    if values and all(type(v) is str for v in values):
        # Text columns without quotes or backslashes (nearly all of them): one join.
        joined = '","'.join(values)
        # Every quote is then a separator's: no value holds one.
        if "\\" not in joined and joined.count('"') == 2 * (len(values) - 1):
            return '{"' + joined + '"}'
    return "{" + ",".join(map(_element, values)) + "}"
