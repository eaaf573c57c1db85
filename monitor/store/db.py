"""Opening the store: engine creation, SQLite pragmas, Alembic migrations, idempotent inserts.

SQLite (default, one WAL file) and PostgreSQL are both first-class; everything dialect
specific lives here.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import Connection, Engine, Table, create_engine, event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError, SQLAlchemyError

from monitor.errors import StoreError

_T = TypeVar("_T")

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    # Let SQLAlchemy, not the sqlite3 module, decide when transactions begin (see _sqlite_begin).
    dbapi_conn.isolation_level = None
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.close()


def _sqlite_begin(conn: Connection) -> None:
    # Writers take the lock up front, so two writers queue on busy_timeout instead of one
    # failing with "database is locked" when it upgrades a read lock.
    immediate = conn.get_execution_options().get("immediate", False)
    conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def create_store_engine(url: str) -> Engine:
    """An engine for ``url``; SQLite gets WAL, foreign keys and a generous busy timeout."""
    try:
        parsed = make_url(url)
    except Exception as e:  # sqlalchemy raises ArgumentError with a terse message
        raise StoreError(f"invalid database URL {url!r}: {e}") from None
    if parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    if parsed.drivername.startswith("sqlite"):
        db = parsed.database
        if db and db != ":memory:":
            Path(db).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(parsed, connect_args={"timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    try:
        return create_engine(parsed, pool_pre_ping=True)
    except Exception as e:
        raise StoreError(f"cannot open database {parsed.render_as_string(hide_password=True)}: {e}") from None


def migrate(engine: Engine) -> None:
    """Bring the schema up to date (every Alembic head). Safe to call on every start."""
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    try:
        with engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "heads")
    except SQLAlchemyError as e:
        raise StoreError(f"database migration failed: {e}") from e


def schema_is_current(engine: Engine) -> bool:
    """True when every Alembic head has been applied."""
    from alembic.config import Config
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    heads = set(ScriptDirectory.from_config(cfg).get_heads())
    with engine.connect() as conn:
        current = set(MigrationContext.configure(conn).get_current_heads())
    return heads == current


def insert_ignore(conn: Connection, table: Table, rows: Sequence[dict[str, Any]],
                  conflict: Sequence[str]) -> int:
    """Insert ``rows``, silently skipping those whose ``conflict`` key already exists.

    Returns the number of rows actually inserted. This is the idempotent write every
    stage uses: a re-run or a retried task inserts nothing twice.
    """
    if not rows:
        return 0
    dialect = conn.dialect.name
    stmt: sqlite.Insert | postgresql.Insert
    if dialect == "sqlite":
        stmt = sqlite.insert(table).on_conflict_do_nothing(index_elements=list(conflict))
    elif dialect == "postgresql":
        stmt = postgresql.insert(table).on_conflict_do_nothing(index_elements=list(conflict))
    else:  # pragma: no cover - only the two supported dialects
        raise StoreError(f"unsupported database dialect {dialect}")
    # RETURNING counts the rows really inserted, on both dialects and for executemany alike
    # (rowcount is unreliable for batched inserts on PostgreSQL).
    key_col = table.c[conflict[0]]
    result = conn.execute(stmt.returning(key_col), list(rows))
    return len(result.all())


def insert_ignore_bulk(conn: Connection, table: Table, rows: Sequence[dict[str, Any]],
                       conflict: Sequence[str]) -> None:
    """``insert_ignore`` for many rows whose inserted count nobody needs (index rows): one
    driver executemany, since SQLAlchemy's per-row parameter handling and RETURNING cost
    more than the inserts themselves. Every row must have the first row's columns."""
    if not rows:
        return
    columns = list(rows[0])
    quote = conn.dialect.identifier_preparer.quote
    marker = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    sql = (f"INSERT INTO {quote(table.name)} ({', '.join(map(quote, columns))}) "
           f"VALUES ({', '.join([marker] * len(columns))}) "
           f"ON CONFLICT ({', '.join(map(quote, conflict))}) DO NOTHING")
    conn.exec_driver_sql(sql, [tuple(r[c] for c in columns) for r in rows])


def with_retry(fn: Callable[[], _T], *, attempts: int = 8, delay: float = 0.2) -> _T:
    """Run ``fn``, retrying when SQLite reports the database locked or PostgreSQL a
    serialization failure/deadlock; other errors propagate at once."""
    for i in range(attempts):
        try:
            return fn()
        except OperationalError as e:
            msg = str(e.orig).lower() if e.orig is not None else str(e).lower()
            transient = ("locked" in msg or "busy" in msg or "deadlock" in msg
                         or "could not serialize" in msg)
            if not transient or i == attempts - 1:
                raise
            time.sleep(delay * (2**i))
    raise AssertionError("unreachable")


@contextmanager
def transaction(engine: Engine) -> Iterator[Connection]:
    """A connection in a write transaction; on SQLite it takes the write lock up front
    (BEGIN IMMEDIATE) so concurrent writers wait on busy_timeout instead of failing."""
    with engine.connect().execution_options(immediate=True) as conn, conn.begin():
        yield conn


def in_chunks(values: Sequence[_T], size: int = 500) -> Iterator[list[_T]]:
    """``values`` in lists of at most ``size``: IN lists far inside SQLite's and PostgreSQL's
    limits on bound parameters per statement."""
    for start in range(0, len(values), size):
        yield list(values[start:start + size])


@contextmanager
def scratch_schema(pg_url: str, prefix: str = "t") -> Iterator[str]:
    """A URL to a new, empty schema of a PostgreSQL database, dropped with its contents on exit:
    isolated stores for tests and benchmarks that share one server."""
    import uuid

    from sqlalchemy import text

    schema = f"{prefix}_{uuid.uuid4().hex[:12]}"
    admin = create_engine(pg_url)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield make_url(pg_url).update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(
            hide_password=False)
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()
