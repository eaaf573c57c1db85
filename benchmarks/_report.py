"""Write one benchmark's section into docs/benchmarks.md without touching the others.

Each benchmark owns a section delimited by ``<!-- BEGIN name -->`` / ``<!-- END name -->``;
the section gets a header with the date and the machine it ran on.
"""

from __future__ import annotations

import datetime as _dt
import multiprocessing as mp
import os
import platform
import re
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

DOC = Path(__file__).resolve().parent.parent / "docs" / "benchmarks.md"
_HEAD = "# Benchmarks\n\nFigures written by `make bench` (each section by its own script). Re-run to refresh.\n"


def machine() -> str:
    """A one-line description of this machine: CPU model, cores, memory, Python."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        mem = f", {kb / 1024 / 1024:.0f} GiB RAM"
    except (OSError, ValueError, IndexError):
        pass
    return f"{cpu}, {os.cpu_count()} cores{mem}, Python {platform.python_version()}, {platform.system()}"


def write_section(name: str, title: str, body: str, doc: Path = DOC) -> Path:
    """Replace (or append) section ``name`` of docs/benchmarks.md with ``body`` (Markdown)."""
    stamp = _dt.datetime.now(_dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    block = (f"<!-- BEGIN {name} -->\n## {title}\n\n_Run {stamp} on {machine()}._\n\n"
             f"{body.rstrip()}\n<!-- END {name} -->\n")
    doc.parent.mkdir(parents=True, exist_ok=True)
    text = doc.read_text(encoding="utf-8") if doc.exists() else _HEAD
    pattern = re.compile(rf"<!-- BEGIN {re.escape(name)} -->.*?<!-- END {re.escape(name)} -->\n?", re.S)
    text = pattern.sub(lambda _m: block, text) if pattern.search(text) else text.rstrip() + "\n\n" + block
    fd, tmp = tempfile.mkstemp(dir=doc.parent, prefix=".benchmarks.")
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(tmp, doc)
    return doc


def shared_data(path: str | None) -> Path | None:
    """The shared data folder (``--data`` or ``../shared/data``), or None with a clear message."""
    p = Path(path) if path else Path(__file__).resolve().parent.parent.parent / "shared" / "data"
    if not p.is_dir():
        print(f"shared data not found at {p}: pass --data DIR (this evaluation needs it); skipping")
        return None
    return p


def _child(q: Any, fn: Callable[..., Any], *args: Any) -> None:
    q.put(fn(*args))


def in_fresh_process(fn: Callable[..., Any], *args: Any) -> Any:
    """Run ``fn(*args)`` in a new (spawned) process and return its result: its own caches, its own
    peak RSS. ``fn`` and ``args`` must be picklable (a module-level function)."""
    ctx = mp.get_context("spawn")
    q = ctx.Queue()
    p = ctx.Process(target=_child, args=(q, fn, *args))
    p.start()
    result = q.get()
    p.join()
    return result
