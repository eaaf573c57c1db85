"""JSON Lines plumbing for the stable command-line contract (GUIDE §4).

Every contract command reads one JSON object per line on stdin and writes one per input
line on stdout, in input order, carrying the input's ``id``. A malformed line is an
InputError naming its line number.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from typing import Any, TextIO

from monitor.errors import InputError


def iter_jsonl(stdin: TextIO, required: Sequence[str] = ("id",)) -> Iterator[tuple[int, dict[str, Any]]]:
    """Yield ``(line_number, object)`` for each non-blank line; raise InputError on bad input.

    ``required`` fields must be present; ``id`` may be a string or a number (kept as given);
    text fields named in ``required`` other than ``id`` must be strings.
    """
    for line_no, line in enumerate(stdin, start=1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as e:
            raise InputError(f"not valid JSON: {e.msg} (column {e.colno})", line=line_no) from None
        if not isinstance(obj, dict):
            raise InputError(f"expected a JSON object, got {type(obj).__name__}", line=line_no)
        for field in required:
            if field not in obj:
                raise InputError(f"missing required field {field!r}", line=line_no)
            if field != "id" and not isinstance(obj[field], str):
                raise InputError(f"field {field!r} must be a string", line=line_no)
        if not isinstance(obj["id"], (str, int, float)) or isinstance(obj["id"], bool):
            raise InputError("field 'id' must be a string or a number", line=line_no)
        yield line_no, obj


def optional_str(obj: dict[str, Any], field: str, line_no: int) -> str | None:
    """An optional string field (``None`` when absent or null)."""
    value = obj.get(field)
    if value is None:
        return None
    if not isinstance(value, str):
        raise InputError(f"field {field!r} must be a string or null", line=line_no)
    return value


def write_jsonl(stdout: TextIO, obj: dict[str, Any]) -> None:
    """Write one object as a line of JSON (UTF-8, not ASCII-escaped) and flush it, so a
    consumer reading a pipe sees each answer as soon as it is computed."""
    stdout.write(json.dumps(obj, ensure_ascii=False, separators=(",", ":")) + "\n")
    stdout.flush()
