"""Time helpers: every timestamp in the store is timezone-aware UTC.

The clock is a parameter wherever "now" matters, so tests and re-runs are reproducible.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import overload

Clock = Callable[[], datetime]


def utcnow() -> datetime:
    """The current time, timezone-aware, in UTC."""
    return datetime.now(UTC)


def as_utc(value: datetime) -> datetime:
    """``value`` as aware UTC (naive values, as SQLite returns them, are taken to be UTC)."""
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


@overload
def iso_z(value: datetime) -> str: ...
@overload
def iso_z(value: None) -> None: ...
def iso_z(value: datetime | None) -> str | None:
    """ISO 8601 in UTC with a "Z" suffix, as the JSON outputs write times (None stays None)."""
    return as_utc(value).isoformat().replace("+00:00", "Z") if value is not None else None
