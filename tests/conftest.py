"""Shared fixtures: a fresh store per test (SQLite, or PostgreSQL when MONITOR_TEST_DATABASE_URL
names a server), the demo site served on 127.0.0.1, and settings pointing at both.

`make test` runs the suite on SQLite; `.ci/run` runs it again with MONITOR_TEST_DATABASE_URL set.
On PostgreSQL each test gets its own schema (via search_path), dropped afterwards.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from monitor.config import Settings, load_settings
from monitor.demo import DEMO_DIR, serve_directory
from monitor.store import Store, open_store, scratch_schema

ROOT = Path(__file__).resolve().parent.parent
SHARED_DATA = Path(os.environ.get("MONITOR_SHARED_DATA", ROOT.parent / "shared" / "data"))
PG_URL = os.environ.get("MONITOR_TEST_DATABASE_URL")


def backend() -> str:
    return "postgresql" if PG_URL else "sqlite"


@contextmanager
def fresh_database(tmp_dir: Path) -> Iterator[str]:
    """A URL to an empty database of the backend under test (removed afterwards on PostgreSQL)."""
    if not PG_URL:
        yield f"sqlite:///{tmp_dir / 'store.db'}"
        return
    with scratch_schema(PG_URL) as url:
        yield url


@pytest.fixture
def database_url(tmp_path: Path) -> Iterator[str]:
    """A URL to an empty database of the backend under test."""
    with fresh_database(tmp_path) as url:
        yield url


@pytest.fixture
def store(database_url: str) -> Iterator[Store]:
    """A fresh, migrated store."""
    s = open_store(database_url)
    try:
        yield s
    finally:
        s.close()


@pytest.fixture(scope="session")
def demo_base_url() -> Iterator[str]:
    """The bundled demo site (config/demo/site) served on 127.0.0.1."""
    with serve_directory(DEMO_DIR / "site") as base:
        yield base


@pytest.fixture
def demo_env(tmp_path: Path, database_url: str, demo_base_url: str,
             monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """Environment for running the pipeline (library, CLI or DAGs) on the demo corpus."""
    env = {
        "MONITOR_DEMO_BASE": demo_base_url,
        "MONITOR_FEEDS": str(DEMO_DIR / "feeds.yaml"),
        "MONITOR_DATA_DIR": str(tmp_path / "data"),
        "MONITOR_DATABASE_URL": database_url,
        "MONITOR_HTTP__ALLOW_PRIVATE_NETWORKS": "true",
    }
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    monkeypatch.delenv("MONITOR_CONFIG", raising=False)
    return env


@pytest.fixture
def demo_settings(demo_env: dict[str, str]) -> Settings:
    """Settings for a full cycle on the demo corpus against the store under test."""
    return load_settings(env=demo_env)


def shared_data_or_skip(*parts: str) -> Path:
    """A path under ../shared/data, or skip the test with a clear message when it is absent."""
    p = SHARED_DATA.joinpath(*parts)
    if not p.exists():
        pytest.skip(f"shared evaluation data not found at {p} (set MONITOR_SHARED_DATA)")
    return p
