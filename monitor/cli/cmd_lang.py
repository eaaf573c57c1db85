"""`monitor lang` and `monitor normalize`: the JSON Lines contract of GUIDE §4.

Thin layers over monitor.language.LanguageIdentifier and monitor.normalize.normalize_text.
"""

from __future__ import annotations

from typing import Any, TextIO

from monitor.cli.jsonl import iter_jsonl, optional_str, write_jsonl
from monitor.language import LanguageIdentifier
from monitor.normalize import normalize_text


def _identifier() -> LanguageIdentifier:
    # The same language settings as `monitor run` ($MONITOR_CONFIG or config/monitor.yaml).
    from monitor.config import load_settings

    s = load_settings().language
    return LanguageIdentifier(s.candidates, s.min_confidence, s.max_chars)


# Lines are answered in batches: the identifier's first model pass runs over a batch on all
# cores. Small enough that a consumer reading the pipe sees answers as they come.
BATCH = 256


def lang_command(stdin: TextIO, stdout: TextIO, identifier: LanguageIdentifier | None = None) -> int:
    """Detect the language of each input line's text; return the process exit code."""
    ident = identifier or _identifier()
    batch: list[tuple[Any, str, str | None]] = []

    def flush() -> None:
        results = ident.detect_many([text for _, text, _ in batch], [hint for _, _, hint in batch])
        for (id_, _, _), res in zip(batch, results, strict=True):
            out: dict[str, Any] = {"id": id_}
            out.update(res.as_dict())
            write_jsonl(stdout, out)
        batch.clear()

    for line_no, obj in iter_jsonl(stdin, required=("id", "text")):
        batch.append((obj["id"], obj["text"], optional_str(obj, "hint", line_no)))
        if len(batch) >= BATCH:
            flush()
    if batch:
        flush()
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
