"""Serving the bundled offline demo site (config/demo/site) on 127.0.0.1 for ``make demo`` and
tests: a real HTTP server in a background thread, stopped on exit."""

from __future__ import annotations

import functools
import http.server
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

DEMO_DIR = Path(__file__).resolve().parent.parent / "config" / "demo"


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib signature
        pass


@contextmanager
def serve_directory(directory: Path, port: int = 0, host: str = "127.0.0.1") -> Iterator[str]:
    """Serve ``directory`` over HTTP; yields the base URL (``http://127.0.0.1:PORT``)."""
    if not directory.is_dir():
        raise FileNotFoundError(f"demo site not found: {directory}")
    handler = functools.partial(_QuietHandler, directory=str(directory))
    server = http.server.ThreadingHTTPServer((host, port), handler)
    thread = threading.Thread(target=server.serve_forever, name="demo-http", daemon=True)
    thread.start()
    try:
        yield f"http://{host}:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
