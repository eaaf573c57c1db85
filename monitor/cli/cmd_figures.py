"""`monitor figures`: JSON Lines in ({"id","text"[,"lang"]}), one figures record out per line.

The stable contract of GUIDE §4; a thin layer over monitor.figures.extract_figures.
"""

from __future__ import annotations

from typing import TextIO

from monitor.cli.jsonl import iter_jsonl, write_jsonl
from monitor.errors import InputError
from monitor.figures import extract_figures


def figures_command(stdin: TextIO, stdout: TextIO) -> int:
    """Extract figures from each input line; return the process exit code."""
    for line_no, obj in iter_jsonl(stdin):
        text = obj.get("text")
        if not isinstance(text, str):
            raise InputError('"text" must be a string', line=line_no)
        lang = obj.get("lang")
        figs = extract_figures(text, lang if isinstance(lang, str) else None)
        write_jsonl(stdout, {"id": obj.get("id"), "figures": [f.as_dict() for f in figs]})
    return 0
