"""`monitor lang` and `monitor normalize`: the JSON Lines contract of GUIDE §4.

Thin layers over monitor.language.LanguageIdentifier and monitor.normalize.normalize_text.
"""

from __future__ import annotations

from typing import Any, TextIO

from monitor.cli.jsonl import iter_jsonl, optional_str, write_jsonl
from monitor.language import LanguageIdentifier
from monitor.normalize import normalize_text


def _identifier() -> LanguageIdentifier:
    from monitor.config import LanguageSettings

    s = LanguageSettings()
    return LanguageIdentifier(s.candidates, s.min_confidence, s.max_chars)


def lang_command(stdin: TextIO, stdout: TextIO, identifier: LanguageIdentifier | None = None) -> int:
    """Detect the language of each input line's text; return the process exit code."""
    ident = identifier or _identifier()
    for line_no, obj in iter_jsonl(stdin, required=("id", "text")):
        hint = optional_str(obj, "hint", line_no)
        res = ident.detect(obj["text"], hint)
        out: dict[str, Any] = {"id": obj["id"]}
        out.update(res.as_dict())
        write_jsonl(stdout, out)
    return 0


def normalize_command(stdin: TextIO, stdout: TextIO, identifier: LanguageIdentifier | None = None) -> int:
    """Normalize each input line's text (detecting its language when not given)."""
    ident = identifier
    for line_no, obj in iter_jsonl(stdin, required=("id", "text")):
        lang = optional_str(obj, "lang", line_no)
        if not lang:
            ident = ident or _identifier()
            lang = ident.detect(obj["text"]).lang
        write_jsonl(stdout, {"id": obj["id"], "lang": lang, "text": normalize_text(obj["text"], lang)})
    return 0
