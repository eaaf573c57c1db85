"""robots.txt for article fetching: fetched once per host and run with the feed HTTP client rules,
parsed with urllib.robotparser, and kept in a cache object the caller owns (RFC 9309 semantics)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from urllib.parse import urlsplit
from urllib.robotparser import RobotFileParser

import httpx

from monitor.config import HttpSettings
from monitor.fetch import FetchRequest, FetchResult, fetch_all

# RFC 9309 §2.3.1.4: a robots.txt that cannot be reached (5xx, network error) means "disallow all"
# for now; one that does not exist (4xx) means "allow all".


@dataclass(slots=True)
class HostRules:
    """What one host's robots.txt says for our user agent."""

    allow_all: bool = False
    disallow_all: bool = False
    parser: RobotFileParser | None = None
    crawl_delay: float | None = None
    note: str = ""  # why: "no robots.txt (404)", "robots.txt unreachable: ...", ""

    def allows(self, url: str, agent: str) -> bool:
        if self.disallow_all:
            return False
        if self.allow_all or self.parser is None:
            return True
        return self.parser.can_fetch(agent, url)


def rules_from_result(res: FetchResult, agent: str) -> HostRules:
    """Turn a robots.txt fetch into rules for ``agent``."""
    if res.ok:
        parser = RobotFileParser()
        parser.parse(res.content.decode("utf-8", errors="replace").splitlines())
        delay = parser.crawl_delay(agent)
        return HostRules(parser=parser, crawl_delay=float(delay) if delay is not None else None)
    if res.status is not None and 400 <= res.status < 500 and res.status != 429:
        return HostRules(allow_all=True, note=f"no robots.txt (HTTP {res.status})")
    if res.reason in ("blocked_address", "bad_url"):
        # Our own rules refused the request: the page request will be refused the same way, and
        # recorded with that reason rather than as a robots.txt refusal.
        return HostRules(allow_all=True, note=f"robots.txt not requested: {res.error}")
    return HostRules(disallow_all=True, note=f"robots.txt unreachable: {res.error or res.status}")


@dataclass(slots=True)
class RobotsCache:
    """robots.txt rules per host (scheme + host + port), fetched on first need. One per run or worker:
    it is plain state passed to whoever fetches pages, never a module-level cache."""

    http: HttpSettings
    agent: str
    transport: httpx.AsyncBaseTransport | None = None
    hosts: dict[str, HostRules] = field(default_factory=dict)

    @staticmethod
    def key(url: str) -> str:
        parts = urlsplit(url)
        return f"{parts.scheme}://{parts.netloc.lower()}"

    def missing(self, urls: Iterable[str]) -> list[str]:
        """Hosts (keys) of ``urls`` whose rules are not cached yet."""
        return sorted({self.key(u) for u in urls} - set(self.hosts))

    def load(self, host_keys: Iterable[str]) -> list[FetchResult]:
        """Fetch robots.txt of ``host_keys`` (one request per host, all hosts at once)."""
        reqs = [FetchRequest(key=f"robots:{k}", url=f"{k}/robots.txt") for k in host_keys if k not in self.hosts]
        results = fetch_all(reqs, self.http, self.transport) if reqs else []
        for req, res in zip(reqs, results, strict=True):
            self.hosts[req.key.removeprefix("robots:")] = rules_from_result(res, self.agent)
        return results

    def rules(self, url: str) -> HostRules:
        k = self.key(url)
        if k not in self.hosts:
            self.load([k])
        return self.hosts[k]

    def allows(self, url: str) -> bool:
        return self.rules(url).allows(url, self.agent)


__all__ = ["HostRules", "RobotsCache", "rules_from_result"]
