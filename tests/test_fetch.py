"""Fetching against a real HTTP server on 127.0.0.1: conditional GET, Retry-After, retries,
timeouts and deadlines, redirects, the SSRF guard, size caps and polite concurrency."""

from __future__ import annotations

import gzip
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from monitor.config import HttpSettings
from monitor.fetch import FetchRequest, FetchResult, fetch_all, fetch_each, retry_after_seconds

FEED = b"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>t</title>
<item><guid>1</guid><title>One</title><description>first</description></item>
</channel></rss>"""
LAST_MODIFIED = "Mon, 03 Apr 2023 01:02:03 GMT"


@pytest.fixture
def server() -> Iterator[HTTPServer]:
    srv = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    srv.start()
    yield srv
    srv.clear()
    srv.stop()


@pytest.fixture
def release() -> Iterator[threading.Event]:
    """Set at teardown, so handlers that stall never outlive the test."""
    ev = threading.Event()
    yield ev
    ev.set()


def http(**kw: object) -> HttpSettings:
    base: dict[str, object] = {"allow_private_networks": True, "retry_backoff": 0.01, "connect_timeout": 5,
                               "read_timeout": 5, "total_timeout": 10}
    base.update(kw)
    return HttpSettings.model_validate(base)


def fetch(url: str, settings: HttpSettings | None = None, **req: str) -> FetchResult:
    return fetch_all([FetchRequest(key="f", url=url, **req)], settings or http())[0]


def test_a_plain_fetch_returns_the_body_and_validators(server: HTTPServer) -> None:
    server.expect_request("/feed").respond_with_data(FEED, headers={"ETag": '"v1"', "Last-Modified": LAST_MODIFIED})
    res = fetch(server.url_for("/feed"))
    assert res.ok and res.content == FEED
    assert (res.etag, res.last_modified) == ('"v1"', LAST_MODIFIED)


def test_validators_are_sent_back_exactly_and_304_has_no_body(server: HTTPServer) -> None:
    server.expect_request("/feed", headers={"If-None-Match": 'W/"a b"', "If-Modified-Since": LAST_MODIFIED}
                          ).respond_with_data(b"", status=304)
    res = fetch(server.url_for("/feed"), etag='W/"a b"', last_modified=LAST_MODIFIED)
    assert res.not_modified and res.content == b"" and res.error is None


def test_requests_identify_themselves_with_the_user_agent(server: HTTPServer) -> None:
    server.expect_request("/feed", headers={"User-Agent": "monitor-test/1 (+https://example.org)"}
                          ).respond_with_data(FEED)
    assert fetch(server.url_for("/feed"), http(user_agent="monitor-test/1 (+https://example.org)")).ok


def test_a_500_then_success_is_retried_within_the_run(server: HTTPServer) -> None:
    server.expect_ordered_request("/feed").respond_with_data(b"oops", status=500)
    server.expect_ordered_request("/feed").respond_with_data(FEED)
    res = fetch(server.url_for("/feed"))
    assert res.ok and res.attempts == 2


def test_a_persistent_500_fails_after_the_configured_retries(server: HTTPServer) -> None:
    server.expect_request("/feed").respond_with_data(b"oops", status=500)
    res = fetch(server.url_for("/feed"), http(retries=2))
    assert res.reason == "http_status" and res.status == 500 and res.attempts == 3
    assert len(server.log) == 3


def test_a_404_is_not_retried(server: HTTPServer) -> None:
    server.expect_request("/feed").respond_with_data(b"no", status=404)
    res = fetch(server.url_for("/feed"))
    assert res.status == 404 and res.attempts == 1 and not res.ok


def test_429_with_a_short_retry_after_is_waited_out_and_retried(server: HTTPServer) -> None:
    server.expect_ordered_request("/feed").respond_with_data(b"", status=429, headers={"Retry-After": "0"})
    server.expect_ordered_request("/feed").respond_with_data(FEED)
    res = fetch(server.url_for("/feed"))
    assert res.ok and res.attempts == 2


def test_429_with_a_long_retry_after_is_not_retried_and_reported(server: HTTPServer) -> None:
    server.expect_request("/feed").respond_with_data(b"", status=429, headers={"Retry-After": "3600"})
    res = fetch(server.url_for("/feed"), http(max_retry_wait=5))
    assert res.status == 429 and res.attempts == 1 and res.retry_after == 3600


def test_503_retry_after_as_an_http_date_is_understood(server: HTTPServer) -> None:
    when = format_datetime(datetime.now(UTC) + timedelta(hours=2), usegmt=True)
    server.expect_request("/feed").respond_with_data(b"", status=503, headers={"Retry-After": when})
    res = fetch(server.url_for("/feed"))
    assert res.status == 503 and res.retry_after is not None and 7000 < res.retry_after <= 7200


def test_retry_after_parsing_rejects_garbage() -> None:
    assert retry_after_seconds("soon") is None
    assert retry_after_seconds("120") == 120.0


def test_a_server_slow_to_answer_hits_the_read_timeout(server: HTTPServer, release: threading.Event) -> None:
    def slow(_req: Request) -> Response:
        release.wait(10)
        return Response(FEED)
    server.expect_request("/feed").respond_with_handler(slow)
    res = fetch(server.url_for("/feed"), http(read_timeout=0.5, retries=0))
    assert res.reason == "timeout" and not res.ok


def test_a_stalled_body_hits_the_total_deadline(server: HTTPServer, release: threading.Event) -> None:
    def trickle() -> Iterator[bytes]:
        for _ in range(100):  # a byte at a time, each within the read timeout: only a deadline stops it
            yield b" "
            if release.wait(0.2):
                return
    server.expect_request("/feed").respond_with_response(Response(trickle(), content_type="application/rss+xml"))
    res = fetch(server.url_for("/feed"), http(read_timeout=2, total_timeout=1, retries=0))
    assert res.reason == "deadline" and not res.ok and res.content == b""


def test_a_redirect_loop_is_detected(server: HTTPServer) -> None:
    server.expect_request("/a").respond_with_data(b"", status=302, headers={"Location": "/b"})
    server.expect_request("/b").respond_with_data(b"", status=302, headers={"Location": "/a"})
    res = fetch(server.url_for("/a"))
    assert res.reason == "redirect_loop"


def test_too_many_redirects_are_refused(server: HTTPServer) -> None:
    for i in range(5):
        server.expect_request(f"/r{i}").respond_with_data(b"", status=302, headers={"Location": f"/r{i + 1}"})
    res = fetch(server.url_for("/r0"), http(max_redirects=3))
    assert res.reason == "too_many_redirects"


def test_a_permanent_redirect_is_followed_and_reported(server: HTTPServer) -> None:
    server.expect_request("/old").respond_with_data(b"", status=301, headers={"Location": "/new"})
    server.expect_request("/new").respond_with_data(FEED)
    res = fetch(server.url_for("/old"))
    assert res.ok and res.permanent_redirect == server.url_for("/new") and res.url == server.url_for("/old")


def test_a_temporary_hop_means_the_feed_has_not_moved(server: HTTPServer) -> None:
    server.expect_request("/old").respond_with_data(b"", status=302, headers={"Location": "/mid"})
    server.expect_request("/mid").respond_with_data(b"", status=301, headers={"Location": "/new"})
    server.expect_request("/new").respond_with_data(FEED)
    res = fetch(server.url_for("/old"))
    assert res.ok and res.permanent_redirect is None


def test_the_guard_refuses_loopback_by_default(server: HTTPServer) -> None:
    server.expect_request("/feed").respond_with_data(FEED)
    res = fetch(server.url_for("/feed"), http(allow_private_networks=False))
    assert res.reason == "blocked_address" and len(server.log) == 0


def test_the_guard_checks_every_redirect_hop(server: HTTPServer) -> None:
    # The test server itself is allowed explicitly; the cloud metadata address it redirects to is not.
    server.expect_request("/feed").respond_with_data(
        b"", status=302, headers={"Location": "http://169.254.169.254/latest/meta-data/"})
    res = fetch(server.url_for("/feed"), http(allow_private_networks=False, allowed_networks=["127.0.0.1/32"]))
    assert res.reason == "blocked_address" and "169.254.169.254" in (res.error or "")
    assert len(server.log) == 1


def test_an_oversize_body_is_refused(server: HTTPServer) -> None:
    server.expect_request("/feed").respond_with_data(b"x" * 200_000)
    res = fetch(server.url_for("/feed"), http(max_bytes=100_000))
    assert res.reason == "too_large" and res.content == b""


def test_an_oversize_body_without_content_length_is_cut_while_streaming(server: HTTPServer) -> None:
    def endless() -> Iterator[bytes]:
        for _ in range(1000):
            yield b"y" * 10_000
    server.expect_request("/feed").respond_with_response(Response(endless()))
    res = fetch(server.url_for("/feed"), http(max_bytes=100_000))
    assert res.reason == "too_large"


def test_a_gzip_bomb_is_stopped_at_the_decompressed_cap(server: HTTPServer) -> None:
    bomb = gzip.compress(b"\0" * 50_000_000, compresslevel=9)
    assert len(bomb) < 100_000
    server.expect_request("/feed").respond_with_data(bomb, headers={"Content-Encoding": "gzip"})
    res = fetch(server.url_for("/feed"), http(max_bytes=1_000_000))
    assert res.reason == "too_large"


def test_a_gzip_body_within_the_cap_is_decoded(server: HTTPServer) -> None:
    server.expect_request("/feed").respond_with_data(gzip.compress(FEED), headers={"Content-Encoding": "gzip"})
    res = fetch(server.url_for("/feed"))
    assert res.ok and res.content == FEED


def test_a_corrupt_gzip_body_is_an_error_not_a_crash(server: HTTPServer) -> None:
    server.expect_request("/feed").respond_with_data(b"\x1f\x8bnot gzip at all", headers={"Content-Encoding": "gzip"})
    res = fetch(server.url_for("/feed"))
    assert res.reason == "bad_encoding"


def test_connection_refused_is_a_network_error(server: HTTPServer) -> None:
    res = fetch("http://127.0.0.1:9/feed", http(retries=1))
    assert res.reason == "network" and res.attempts == 2


def test_requests_to_one_host_respect_the_per_host_limit(server: HTTPServer, release: threading.Event) -> None:
    lock = threading.Lock()
    state = {"now": 0, "peak": 0}

    def counted(_req: Request) -> Response:
        with lock:
            state["now"] += 1
            state["peak"] = max(state["peak"], state["now"])
        release.wait(0.2)  # hold the request open so overlapping ones would be seen
        with lock:
            state["now"] -= 1
        return Response(FEED)
    server.expect_request("/feed").respond_with_handler(counted)
    reqs = [FetchRequest(key=str(i), url=server.url_for("/feed") + f"?n={i}") for i in range(8)]
    results = fetch_all(reqs, http(per_host_concurrency=2, max_concurrency=16))
    assert all(r.ok for r in results) and [r.key for r in results] == [str(i) for i in range(8)]
    assert state["peak"] == 2


def test_non_http_urls_are_refused() -> None:
    res = fetch("file:///etc/passwd")
    assert res.reason == "bad_url"


def test_an_error_in_the_consumer_stops_fetching_and_propagates(server: HTTPServer) -> None:
    server.expect_request("/feed").respond_with_data(FEED)
    reqs = [FetchRequest(key=str(i), url=server.url_for("/feed") + f"?n={i}") for i in range(50)]

    def consume(_batch: list[FetchResult]) -> None:
        raise ValueError("store is gone")
    with pytest.raises(ValueError, match="store is gone"):
        fetch_each(reqs, http(per_host_concurrency=1, max_concurrency=1), consume)
    assert len(server.log) <= 5  # the fetches in flight when it failed, not all fifty
