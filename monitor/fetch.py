"""Fetching feeds over HTTP (httpx, async): polite bounded concurrency, conditional GET, retries,
hard limits, and an SSRF guard. Failures come back as data (FetchResult.error), never raised.

Limits on every request: connect/read timeouts and a total deadline per attempt, a cap on the
*decompressed* body enforced while streaming (we decode gzip/deflate ourselves, so a bomb never
inflates past the cap), a redirect limit with loop detection, and a concurrency cap both
globally and per host. The SSRF guard checks the addresses a host resolves to at connect time
(so a DNS answer cannot change between the check and the connection) on every redirect hop.
The transport is injectable (tests, benchmarks); with an injected transport the guard resolves
and checks each hop's host before the request instead.
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import random
import socket
import time
import zlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

import httpcore
import httpx

from monitor.config import HttpSettings
from monitor.errors import BlockedAddressError, FeedFetchError

# Statuses worth asking again within the same run; everything else 4xx is final.
_TRANSIENT_STATUS = frozenset({408, 425, 429, 500, 502, 503, 504, 520, 521, 522, 523, 524})
_ACCEPT = ("application/rss+xml, application/atom+xml, application/feed+json, application/xml;q=0.9, "
           "text/xml;q=0.9, application/json;q=0.8, */*;q=0.5")


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
    permanent_redirect: str | None = None  # where a chain of 301/308 answers says the feed moved
    etag: str | None = None
    last_modified: str | None = None
    error: str | None = None
    reason: str | None = None  # short code: timeout, deadline, http_status, too_large, blocked_address, ...
    retry_after: float | None = None  # seconds the server asked us to wait (429/503)
    attempts: int = 0
    duration_ms: int = 0

    @property
    def ok(self) -> bool:
        return self.error is None and self.status is not None and 200 <= self.status < 300

    @property
    def not_modified(self) -> bool:
        return self.error is None and self.status == 304


# --------------------------------------------------------------------------- SSRF guard

@dataclass(frozen=True, slots=True)
class AddressPolicy:
    """Which resolved addresses a fetch may connect to."""

    allow_private: bool = False
    allowed_networks: tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...] = ()

    @classmethod
    def from_settings(cls, settings: HttpSettings) -> AddressPolicy:
        nets = tuple(ipaddress.ip_network(n, strict=False) for n in settings.allowed_networks)
        return cls(allow_private=settings.allow_private_networks, allowed_networks=nets)

    def permits(self, ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
        if self.allow_private or any(ip in net for net in self.allowed_networks):
            return True
        if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
            ip = ip.ipv4_mapped  # ::ffff:127.0.0.1 is loopback too
        return ip.is_global and not ip.is_multicast

    def check(self, host: str, addresses: Iterable[str], url: str | None = None) -> None:
        for addr in addresses:
            ip = ipaddress.ip_address(addr.split("%", 1)[0])
            if not self.permits(ip):
                raise BlockedAddressError(
                    f"{host} resolves to non-public address {ip}; set http.allow_private_networks "
                    "(or http.allowed_networks) or pass --allow-private-networks to allow it",
                    url=url, reason="blocked_address")


async def _resolve(host: str, port: int) -> list[str]:
    try:
        infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as e:
        raise FeedFetchError(f"cannot resolve {host}: {e.strerror}", reason="dns") from None
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


async def check_url_address(url: str, policy: AddressPolicy) -> None:
    """Resolve ``url``'s host and raise BlockedAddressError if the policy refuses an address."""
    parts = urlsplit(url)
    if not parts.hostname:
        raise BlockedAddressError(f"no host in URL {url!r}", url=url, reason="blocked_address")
    addresses = await _resolve(parts.hostname, parts.port or (443 if parts.scheme == "https" else 80))
    policy.check(parts.hostname, addresses, url)


class _GuardedBackend(httpcore.AsyncNetworkBackend):
    """Resolves, checks every address against the policy, then connects to a checked address,
    so DNS rebinding between check and connect is impossible."""

    def __init__(self, policy: AddressPolicy) -> None:
        self._policy = policy
        self._inner = httpcore.AnyIOBackend()

    async def connect_tcp(self, host: str, port: int, timeout: float | None = None,
                          local_address: str | None = None,
                          socket_options: Iterable[Any] | None = None) -> httpcore.AsyncNetworkStream:
        addresses = await _resolve(host, port)
        self._policy.check(host, addresses)
        last: Exception | None = None
        for addr in addresses:
            try:
                return await self._inner.connect_tcp(addr, port, timeout=timeout, local_address=local_address,
                                                     socket_options=socket_options)
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as e:
                last = e
        assert last is not None
        raise last

    async def connect_unix_socket(self, path: str, timeout: float | None = None,
                                  socket_options: Iterable[Any] | None = None) -> httpcore.AsyncNetworkStream:
        raise httpcore.ConnectError("unix sockets are not used for feeds")

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


def guarded_transport(settings: HttpSettings) -> httpx.AsyncHTTPTransport:
    """httpx's own transport with its connection pool built on the guarded network backend."""
    limits = httpx.Limits(max_connections=settings.max_concurrency,
                          max_keepalive_connections=settings.max_concurrency)
    transport = httpx.AsyncHTTPTransport(limits=limits, trust_env=False)
    # httpx offers no public hook for the network backend; the pool it builds is replaced by the
    # same pool (same arguments) on our backend.
    transport._pool = httpcore.AsyncConnectionPool(
        ssl_context=httpx.create_ssl_context(trust_env=False),
        max_connections=limits.max_connections, max_keepalive_connections=limits.max_keepalive_connections,
        keepalive_expiry=limits.keepalive_expiry,
        network_backend=_GuardedBackend(AddressPolicy.from_settings(settings)))
    return transport


# --------------------------------------------------------------------------- bodies

class _Decoder:
    """Streaming Content-Encoding decoder that never produces more than it is asked for."""

    def __init__(self, encoding: str, url: str) -> None:
        codings = [c.strip() for c in encoding.lower().split(",") if c.strip() and c.strip() != "identity"]
        if len(codings) > 1:
            raise FeedFetchError(f"unsupported Content-Encoding {encoding!r}", url=url, reason="bad_encoding")
        self.coding = codings[0] if codings else None
        if self.coding in ("gzip", "x-gzip"):
            self._z: Any = zlib.decompressobj(zlib.MAX_WBITS | 16)
        elif self.coding == "deflate":
            self._z = None  # zlib-wrapped or raw; decided on the first bytes
        elif self.coding is not None:
            raise FeedFetchError(f"unsupported Content-Encoding {encoding!r}", url=url, reason="bad_encoding")
        self._url = url

    def feed(self, data: bytes, room: int) -> bytes:
        """Decode ``data``; returns at most ``room + 1`` bytes (one more than fits means: too large)."""
        if self.coding is None:
            return data[: room + 1]
        if self._z is None:
            self._z = zlib.decompressobj(zlib.MAX_WBITS if data[:1] == b"\x78" else -zlib.MAX_WBITS)
        try:
            out: bytes = self._z.decompress(data, room + 1)
            while self.coding != "deflate" and self._z.eof and self._z.unused_data and len(out) <= room:
                rest = self._z.unused_data  # concatenated gzip members
                self._z = zlib.decompressobj(zlib.MAX_WBITS | 16)
                out += self._z.decompress(rest, room + 1 - len(out))
        except zlib.error as e:
            raise FeedFetchError(f"corrupt {self.coding} body: {e}", url=self._url, reason="bad_encoding") from None
        return out


async def _read_body(resp: httpx.Response, limit: int, url: str) -> bytes:
    decoder = _Decoder(resp.headers.get("content-encoding", ""), url)
    declared = resp.headers.get("content-length", "")
    if decoder.coding is None and declared.isdigit() and int(declared) > limit:
        raise FeedFetchError(f"body of {declared} bytes exceeds the {limit}-byte cap", url=url, reason="too_large")
    body = bytearray()
    raw_total = 0
    async for raw in resp.aiter_raw():
        raw_total += len(raw)
        out = decoder.feed(raw, limit - len(body))
        if raw_total > limit or len(body) + len(out) > limit:
            raise FeedFetchError(f"body exceeds the {limit}-byte cap (decompressed)", url=url, reason="too_large")
        body += out
    return bytes(body)


# --------------------------------------------------------------------------- one request

def retry_after_seconds(value: str | None, now: float | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or an HTTP date), or None."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


class _Retryable(FeedFetchError):
    """A failure worth another attempt within this run."""


async def _attempt(client: httpx.AsyncClient, req: FetchRequest, settings: HttpSettings, result: FetchResult,
                   policy: AddressPolicy | None) -> None:
    headers = {"Accept": _ACCEPT, "Accept-Encoding": "gzip, deflate"}
    if req.etag:
        headers["If-None-Match"] = req.etag
    if req.last_modified:
        headers["If-Modified-Since"] = req.last_modified
    url = req.url
    seen = {url}
    permanent_chain = True
    result.permanent_redirect = None
    for _hop in range(settings.max_redirects + 1):
        if urlsplit(url).scheme not in ("http", "https"):
            raise FeedFetchError(f"refusing non-HTTP URL {url!r}", url=url, reason="bad_url")
        if policy is not None:  # injected transport: check before the request instead of at connect
            await check_url_address(url, policy)
        async with client.stream("GET", url, headers=headers) as resp:
            if resp.status_code in (301, 302, 303, 307, 308) and resp.headers.get("location", "").strip():
                nxt = urljoin(url, resp.headers["location"].strip())
                permanent_chain = permanent_chain and resp.status_code in (301, 308)
                if permanent_chain:
                    result.permanent_redirect = nxt
                if nxt in seen:
                    raise FeedFetchError(f"redirect loop at {nxt}", url=url, reason="redirect_loop",
                                         status=resp.status_code)
                seen.add(nxt)
                url = nxt
                continue
            result.status = resp.status_code
            result.final_url = url
            result.headers = {k.lower(): v for k, v in resp.headers.items()}
            if resp.status_code == 304:
                return
            if resp.status_code >= 400 or resp.status_code < 200 or resp.status_code == 204:
                wait = retry_after_seconds(resp.headers.get("retry-after"))
                kind = _Retryable if resp.status_code in _TRANSIENT_STATUS else FeedFetchError
                raise kind(f"HTTP {resp.status_code} {resp.reason_phrase}".rstrip(), url=url,
                           reason="http_status", status=resp.status_code, retry_after=wait)
            result.content = await _read_body(resp, settings.max_bytes, url)
            result.etag = resp.headers.get("etag")
            result.last_modified = resp.headers.get("last-modified")
            return
    raise FeedFetchError(f"more than {settings.max_redirects} redirects", url=url, reason="too_many_redirects")


async def _fetch_one(client: httpx.AsyncClient, req: FetchRequest, settings: HttpSettings,
                     policy: AddressPolicy | None, slots: asyncio.Semaphore) -> FetchResult:
    """Fetch with retries. A global slot is held per attempt only, so backoff sleeps never keep
    other hosts waiting (the caller holds the per-host slot throughout, which is the polite part)."""
    result = FetchResult(key=req.key, url=req.url)
    started = time.monotonic()
    for attempt in range(settings.retries + 1):
        result.attempts = attempt + 1
        result.error = result.reason = None
        result.retry_after = None
        wait: float | None = None
        try:
            async with slots:
                await asyncio.wait_for(_attempt(client, req, settings, result, policy), settings.total_timeout)
            break
        except _Retryable as e:
            _fail(result, str(e), e.reason, e.status)
            result.retry_after = e.retry_after
            wait = e.retry_after
        except FeedFetchError as e:
            _fail(result, str(e), e.reason, e.status)
            break
        except TimeoutError:
            # A server that could not answer within the deadline will not do better right away.
            _fail(result, f"no complete answer within {settings.total_timeout:g} s", "deadline", None)
            break
        except (httpx.ConnectTimeout, httpx.PoolTimeout) as e:
            _fail(result, f"connect timeout: {type(e).__name__}", "timeout", None)
        except httpx.TimeoutException as e:
            _fail(result, f"timeout: {type(e).__name__}", "timeout", None)
            break
        except (httpx.ConnectError, httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError) as e:
            _fail(result, f"{type(e).__name__}: {e}" if str(e) else type(e).__name__, "network", None)
        except (httpx.HTTPError, httpx.InvalidURL, ValueError, UnicodeError) as e:
            _fail(result, f"{type(e).__name__}: {e}", "network", None)
            break
        except Exception as e:  # a bug or a library surprise must cost one feed, never the batch
            _fail(result, f"unexpected {type(e).__name__}: {e}", "internal", None)
            break
        if attempt == settings.retries:
            break
        if wait is None:
            wait = settings.retry_backoff * (2 ** attempt) * random.uniform(0.75, 1.25)
        elif wait > settings.max_retry_wait:
            break  # the server asked for longer than we wait within a run: next due time honours it
        await asyncio.sleep(wait)
    result.duration_ms = int((time.monotonic() - started) * 1000)
    return result


def _fail(result: FetchResult, error: str, reason: str, status: int | None) -> None:
    result.error, result.reason = error, reason
    result.content = b""
    if status is not None:
        result.status = status


# --------------------------------------------------------------------------- many requests

def host_of(url: str) -> str:
    try:
        return (urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""


async def _produce(requests: Sequence[FetchRequest], settings: HttpSettings,
                   transport: httpx.AsyncBaseTransport | None, deliver: Callable[[FetchResult], None],
                   backlog: asyncio.Semaphore, stop: asyncio.Event) -> None:
    timeout = httpx.Timeout(settings.read_timeout, connect=settings.connect_timeout,
                            pool=settings.total_timeout)
    policy = None
    if transport is None:
        transport = guarded_transport(settings)
    elif not settings.allow_private_networks:
        policy = AddressPolicy.from_settings(settings)
    global_slots = asyncio.Semaphore(settings.max_concurrency)
    host_slots: dict[str, asyncio.Semaphore] = {}
    async with httpx.AsyncClient(timeout=timeout, transport=transport, follow_redirects=False, trust_env=False,
                                 headers={"User-Agent": settings.user_agent}) as client:
        async def one(req: FetchRequest) -> None:
            host_sem = host_slots.setdefault(host_of(req.url), asyncio.Semaphore(settings.per_host_concurrency))
            async with host_sem:
                await backlog.acquire()
                if stop.is_set():
                    return
                res = await _fetch_one(client, req, settings, policy, global_slots)
            deliver(res)

        await asyncio.gather(*(one(r) for r in requests))


async def _fetch_and_consume(requests: Sequence[FetchRequest], settings: HttpSettings,
                             transport: httpx.AsyncBaseTransport | None,
                             consume: Callable[[list[FetchResult]], None], max_batch: int) -> None:
    arrived: asyncio.Queue[FetchResult] = asyncio.Queue()
    # Results fetched but not yet consumed are capped, so memory stays bounded however slow
    # parsing and storing are; a token comes back for each result consumed.
    backlog = asyncio.Semaphore(2 * settings.max_concurrency)
    stop = asyncio.Event()
    producer = asyncio.ensure_future(_produce(requests, settings, transport, arrived.put_nowait, backlog, stop))
    try:
        while True:
            getter = asyncio.ensure_future(arrived.get())
            await asyncio.wait({getter, producer}, return_when=asyncio.FIRST_COMPLETED)
            if not getter.done():
                getter.cancel()
                producer.result()  # re-raise what stopped the producer, if anything
                if arrived.empty():
                    return
                continue
            batch = [getter.result()]
            while len(batch) < max_batch and not arrived.empty():
                batch.append(arrived.get_nowait())
            consume(batch)
            for _ in batch:
                backlog.release()
    finally:
        if not producer.done():  # the consumer failed: let waiting fetches see stop, then finish
            stop.set()
            for _ in requests:
                backlog.release()
            producer.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await producer


def fetch_each(requests: Sequence[FetchRequest], settings: HttpSettings,
               consume: Callable[[list[FetchResult]], None], transport: httpx.AsyncBaseTransport | None = None,
               max_batch: int = 32) -> None:
    """Fetch every request concurrently and hand the results to ``consume`` as they complete, in
    lists of whatever has arrived (at most ``max_batch``).

    ``consume`` runs in this thread, inside the event loop, which pauses meanwhile: parsing and
    storing never fight the network for the GIL, and bytes keep arriving in socket buffers.
    An exception from ``consume`` stops the fetching and propagates."""
    asyncio.run(_fetch_and_consume(requests, settings, transport, consume, max_batch))


def fetch_all(requests: Sequence[FetchRequest], settings: HttpSettings,
              transport: httpx.AsyncBaseTransport | None = None) -> list[FetchResult]:
    """Fetch every request (see :func:`fetch_each`); results in the order of ``requests``."""
    by_key: dict[str, FetchResult] = {}
    fetch_each(requests, settings, lambda batch: by_key.update((r.key, r) for r in batch), transport)
    return [by_key[r.key] for r in requests]
