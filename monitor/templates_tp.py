"""Talking-point templates: sentences that recur with only the numbers, dates, names or places
swapped ("X protesters were killed in Y"), found by fingerprinting sentences with those masked.

Each template is reported with its filled variants, the outlets that used it and its first use.
Capitalised names can be masked only in scripts that have capitals; elsewhere figures still are.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select

from monitor.items import received_between
from monitor.store import Store
from monitor.store.tables import feeds, items
from monitor.timeutil import iso_z

NUM, NAME, DATE = "<num>", "<name>", "<date>"
_SENTENCE_END = re.compile(r"(?<=[.!?؟۔।])\s+|\n+")
# a number in any script, with thousands separators and decimals (4,800 · 1.5 · ۱۵۰۰ · 30 000)
_NUMBER = re.compile(r"\d+(?:[.,\u00a0\u202f\u066b\u066c ]\d+)*")
_TOKEN = re.compile(r"<num>|\w+(?:[’'-]\w+)*", re.UNICODE)
_MONTH_WORDS = ("january february march april may june july august september october november december "
                "jan feb mar apr jun jul aug sep sept oct nov dec monday tuesday wednesday thursday friday "
                "saturday sunday janvier février mars avril mai juin juillet août septembre octobre novembre "
                "décembre januar februar märz april juni juli oktober dezember")
_MONTHS = frozenset(_MONTH_WORDS.split(" "))
_AMBIGUOUS_MONTHS = frozenset({"may", "march", "mars", "sat", "sun", "wed"})  # dates only when capitalised


@dataclass(frozen=True, slots=True)
class TemplateSettings:
    min_tokens: int = 8  # shorter sentences are too generic to be a talking point
    min_fixed: int = 5  # words that stay the same across variants
    min_items: int = 2
    min_variants: int = 2  # a template needs at least this many different fillings


@dataclass(frozen=True, slots=True)
class MaskedSentence:
    template: str  # the sentence with slots, e.g. "according to officials in <name> the new route ..."
    fillers: tuple[str, ...]  # what filled each slot, in order
    text: str  # the sentence as written

    @property
    def fingerprint(self) -> str:
        return hashlib.sha1(self.template.encode()).hexdigest()[:16]


def sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE_END.split(text) if s and s.strip()]


def mask_sentence(sentence: str) -> MaskedSentence:
    """Mask figures, dates and capitalised names (runs of capitalised words are one name; the
    first word of the sentence is a name only when the next word is capitalised too)."""
    numbers: list[str] = []

    def keep_number(m: re.Match[str]) -> str:
        numbers.append(m.group(0))
        return f" {NUM} "

    masked = _NUMBER.sub(keep_number, sentence)
    raw_tokens = _TOKEN.findall(masked)
    out: list[str] = []
    fillers: list[str] = []
    numbers_iter = iter(numbers)
    name: list[str] = []

    def close_name() -> None:
        if name:
            out.append(NAME)
            fillers.append(" ".join(name))
            name.clear()

    for i, tok in enumerate(raw_tokens):
        if tok == NUM:
            close_name()
            out.append(NUM)
            fillers.append(next(numbers_iter))
            continue
        low = tok.lower()
        if low in _MONTHS and (tok[:1].isupper() or low not in _AMBIGUOUS_MONTHS):
            close_name()
            out.append(DATE)
            fillers.append(tok)
            continue
        capital = tok[:1].isupper()
        first = i == 0
        next_capital = i + 1 < len(raw_tokens) and raw_tokens[i + 1][:1].isupper()
        if capital and (not first or next_capital):
            name.append(tok)
            continue
        close_name()
        out.append(low)
    close_name()
    return MaskedSentence(" ".join(out), tuple(fillers), sentence)


@dataclass(slots=True)
class Template:
    template: str
    fingerprint: str
    uses: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        first = min(self.uses, key=lambda u: (u["published"], u["item_id"]))
        return {"fingerprint": self.fingerprint, "template": self.template,
                "variants": sorted({tuple(u["fillers"]) for u in self.uses}),
                "outlets": sorted({u["outlet"] for u in self.uses}), "items": len({u["item_id"] for u in self.uses}),
                "first_use": first, "uses": sorted(self.uses, key=lambda u: (u["published"], u["item_id"]))}


def find_templates(docs: Sequence[dict[str, Any]], settings: TemplateSettings = TemplateSettings()) -> list[Template]:
    """Templates in ``docs`` (dicts with item_id, text, outlet, published): masked sentences used
    by several items with several different fillings, most widespread first."""
    by_fp: dict[str, Template] = {}
    for d in docs:
        for s in sentences(d["text"]):
            m = mask_sentence(s)
            tokens = m.template.split()
            fixed = [t for t in tokens if t not in (NUM, NAME, DATE)]
            if len(tokens) < settings.min_tokens or len(fixed) < settings.min_fixed or not m.fillers:
                continue
            if any(f in d["outlet"] for f in m.fillers if f.strip()):
                continue  # a slot holding the outlet's own name is feed furniture ("appeared first on X")
            t = by_fp.setdefault(m.fingerprint, Template(m.template, m.fingerprint))
            t.uses.append({"item_id": d["item_id"], "outlet": d["outlet"], "published": d["published"],
                           "fillers": list(m.fillers), "sentence": s})
    found = [t for t in by_fp.values()
             if len({u["item_id"] for u in t.uses}) >= settings.min_items
             and len({tuple(u["fillers"]) for u in t.uses}) >= settings.min_variants]
    return sorted(found, key=lambda t: (-len({u["outlet"] for u in t.uses}), -len(t.uses), t.template))



def store_templates(store: Store, since: datetime | None = None, until: datetime | None = None,
                    settings: TemplateSettings = TemplateSettings()) -> list[dict[str, Any]]:
    """Templates among the stored items published or first fetched in ``since``..``until`` (original text: names
    need their capitals), exact duplicates left out."""
    q = (select(items.c.id, items.c.title, items.c.summary, items.c.content, items.c.published_at, feeds.c.outlet)
         .join(feeds, feeds.c.id == items.c.feed_id).where(items.c.duplicate_of.is_(None)))
    if since is not None or until is not None:
        q = q.where(received_between(since, until))
    with store.read() as conn:
        rows = conn.execute(q.order_by(items.c.published_at, items.c.id)).all()
    docs = [{"item_id": r.id, "outlet": r.outlet, "published": iso_z(r.published_at),
             "text": "\n".join(p for p in (r.title, r.content or r.summary) if p)} for r in rows]
    return [t.as_dict() for t in find_templates(docs, settings)]
