"""A raw-socket HTTP server on 127.0.0.1 that misbehaves on purpose, for the fault-injection,
crash-recovery and concurrency tests.

Each path names its behaviour (see ``FAULTS``); ``/feed/<name>.xml`` serves a healthy RSS feed
registered with ``add_feed``. Stalls wait on an event that ``close()`` sets, so the server never
outlives its test. Raw sockets rather than a framework because resets, truncated bodies and
stalled bodies need control below HTTP.
"""

from __future__ import annotations

import functools
import gzip
import socket
import socketserver
import threading
import zlib
from collections.abc import Callable
from xml.sax.saxutils import escape

Respond = Callable[["_Handler"], None]


def rss(title: str, entries: list[tuple[str, str, str]]) -> bytes:
    """An RSS 2.0 document: entries are (guid, title, description)."""
    body = "".join(
        f"<item><guid isPermaLink=\"false\">{escape(g)}</guid><title>{escape(t)}</title>"
        f"<link>https://example.org/{escape(g)}</link><description>{escape(d)}</description>"
        f"<pubDate>Tue, 24 Nov 2026 0{i % 10}:00:00 GMT</pubDate></item>"
        for i, (g, t, d) in enumerate(entries))
    return (f"<?xml version=\"1.0\" encoding=\"utf-8\"?><rss version=\"2.0\"><channel><title>{escape(title)}"
            f"</title><link>https://example.org/</link><description>test</description>{body}</channel></rss>"
            ).encode()


class FaultServer:
    """``with FaultServer() as srv: srv.url("/reset")``."""

    def __init__(self) -> None:
        self.feeds: dict[str, bytes] = {}
        self.release = threading.Event()
        self.hits: dict[str, int] = {}
        self.stall_feeds: set[str] = set()  # healthy feeds whose body stalls until release
        self.gate = threading.Event()
        self.gated_feeds: set[str] = set()  # healthy feeds answered only once the gate opens
        self._lock = threading.Lock()
        outer = self

        class Handler(_Handler):
            server_ref = outer

        self._server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler, bind_and_activate=False)
        self._server.daemon_threads = True
        self._server.allow_reuse_address = True
        self._server.server_bind()
        self._server.server_activate()
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        _bombs()  # compressing takes a while: not inside a request, where it would look like a slow server

    @property
    def base(self) -> str:
        port = self._server.server_address[1]
        return f"http://127.0.0.1:{port}"

    def url(self, path: str) -> str:
        return self.base + path

    def add_feed(self, name: str, body: bytes) -> str:
        self.feeds[name] = body
        return self.url(f"/feed/{name}.xml")

    def hit(self, path: str) -> None:
        with self._lock:
            self.hits[path] = self.hits.get(path, 0) + 1

    def __enter__(self) -> FaultServer:
        self._thread.start()
        return self

    def close(self) -> None:
        self.release.set()
        self.gate.set()
        self._server.shutdown()
        self._server.server_close()

    def __exit__(self, *exc: object) -> None:
        self.close()


class _Handler(socketserver.BaseRequestHandler):
    server_ref: FaultServer

    def handle(self) -> None:
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = self.request.recv(65536)
            if not chunk:
                return
            data += chunk
        path = data.split(b" ", 2)[1].decode("latin-1")
        srv = self.server_ref
        srv.hit(path)
        try:
            if path.startswith("/feed/"):
                name = path[len("/feed/"):].removesuffix(".xml")
                if name in srv.gated_feeds:
                    srv.gate.wait(60)
                if name in srv.stall_feeds:
                    self.send(200, srv.feeds[name][:200], length=len(srv.feeds[name]))
                    srv.release.wait(60)
                    return
                if name in srv.feeds:
                    self.send(200, srv.feeds[name])
                else:
                    self.send(404, b"no such feed")
                return
            FAULTS.get(path.split("?")[0], _not_found)(self)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up, as it should

    def send(self, status: int, body: bytes, *, headers: dict[str, str] | None = None,
             length: int | None = None) -> None:
        reason = {200: "OK", 301: "Moved Permanently", 302: "Found", 404: "Not Found", 429: "Too Many Requests",
                  500: "Internal Server Error", 503: "Service Unavailable"}.get(status, "X")
        hdrs = {"Content-Type": "application/rss+xml; charset=utf-8", "Connection": "close"}
        hdrs.update(headers or {})
        if "Transfer-Encoding" not in hdrs:
            hdrs["Content-Length"] = str(len(body) if length is None else length)
        head = f"HTTP/1.1 {status} {reason}\r\n" + "".join(f"{k}: {v}\r\n" for k, v in hdrs.items()) + "\r\n"
        self.request.sendall(head.encode("latin-1") + body)


def _not_found(h: _Handler) -> None:
    h.send(404, b"not found")


def _reset(h: _Handler) -> None:
    # SO_LINGER 0: close() sends RST instead of FIN
    h.request.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
    h.request.close()


def _silent(h: _Handler) -> None:
    h.server_ref.release.wait(60)


def _stalled_body(h: _Handler) -> None:
    h.send(200, b"<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>slow", length=100_000)
    h.server_ref.release.wait(60)


def _status(code: int, headers: dict[str, str] | None = None) -> Respond:
    return lambda h: h.send(code, b"server says no", headers=headers)


def _truncated(h: _Handler) -> None:
    body = rss("cut", [("t1", "A story cut short", "This body stops half way through")])
    h.send(200, body[: len(body) // 2], length=len(body))


def _misencoded(h: _Handler) -> None:
    # declares UTF-8, is windows-1252: feedparser must salvage or refuse, never crash
    text = ("<?xml version=\"1.0\" encoding=\"utf-8\"?><rss version=\"2.0\"><channel><title>Caf\xe9</title>"
            "<item><guid>m1</guid><title>R\xe9sum\xe9 of the na\xefve caf\xe9 owner's \x93story\x94</title>"
            "<description>D\xe9j\xe0 vu at the caf\xe9 \x96 again.</description></item></channel></rss>")
    h.send(200, text.encode("latin-1"))


def _fake_gzip(h: _Handler) -> None:
    h.send(200, b"this is not gzip at all", headers={"Content-Encoding": "gzip"})


def _gzip_bomb(h: _Handler) -> None:
    h.send(200, _bombs()[0], headers={"Content-Encoding": "gzip"})


def _deflate_bomb(h: _Handler) -> None:
    h.send(200, _bombs()[1], headers={"Content-Encoding": "deflate"})


@functools.cache
def _bombs() -> tuple[bytes, bytes]:
    """64 MB of one byte, gzip- and zlib-compressed (about 64 KB each); built once, up front."""
    return gzip.compress(b"<" * (64 * 1024 * 1024), compresslevel=9), zlib.compress(b" " * (64 * 1024 * 1024), 9)


def _entity_bomb(h: _Handler) -> None:
    ents = "".join(f"<!ENTITY l{i} \"{('&l' + str(i - 1) + ';') * 10}\">" for i in range(1, 10))
    body = (f"<?xml version=\"1.0\"?><!DOCTYPE rss [<!ENTITY l0 \"lol\">{ents}]>"
            "<rss version=\"2.0\"><channel><title>&l9;</title><item><guid>b1</guid><title>&l9;</title>"
            "<description>&l9;</description></item></channel></rss>")
    h.send(200, body.encode())


def _huge(h: _Handler) -> None:
    # 50 MB streamed without a Content-Length: the cap must cut it while reading
    h.send(200, b"", headers={"Transfer-Encoding": "chunked"})
    chunk = b"<!-- " + b"x" * (1024 * 1024 - 10) + b" -->"
    frame = f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n"
    for _ in range(50):
        h.request.sendall(frame)
    h.request.sendall(b"0\r\n\r\n")


def _huge_declared(h: _Handler) -> None:
    h.send(200, b"", length=50 * 1024 * 1024)  # says 50 MB, refused before reading


def _loop_a(h: _Handler) -> None:
    h.send(302, b"", headers={"Location": "/loop-b"})


def _loop_b(h: _Handler) -> None:
    h.send(302, b"", headers={"Location": "/loop-a"})


def _html(h: _Handler) -> None:
    h.send(200, b"<html><body><h1>Welcome</h1><p>not a feed</p></body></html>",
           headers={"Content-Type": "text/html"})


FAULTS: dict[str, Respond] = {
    "/reset": _reset,
    "/silent": _silent,
    "/stalled-body": _stalled_body,
    "/500": _status(500),
    "/503": _status(503, {"Retry-After": "3600"}),
    "/429": _status(429, {"Retry-After": "3600"}),
    "/truncated": _truncated,
    "/misencoded": _misencoded,
    "/fake-gzip": _fake_gzip,
    "/gzip-bomb": _gzip_bomb,
    "/deflate-bomb": _deflate_bomb,
    "/entity-bomb": _entity_bomb,
    "/huge": _huge,
    "/huge-declared": _huge_declared,
    "/loop-a": _loop_a,
    "/loop-b": _loop_b,
    "/html": _html,
}
