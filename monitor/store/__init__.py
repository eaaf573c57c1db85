"""The store: SQLite or PostgreSQL through SQLAlchemy 2, schema managed by Alembic."""

from monitor.store import tables
from monitor.store.db import (
    create_store_engine,
    in_chunks,
    insert_ignore,
    insert_ignore_bulk,
    migrate,
    schema_is_current,
    scratch_schema,
    transaction,
    with_retry,
)
from monitor.store.store import Store, open_store

__all__ = [
    "Store",
    "create_store_engine",
    "in_chunks",
    "insert_ignore",
    "insert_ignore_bulk",
    "migrate",
    "open_store",
    "schema_is_current",
    "scratch_schema",
    "tables",
    "transaction",
    "with_retry",
]
