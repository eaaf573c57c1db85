"""The store: migrations create exactly the declared schema on SQLite and PostgreSQL, and the
idempotent writes every stage relies on insert nothing twice."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import func, select

from monitor.errors import StoreError
from monitor.store import Store, insert_ignore, open_store, schema_is_current
from monitor.store.tables import feeds, metadata

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


def _feed(name: str) -> dict[str, object]:
    return {"name": name, "url": f"https://example.org/{name}.xml", "outlet": name, "tags": [],
            "enabled": True, "consecutive_failures": 0, "created_at": NOW}


def test_migrations_create_exactly_the_declared_schema(store: Store) -> None:
    with store.engine.connect() as conn:
        diffs = compare_metadata(MigrationContext.configure(conn), metadata)
    assert diffs == []


def test_schema_is_current_after_open(store: Store) -> None:
    assert schema_is_current(store.engine)


def test_opening_twice_migrates_nothing_and_keeps_data(store: Store, database_url: str) -> None:
    with store.write() as conn:
        insert_ignore(conn, feeds, [_feed("a")], ["name"])
    again = open_store(database_url)
    with again.read() as conn:
        assert conn.execute(select(func.count()).select_from(feeds)).scalar_one() == 1
    again.close()


def test_insert_ignore_skips_existing_keys_and_counts_new_rows(store: Store) -> None:
    with store.write() as conn:
        assert insert_ignore(conn, feeds, [_feed("a"), _feed("b")], ["name"]) == 2
    with store.write() as conn:
        assert insert_ignore(conn, feeds, [_feed("b"), _feed("c")], ["name"]) == 1
    with store.read() as conn:
        names = [r[0] for r in conn.execute(select(feeds.c.name).order_by(feeds.c.name))]
    assert names == ["a", "b", "c"]


def test_a_failed_write_transaction_leaves_nothing_behind(store: Store) -> None:
    with pytest.raises(RuntimeError), store.write() as conn:
        insert_ignore(conn, feeds, [_feed("x")], ["name"])
        raise RuntimeError("crash in the middle of a stage")
    with store.read() as conn:
        assert conn.execute(select(func.count()).select_from(feeds)).scalar_one() == 0


def test_concurrent_writers_both_succeed_without_duplicates(store: Store, database_url: str) -> None:
    other = open_store(database_url, migrate_schema=False)
    errors: list[BaseException] = []

    def write(s: Store, names: list[str]) -> None:
        try:
            for n in names:
                with s.write() as conn:
                    insert_ignore(conn, feeds, [_feed(n)], ["name"])
        except BaseException as e:  # collected and asserted below
            errors.append(e)

    shared = [f"feed-{i}" for i in range(40)]
    threads = [threading.Thread(target=write, args=(s, shared)) for s in (store, other)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    other.close()
    assert errors == []
    with store.read() as conn:
        assert conn.execute(select(func.count()).select_from(feeds)).scalar_one() == 40


def test_an_invalid_database_url_is_a_store_error() -> None:
    with pytest.raises(StoreError, match="invalid database URL"):
        open_store("not a url at all")
