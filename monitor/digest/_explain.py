"""Explaining alerts for people: each alert (or group of alerts about one narrative or figure)
becomes a card with its origin, who repeated it, the shared passage or figure, and spread data.

Cards are plain dicts for the templates. Evidence written by other stages is read defensively:
anything missing (a merged narrative, a match without passages) just leaves that part out.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from difflib import SequenceMatcher
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import Connection, func, select

from monitor.alerts import KIND_LABELS, SEVERITIES, excerpt, severity_rank
from monitor.items import item_text
from monitor.store import in_chunks
from monitor.store.tables import copy_types, feeds, figure_groups, figures, items, narrative_members, narratives
from monitor.timeutil import as_utc

LANGUAGE_NAMES = {
    "ar": "Arabic", "ckb": "Sorani Kurdish", "de": "German", "en": "English", "es": "Spanish", "fa": "Persian",
    "fr": "French", "he": "Hebrew", "hi": "Hindi", "it": "Italian", "ja": "Japanese", "ko": "Korean",
    "ps": "Pashto", "pt": "Portuguese", "ru": "Russian", "tr": "Turkish", "uk": "Ukrainian", "ur": "Urdu",
    "zh": "Chinese",
}
KIND_ORDER = ("narrative_new", "narrative_spread", "narrative_growth", "figure_repeated", "figure_mutation",
              "watch_outlet", "watch_entity", "watch_keyword", "watch_figure")
MAX_MEMBERS_SHOWN = 12
MAX_OUTLETS_SHOWN = 15  # first outlets to publish; the count of the rest follows
_EVIDENCE_LISTS = ("names", "entities", "shared_names", "shared_entities", "shared_figures", "figures",
                   "shared_tokens", "tokens", "urls", "dates")
_WORD = re.compile(r"\S+")
_STRIP = re.compile(r"^\W+|\W+$")


def language_name(code: str | None) -> str:
    if not code:
        return "unknown"
    return LANGUAGE_NAMES.get(code, code)


def safe_link(url: str | None) -> str | None:
    """Only absolute http(s) links are ever rendered; javascript:, data: and the like are dropped."""
    if not url:
        return None
    url = url.strip()
    if re.search(r"[\x00-\x20\x7f]", url):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    return url if parts.scheme.lower() in ("http", "https") and parts.netloc else None


@dataclass(slots=True)
class ItemInfo:
    id: int
    title: str
    url: str | None
    lang: str | None
    outlet: str
    tags: list[str]
    published: datetime
    text: str

    def view(self, how: str | None = None) -> dict[str, Any]:
        return {"id": self.id, "title": self.title or "(untitled)", "url": self.url, "lang": self.lang or "und",
                "language": language_name(self.lang), "outlet": self.outlet, "published": self.published,
                "how": how}


def load_items(conn: Connection, ids: Iterable[int]) -> dict[int, ItemInfo]:
    wanted = sorted(set(ids))
    out: dict[int, ItemInfo] = {}
    for chunk in in_chunks(wanted):
        q = (select(items.c.id, items.c.title, items.c.summary, items.c.content, items.c.url, items.c.lang,
                    items.c.published_at, feeds.c.outlet, feeds.c.tags)
             .join(feeds, feeds.c.id == items.c.feed_id).where(items.c.id.in_(chunk)))
        for r in conn.execute(q):
            text = item_text(dict(r._mapping))
            lang = r.lang if r.lang and r.lang != "und" else None
            out[r.id] = ItemInfo(r.id, r.title or "", safe_link(r.url), lang, r.outlet, list(r.tags or []),
                                 as_utc(r.published_at), text)
    return out


def _tokens(text: str) -> tuple[list[str], list[tuple[int, int]]]:
    words, spans = [], []
    for m in _WORD.finditer(text):
        w = _STRIP.sub("", m.group().casefold())
        if w:
            words.append(w)
            spans.append(m.span())
    return words, spans


def shared_passage(a: str, b: str, *, min_words: int = 6, max_chars: int = 320) -> str | None:
    """The longest run of words ``a`` and ``b`` share (compared case- and punctuation-blind),
    quoted from ``a``'s original text, or None when they share fewer than ``min_words``."""
    wa, sa = _tokens(a[:20000])
    wb, _ = _tokens(b[:20000])
    m = SequenceMatcher(None, wa, wb, autojunk=False).find_longest_match(0, len(wa), 0, len(wb))
    if m.size < min_words:
        return None
    text = " ".join(a[sa[m.a][0]:sa[m.a + m.size - 1][1]].split())
    if len(text) > max_chars:
        cut = text.rfind(" ", 0, max_chars)
        text = text[:cut if cut > 0 else max_chars] + " …"
    return text


def best_shared_passage(origin: ItemInfo, others: Sequence[ItemInfo]) -> tuple[str, ItemInfo] | None:
    """The longest passage the origin shares with a member from another outlet (same-language
    members first); an outlet repeating itself, or its own boilerplate, is not the point."""
    ranked = sorted((o for o in others if o.outlet != origin.outlet),
                    key=lambda o: (o.lang != origin.lang, o.published, o.id))[:6]
    best: tuple[str, ItemInfo] | None = None
    for other in ranked:
        p = shared_passage(origin.text, other.text)
        if p and (best is None or len(p) > len(best[0])):
            best = (p, other)
    return best


def _figure_excerpt(conn: Connection, group_id: int | None, info: dict[int, ItemInfo],
                    origin_id: int | None) -> str | None:
    if group_id is None or origin_id is None or origin_id not in info:
        return None
    row = conn.execute(select(figures.c.start, figures.c.end, figures.c.raw)
                       .where(figures.c.group_id == group_id, figures.c.item_id == origin_id)
                       .order_by(figures.c.start)).first()
    text = info[origin_id].text
    if row is None or text[row.start:row.end] != row.raw:
        return None
    return excerpt(text, row.start, row.end)


def _shared_figures(conn: Connection, ids: Sequence[int]) -> list[dict[str, Any]]:
    from monitor.figures import ALERTABLE_KINDS

    if len(ids) < 2:
        return []
    rows = conn.execute(select(figures.c.item_id, figures.c.kind, figures.c.value, figures.c.raw, figures.c.unit)
                        .where(figures.c.item_id.in_(list(ids)), figures.c.kind.in_(sorted(ALERTABLE_KINDS)))).all()
    grouped: dict[tuple[str, float], list[Any]] = defaultdict(list)
    for r in rows:
        grouped[(r.kind, r.value)].append(r)
    out: list[dict[str, Any]] = []
    for (_, value), rs in grouped.items():
        docs = {r.item_id for r in rs}
        if len(docs) >= 2:
            unit = next((r.unit for r in rs if r.unit), None)
            out.append({"value": value, "unit": unit, "count": len(docs),
                        "raw_forms": sorted({r.raw for r in rs})[:6]})
    return sorted(out, key=lambda f: (-f["count"], f["value"]))[:4]


def _readable_token(token: str) -> str:
    """A matching evidence token (``w:lindqvist``) as a reader would write it (``Lindqvist``)."""
    word = token[2:]
    return word.title() if word.isascii() else word


@dataclass(slots=True)
class MatchEvidence:
    how: dict[int, str]  # item id -> "method score"
    summary: str | None  # "minhash ×2, similarity 0.71–0.95; crosslingual ×1, similarity 0.62"
    terms: list[str]  # names and terms the matcher found shared across members
    passages: list[str]  # shared passages as the matcher recorded them (normalised text)


def _copy_types(conn: Connection, ids: Sequence[int]) -> dict[int, str]:
    """Stored copy types (verbatim, edited, partial, translated, rewritten; monitor.copytype)."""
    return {r[0]: r[1] for r in conn.execute(select(copy_types.c.item_id, copy_types.c.copy_type)
                                             .where(copy_types.c.item_id.in_(list(ids))))}


def _match_summary(conn: Connection, nid: str) -> MatchEvidence:
    """How each member joined (method and score), a one-line summary, and shared evidence."""
    normalised: list[str] = []
    how: dict[int, str] = {}
    methods: dict[str, list[float]] = defaultdict(list)
    terms: Counter[str] = Counter()
    for r in conn.execute(select(narrative_members.c.item_id, narrative_members.c.method, narrative_members.c.score,
                                 narrative_members.c.evidence).where(narrative_members.c.narrative_id == nid)):
        if not r.method or r.method == "origin":
            continue
        label = str(r.method)
        if isinstance(r.score, (int, float)):
            how[r.item_id] = f"{label} {r.score:.2f}"
            methods[label].append(float(r.score))
        else:
            how[r.item_id] = label
            methods.setdefault(label, [])
        ev = r.evidence if isinstance(r.evidence, dict) else {}
        for key in _EVIDENCE_LISTS:
            val = ev.get(key)
            if isinstance(val, list):
                terms.update(str(v)[:60] for v in val[:20] if isinstance(v, (str, int, float)))
        shared = ev.get("shared")
        if isinstance(shared, list):
            terms.update(_readable_token(t) for t in shared[:60] if isinstance(t, str) and t.startswith("w:"))
        passages = ev.get("passages")
        if isinstance(passages, list):
            normalised.extend(p for p in passages[:3] if isinstance(p, str) and p.strip())
    parts = []
    for label, scores in sorted(methods.items(), key=lambda kv: -len(kv[1])):
        n = len(scores) or sum(1 for h in how.values() if h == label)
        rng = "" if not scores else (f", similarity {scores[0]:.2f}" if min(scores) == max(scores)
                                     else f", similarity {min(scores):.2f}–{max(scores):.2f}")
        parts.append(f"{label} ×{n}{rng}")
    return MatchEvidence(how, "; ".join(parts) or None, [t for t, _ in terms.most_common(8) if t], normalised)


def _topic(a: Any) -> str:
    ev = a.evidence if isinstance(a.evidence, dict) else {}
    if ev.get("narrative"):
        return f"narrative:{ev['narrative']}"
    if ev.get("group"):
        return f"figure:{ev['group']}"
    if a.kind in ("watch_keyword", "watch_entity") and isinstance(ev.get("term"), str):
        return f"{a.kind}:{ev['term'].casefold()}"  # one card per term for items outside narratives
    if a.kind == "watch_figure" and "value" in ev:
        return f"watch_figure:{ev['value']}"
    return f"{a.kind}:{a.subject}"


def _sentence(a: Any, ev: dict[str, Any]) -> str | None:
    kind = a.kind
    if kind in ("narrative_new", "narrative_spread"):
        s = (f"{ev.get('window_outlets', ev.get('outlets', '?'))} outlets in "
             f"{ev.get('window_languages', ev.get('languages', '?'))} language(s) published it within "
             f"{ev.get('window_hours', '?')} h")
        return s + (" — several outlets published it within the same hour (possible coordination)"
                    if ev.get("coordinated") else "")
    if kind == "narrative_growth":
        return (f"Growing fast: {ev.get('burst_items', '?')} items from {ev.get('burst_outlets', '?')} outlets "
                f"within {ev.get('burst_hours', '?')} h")
    if kind == "figure_repeated":
        return (f"Stated in {ev.get('items', '?')} items by {ev.get('outlets', '?')} outlets in "
                f"{ev.get('languages', '?')} language(s)")
    if kind == "figure_mutation":
        return f"Altered figure: {a.title}"
    if kind in ("watch_keyword", "watch_entity"):
        return f"Watched term “{ev.get('term', '')}” appears in {len(ev.get('item_ids') or [])} item(s)"
    if kind == "watch_figure":
        forms = ", ".join(ev.get("raw_forms") or [])
        return f"Watched figure {forms} appears in {len(ev.get('item_ids') or [])} item(s)"
    if kind == "watch_outlet":
        role = "started" if ev.get("outlet_is_origin") else "joined"
        return f"Watched outlet {ev.get('outlet', '')} {role} this narrative"
    return None


def _sentences(rows: Sequence[Any], evs: Sequence[dict[str, Any]]) -> list[str]:
    """One sentence per alert kind; watch alerts merged into one card count all their items."""
    out: list[str] = []
    done: set[str] = set()
    for a, ev in zip(rows, evs, strict=True):
        if a.kind.startswith("watch_"):
            if a.kind in done:
                continue
            done.add(a.kind)
            ids = {i for b, e in zip(rows, evs, strict=True) if b.kind == a.kind for i in e.get("item_ids") or []}
            ev = {**ev, "item_ids": sorted(ids)}
        s = _sentence(a, ev)
        if s and s not in out:
            out.append(s)
    return out


def _member_ids(conn: Connection, topic: str, evs: Sequence[dict[str, Any]]) -> tuple[list[int], bool]:
    """Current members of the narrative or figure group (True), else the ids the alerts recorded."""
    kind, _, key = topic.partition(":")
    if kind == "narrative":
        ids = [r[0] for r in conn.execute(select(narrative_members.c.item_id)
                                          .where(narrative_members.c.narrative_id == key))]
        if ids:
            return ids, True
    elif kind == "figure":
        gid = conn.execute(select(figure_groups.c.id).where(figure_groups.c.key == key)).scalar()
        if gid is not None:
            ids = sorted({r[0] for r in conn.execute(select(figures.c.item_id).where(figures.c.group_id == gid))})
            if ids:
                return ids, True
    recorded: list[int] = []
    for ev in evs:
        recorded.extend(i for i in (ev.get("item_ids") or []) if isinstance(i, int))
        if isinstance(ev.get("origin_item_id"), int):
            recorded.append(ev["origin_item_id"])
    return sorted(set(recorded)), False


def build_cards(conn: Connection, alert_rows: Sequence[Any]) -> list[dict[str, Any]]:
    """One card per narrative, figure or watched term, most severe first."""
    by_topic: dict[str, list[Any]] = defaultdict(list)
    for a in alert_rows:
        by_topic[_topic(a)].append(a)
    cards = [_card(conn, topic, rows) for topic, rows in by_topic.items()]
    kind_rank = {k: i for i, k in enumerate(KIND_ORDER)}
    # Most severe first; then narratives before figures and watches; then the widest spread; then
    # the most recently active.
    cards.sort(key=lambda c: (-severity_rank(c["severity"]), kind_rank.get(c["kind"], 99), -len(c["outlets"]),
                              -len(c["languages"]), -max(c["times"]).timestamp() if c["times"] else 0.0,
                              c["first_alert_id"]))
    return cards


def _card(conn: Connection, topic: str, rows: Sequence[Any]) -> dict[str, Any]:
    rows = sorted(rows, key=lambda a: (KIND_ORDER.index(a.kind) if a.kind in KIND_ORDER else 99, -a.level, a.id))
    evs = [a.evidence if isinstance(a.evidence, dict) else {} for a in rows]
    ids, current = _member_ids(conn, topic, evs)
    info = load_items(conn, ids)
    members = sorted(info.values(), key=lambda i: (i.published, i.id))
    origin_id = next((ev.get("origin_item_id") for ev in evs if isinstance(ev.get("origin_item_id"), int)), None)
    if topic.startswith("narrative:") and current:
        origin_id = conn.execute(select(narratives.c.origin_item_id)
                                 .where(narratives.c.id == topic.split(":", 1)[1])).scalar() or origin_id
    if members and (origin_id not in info or info[origin_id].published > members[0].published):
        origin_id = members[0].id  # the origin is the earliest member, whatever was recorded
    origin = info.get(origin_id) if origin_id is not None else None
    severity = max((a.severity for a in rows), key=severity_rank)
    card: dict[str, Any] = {
        "topic": topic, "alert_ids": [a.id for a in rows], "first_alert_id": min(a.id for a in rows),
        "kind": rows[0].kind, "kinds": list(dict.fromkeys(KIND_LABELS.get(a.kind, a.kind) for a in rows)),
        "severity": severity, "heading": rows[0].title or topic,
        "is_update": any(a.level > 0 and "update_of_level" in ev for a, ev in zip(rows, evs, strict=True)),
        "sentences": _sentences(rows, evs),
        "origin": origin.view() if origin else None, "members_current": current,
        "outlets": sorted({m.outlet for m in members}), "languages": sorted({m.lang for m in members if m.lang}),
        "tags": sorted({t for m in members for t in m.tags}), "times": [m.published for m in members],
        "passage": None, "passage_between": None, "figures": [], "figure": None, "watch": None,
        "match_summary": None, "shared_terms": [],
    }
    previous = [ev["update_of_level"] for ev in evs if isinstance(ev.get("update_of_level"), int)]
    if previous and card["is_update"]:
        card["update_note"] = f"Update: this was reported before at severity {SEVERITIES[max(previous)]}"
    match = MatchEvidence({}, None, [], [])
    if topic.startswith("narrative:") and current:
        match = _match_summary(conn, topic.split(":", 1)[1])
        card["match_summary"], card["shared_terms"] = match.summary, match.terms
    if origin is not None and topic.startswith("narrative:"):
        found = best_shared_passage(origin, [m for m in members if m.id != origin.id])
        if found:
            card["passage"], other = found
            card["passage_between"] = f"{origin.outlet} and {other.outlet}"
        elif match.passages:  # only the matcher's normalised copy is left to quote
            card["passage"] = max(match.passages, key=len)[:320]
        card["figures"] = _shared_figures(conn, [m.id for m in members])
    fig_ev = next((ev for ev in evs if ev.get("group")), None)
    if fig_ev is not None:
        gid = fig_ev.get("group_id")
        if not isinstance(gid, int):
            gid = conn.execute(select(figure_groups.c.id).where(figure_groups.c.key == fig_ev.get("group"))).scalar()
        forms = conn.execute(select(figures.c.raw, items.c.lang, func.count(func.distinct(figures.c.item_id)))
                             .join(items, items.c.id == figures.c.item_id).where(figures.c.group_id == gid)
                             .group_by(figures.c.raw, items.c.lang)).all() if gid is not None else []
        mutation = next((ev.get("mutation_of") for ev in evs if isinstance(ev.get("mutation_of"), dict)), None)
        card["figure"] = {
            "raw_forms": [{"raw": r[0], "language": language_name(r[1]), "count": r[2]} for r in forms][:10]
            or [{"raw": f, "language": "", "count": 1} for f in fig_ev.get("raw_forms") or []],
            "excerpt": _figure_excerpt(conn, gid, info, origin.id if origin else None),
            "mutation": mutation,
        }
    watch_ev = next((ev for ev in evs if ev.get("term") or ev.get("outlet") or ("value" in ev and ev.get("excerpt"))),
                    None)
    if watch_ev is not None:
        card["watch"] = {"term": watch_ev.get("term") or watch_ev.get("outlet") or ", ".join(
            watch_ev.get("raw_forms") or []), "excerpt": watch_ev.get("excerpt")}
    kinds = _copy_types(conn, [m.id for m in members[:MAX_MEMBERS_SHOWN]]) if topic.startswith("narrative:") else {}
    card["members"] = [m.view(", ".join(h for h in (kinds.get(m.id), match.how.get(m.id)) if h) or None)
                       for m in members[:MAX_MEMBERS_SHOWN]]
    card["more_members"] = max(0, len(members) - MAX_MEMBERS_SHOWN)
    per_outlet: dict[str, list[ItemInfo]] = defaultdict(list)
    for m in members:
        per_outlet[m.outlet].append(m)
    card["by_outlet"] = [
        {"outlet": o, "count": len(ms), "languages": ", ".join(sorted({language_name(m.lang) for m in ms})),
         "first": ms[0].published, "url": ms[0].url, "is_origin": origin is not None and ms[0].id == origin.id}
        for o, ms in sorted(per_outlet.items(), key=lambda kv: (kv[1][0].published, kv[0]))]
    card["more_outlets"] = max(0, len(card["by_outlet"]) - MAX_OUTLETS_SHOWN)
    card["by_outlet"] = card["by_outlet"][:MAX_OUTLETS_SHOWN]
    langs = Counter(m.lang for m in members)
    card["by_language"] = [{"code": code or "und", "name": language_name(code), "count": n}
                           for code, n in sorted(langs.items(), key=lambda kv: (-kv[1], kv[0] or ""))]
    return card
