"""The exception hierarchy of monitor: every failure a caller can act on has a named type.

MonitorError
├── ConfigError          a configuration file or value is invalid (names file, line, field)
├── InputError           a line of command input is malformed (names the line number)
├── StoreError           the database could not be opened, migrated or written
├── FeedFetchError       a feed could not be fetched (network, HTTP status, limits, SSRF guard)
│   └── BlockedAddressError   the URL resolves to an address the SSRF guard refuses
├── FeedParseError       fetched bytes are not a usable feed
└── DeliveryError        a digest could not be delivered

Third-party errors (httpx, feedparser, SQLAlchemy, smtplib) are translated at the
boundary so callers only ever see these.
"""

from __future__ import annotations


class MonitorError(Exception):
    """Base class of every error monitor raises on purpose."""


class ConfigError(MonitorError):
    """A configuration file or setting is invalid.

    ``path``, ``line`` and ``field`` locate the problem as precisely as known.
    """

    def __init__(self, message: str, *, path: str | None = None, line: int | None = None,
                 field: str | None = None) -> None:
        self.message = message
        self.path = path
        self.line = line
        self.field = field
        super().__init__(str(self))

    def __str__(self) -> str:
        where = ""
        if self.path:
            where = self.path
            if self.line is not None:
                where += f":{self.line}"
            where += ": "
        field = f"{self.field}: " if self.field else ""
        return f"{where}{field}{self.message}"


class InputError(MonitorError):
    """A line of JSON Lines input (or a CLI argument) is malformed."""

    def __init__(self, message: str, *, line: int | None = None) -> None:
        self.message = message
        self.line = line
        super().__init__(f"line {line}: {message}" if line is not None else message)


class StoreError(MonitorError):
    """The store could not be opened, migrated or written."""


class FeedFetchError(MonitorError):
    """A feed (or page) could not be fetched. ``reason`` is a short machine-readable code."""

    def __init__(self, message: str, *, url: str | None = None, reason: str = "fetch_error",
                 status: int | None = None, retry_after: float | None = None) -> None:
        self.url = url
        self.reason = reason
        self.status = status
        self.retry_after = retry_after
        super().__init__(message)


class BlockedAddressError(FeedFetchError):
    """The SSRF guard refused a URL because it resolves to a non-public address."""


class FeedParseError(MonitorError):
    """Fetched bytes could not be parsed into a feed with entries."""

    def __init__(self, message: str, *, url: str | None = None, reason: str = "parse_error") -> None:
        self.url = url
        self.reason = reason
        super().__init__(message)


class DeliveryError(MonitorError):
    """A digest could not be delivered to a recipient."""
