"""Text normalization for matching: one canonical form per language of a news text.

First version: NFKC, casefold and whitespace collapse; the per-language rules come next.
"""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")


def normalize_text(text: str, lang: str | None = None) -> str:
    """Return the canonical matching form of ``text`` (total and idempotent)."""
    out = text
    for _ in range(3):
        prev = out
        out = unicodedata.normalize("NFKC", out).casefold()
        out = _SPACES.sub(" ", out).strip()
        if out == prev:
            break
    return out
