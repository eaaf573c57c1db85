"""`monitor figures`: JSON Lines in ({"id","text"[,"lang"]}), one figures record out per line.

The stable contract of GUIDE §4; a thin layer over monitor.figures.extract_figures.
"""

from __future__ import annotations

from typing import TextIO

from monitor.cli.jsonl import iter_jsonl, optional_str, write_jsonl
from monitor.figures import extract_figures


def figures_command(stdin: TextIO, stdout: TextIO) -> int:
    """Extract figures from each input line; return the process exit code."""
    for line_no, obj in iter_jsonl(stdin, required=("id", "text")):
        figs = extract_figures(obj["text"], optional_str(obj, "lang", line_no))
        write_jsonl(stdout, {"id": obj["id"], "figures": [f.as_dict() for f in figs]})
    return 0
