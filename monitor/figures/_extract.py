"""Find numeric figures in text in any script and turn them into plain values.

First version: digit runs in Latin, Persian and Arabic-Indic scripts with grouping separators.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass

ALERTABLE_KINDS: frozenset[str] = frozenset({"count", "percent", "money"})

_DIGIT_MAP = str.maketrans("۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩", "01234567890123456789")
_NUM = re.compile(r"\d+(?:[,.٬٫'\u00a0\u202f ]\d{3})*(?:[.,٫]\d+)?")


@dataclass(frozen=True, slots=True)
class Figure:
    """One number found in a text, with its span and what it counts."""

    value: float
    raw: str
    start: int
    end: int
    kind: str
    unit: str | None
    qualifier: str | None = None

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


def _parse(raw: str) -> float:
    s = raw.translate(_DIGIT_MAP)
    s = re.sub(r"[,.٬٫'\u00a0\u202f ](?=\d{3}(?!\d))", "", s)
    s = s.replace(",", ".").replace("٫", ".")
    return float(s)


def extract_figures(text: str, lang: str | None = None) -> list[Figure]:
    """All figures in ``text`` in order of appearance; never raises."""
    out: list[Figure] = []
    for m in _NUM.finditer(text):
        try:
            value = _parse(m.group())
        except ValueError:
            continue
        kind = "year" if 1800 <= value <= 2100 and value == int(value) and len(m.group()) == 4 else "count"
        out.append(Figure(value, m.group(), m.start(), m.end(), kind, None))
    return out
