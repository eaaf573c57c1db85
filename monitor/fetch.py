"""Fetching feeds over HTTP with httpx: bounded concurrency, conditional GET, a total deadline,
a cap on the decompressed body. Failures are returned as data (FetchResult.error), never raised,
so one bad feed never stops a batch. The transport is injectable for tests."""

from __future__ import annotations

import asyncio
import ipaddress
import socket
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

import httpx

from monitor.config import HttpSettings
from monitor.errors import BlockedAddressError, FeedFetchError


@dataclass(frozen=True, slots=True)
class FetchRequest:
    """What to fetch, with the validators from the previous successful fetch."""

    key: str  # caller's id for the request (e.g. the feed name)
    url: str
    etag: str | None = None
    last_modified: str | None = None


@dataclass(slots=True)
class FetchResult:
    key: str
    url: str
    status: int | None = None
    content: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    final_url: str | None = None
    permanent_redirect: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    error: str | None = None
    reason: str | None = None  # short code: timeout, http_status, too_large, blocked_address, ...
    duration_ms: int = 0

    @property
    def ok(self) -> bool:
        return self.error is None and self.status is not None and 200 <= self.status < 300

    @property
    def not_modified(self) -> bool:
        return self.error is None and self.status == 304


def check_public_address(url: str) -> None:
    """Raise BlockedAddressError if ``url``'s host resolves to a non-public address."""
    host = urlsplit(url).hostname
    if not host:
        raise BlockedAddressError(f"no host in URL {url!r}", url=url, reason="blocked_address")
    try:
        infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except socket.gaierror as e:
        raise FeedFetchError(f"cannot resolve {host}: {e.strerror}", url=url, reason="dns") from None
    for info in infos:
        ip = ipaddress.ip_address(info[4][0])
        if not ip.is_global or ip.is_multicast:
            raise BlockedAddressError(
                f"{host} resolves to non-public address {ip}; set http.allow_private_networks "
                "or pass --allow-private-networks to allow it", url=url, reason="blocked_address")


async def _fetch_one(client: httpx.AsyncClient, req: FetchRequest, settings: HttpSettings) -> FetchResult:
    result = FetchResult(key=req.key, url=req.url)
    headers = {}
    if req.etag:
        headers["If-None-Match"] = req.etag
    if req.last_modified:
        headers["If-Modified-Since"] = req.last_modified
    url = req.url
    started = time.monotonic()
    try:
        for _hop in range(settings.max_redirects + 1):
            if not settings.allow_private_networks:
                await asyncio.to_thread(check_public_address, url)
            async with client.stream("GET", url, headers=headers) as resp:
                if resp.is_redirect and "location" in resp.headers:
                    nxt = urljoin(url, resp.headers["location"])
                    if resp.status_code in (301, 308) and result.permanent_redirect is None:
                        result.permanent_redirect = nxt
                    url = nxt
                    continue
                result.status = resp.status_code
                result.final_url = url
                result.headers = {k.lower(): v for k, v in resp.headers.items()}
                if resp.status_code == 304:
                    return result
                if resp.status_code >= 400:
                    raise FeedFetchError(f"HTTP {resp.status_code}", url=url, reason="http_status",
                                         status=resp.status_code)
                body = bytearray()
                async for chunk in resp.aiter_bytes():
                    body.extend(chunk)
                    if len(body) > settings.max_bytes:
                        raise FeedFetchError(f"body exceeds {settings.max_bytes} bytes", url=url,
                                             reason="too_large")
                result.content = bytes(body)
                result.etag = resp.headers.get("etag")
                result.last_modified = resp.headers.get("last-modified")
                return result
        raise FeedFetchError(f"more than {settings.max_redirects} redirects", url=url, reason="redirects")
    except FeedFetchError as e:
        result.error, result.reason = str(e), e.reason
        if e.status is not None:
            result.status = e.status
    except httpx.TimeoutException as e:
        result.error, result.reason = f"timeout: {type(e).__name__}", "timeout"
    except httpx.HTTPError as e:
        result.error, result.reason = f"{type(e).__name__}: {e}", "network"
    finally:
        result.duration_ms = int((time.monotonic() - started) * 1000)
    return result


async def fetch_many(requests: Sequence[FetchRequest], settings: HttpSettings,
                     transport: httpx.AsyncBaseTransport | None = None) -> list[FetchResult]:
    """Fetch every request concurrently (bounded), each within ``settings.total_timeout``.
    Results come back in the order of ``requests``."""
    timeout = httpx.Timeout(settings.read_timeout, connect=settings.connect_timeout)
    limits = httpx.Limits(max_connections=settings.max_concurrency)
    sem = asyncio.Semaphore(settings.max_concurrency)
    async with httpx.AsyncClient(timeout=timeout, limits=limits, transport=transport,
                                 follow_redirects=False,
                                 headers={"User-Agent": settings.user_agent}) as client:
        async def guarded(req: FetchRequest) -> FetchResult:
            async with sem:
                try:
                    return await asyncio.wait_for(_fetch_one(client, req, settings), settings.total_timeout)
                except TimeoutError:
                    return FetchResult(key=req.key, url=req.url, error=(
                        f"no complete answer within {settings.total_timeout:g} s"), reason="deadline",
                        duration_ms=int(settings.total_timeout * 1000))
        return list(await asyncio.gather(*(guarded(r) for r in requests)))


def fetch_all(requests: Sequence[FetchRequest], settings: HttpSettings,
              transport: httpx.AsyncBaseTransport | None = None) -> list[FetchResult]:
    """Synchronous entry point to :func:`fetch_many`."""
    return asyncio.run(fetch_many(requests, settings, transport))
