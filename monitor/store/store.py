"""The Store handle passed to every stage: an engine plus the settings it was opened with."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy import Connection, Engine

from monitor.store.db import create_store_engine, migrate, transaction


@dataclass
class Store:
    """An open, migrated store. Cheap to create per task; holds no documents in memory."""

    engine: Engine
    url: str

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @contextmanager
    def write(self) -> Iterator[Connection]:
        """A write transaction (SQLite: BEGIN IMMEDIATE)."""
        with transaction(self.engine) as conn:
            yield conn

    @contextmanager
    def read(self) -> Iterator[Connection]:
        """A read-only connection (its transaction is rolled back on exit)."""
        with self.engine.connect() as conn:
            yield conn

    def close(self) -> None:
        self.engine.dispose()


def open_store(url: str, *, migrate_schema: bool = True) -> Store:
    """Open the store at ``url`` and (by default) apply pending migrations."""
    engine = create_store_engine(url)
    if migrate_schema:
        migrate(engine)
    return Store(engine=engine, url=url)
