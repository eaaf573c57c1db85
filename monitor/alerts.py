"""Alert rules over narratives, repeated figures and watched terms. Each alert is stored once per
(kind, subject, level) with its evidence and severity, so re-running analysis creates nothing twice.

Updates: an alert's ``level`` is the rank of its severity (or, for fast growth, the number of
separate bursts). When a narrative or figure spreads further and its severity rises, a new alert
at the higher level is stored and shown as an update; a stable or shrinking spread stores nothing.
"""

from __future__ import annotations

import hashlib
import re
from bisect import bisect_right
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, func, select

from monitor.config import AlertRules
from monitor.items import item_text
from monitor.store import Store, in_chunks, insert_ignore
from monitor.store.tables import alerts, feeds, figure_groups, figures, items, narrative_members, narratives
from monitor.timeutil import Clock, as_utc, utcnow

SEVERITIES: tuple[str, ...] = ("info", "low", "medium", "high")
KIND_LABELS: dict[str, str] = {
    "narrative_new": "New narrative spreading",
    "narrative_growth": "Narrative growing fast",
    "figure_repeated": "Repeated figure",
    "figure_mutation": "Figure mutation",
    "watch_keyword": "Watched keyword",
    "watch_entity": "Watched name",
    "watch_outlet": "Watched outlet",
    "watch_figure": "Watched figure",
    "narrative_spread": "Narrative spreading",  # kind used by stores created before the rules were split
}
COORDINATION_MINUTES = 60  # three outlets publishing one story within this long looks coordinated
COORDINATION_OUTLETS = 3
MAX_EVIDENCE_ITEMS = 100


def severity_rank(severity: str) -> int:
    return SEVERITIES.index(severity) if severity in SEVERITIES else 0


@dataclass(slots=True)
class Member:
    item_id: int
    published: datetime
    lang: str | None
    outlet: str


@dataclass(slots=True)
class Candidate:
    kind: str
    subject: str
    level: int
    severity: str
    title: str
    evidence: dict[str, Any] = field(default_factory=dict)

    def row(self, now: datetime) -> dict[str, Any]:
        return {"kind": self.kind, "subject": self.subject[:128], "level": self.level, "severity": self.severity,
                "title": self.title[:500], "evidence": self.evidence, "created_at": now}


def _iso(dt: datetime) -> str:
    return as_utc(dt).isoformat()


def spread_severity(outlets: int, languages: int, rules: AlertRules, *, coordinated: bool = False) -> str:
    """low: the minimum spread; medium: one more outlet, a second language or a coordinated burst;
    high: ``high_outlets`` outlets or ``high_languages`` languages."""
    if outlets >= rules.high_outlets or languages >= rules.high_languages:
        return "high"
    if outlets > rules.narrative_min_outlets or languages >= rules.narrative_min_languages or coordinated:
        return "medium"
    return "low"


def max_distinct_within(members: Sequence[Member], minutes: int,
                        key: Callable[[Member], str | None] = lambda m: m.outlet) -> int:
    """The most distinct ``key`` values (outlets by default, or languages) among members published
    within ``minutes`` of each other: a sliding window over members sorted by time."""
    span = timedelta(minutes=minutes)
    best, lo = 0, 0
    inside: Counter[str] = Counter()
    for m in members:
        k = key(m)
        if k is not None:
            inside[k] += 1
        while m.published - members[lo].published > span:
            old = key(members[lo])
            if old is not None:
                inside[old] -= 1
                if not inside[old]:
                    del inside[old]
            lo += 1
        best = max(best, len(inside))
    return best


def growth_bursts(members: Sequence[Member], min_items: int, hours: int) -> list[list[Member]]:
    """Non-overlapping windows of ``hours`` holding at least ``min_items`` members, earliest first
    (greedy over members sorted by time, so the same members always give the same bursts)."""
    span = timedelta(hours=hours)
    times = [m.published for m in members]
    out: list[list[Member]] = []
    i = 0
    while i < len(members):
        end = bisect_right(times, times[i] + span)
        if end - i >= min_items:
            out.append(list(members[i:end]))
            i = end
        else:
            i += 1
    return out



def _members_by_narrative(conn: Connection, ids: Sequence[str]) -> dict[str, list[Member]]:
    out: dict[str, list[Member]] = defaultdict(list)
    for chunk in in_chunks(ids):
        q = (select(narrative_members.c.narrative_id, items.c.id, items.c.published_at, items.c.lang, feeds.c.outlet)
             .join(items, items.c.id == narrative_members.c.item_id).join(feeds, feeds.c.id == items.c.feed_id)
             .where(narrative_members.c.narrative_id.in_(chunk))
             .order_by(items.c.published_at, items.c.id))
        for nid, iid, pub, lang, outlet in conn.execute(q):
            out[nid].append(Member(iid, as_utc(pub), lang if lang and lang != "und" else None, outlet))
    return out


def _spread_evidence(members: Sequence[Member]) -> dict[str, Any]:
    return {"item_ids": [m.item_id for m in members[:MAX_EVIDENCE_ITEMS]], "size": len(members),
            "outlets": len({m.outlet for m in members}), "languages": len({m.lang for m in members if m.lang}),
            "outlet_names": sorted({m.outlet for m in members}),
            "language_codes": sorted({m.lang for m in members if m.lang}),
            "first_seen": _iso(members[0].published), "last_seen": _iso(members[-1].published)}


def narrative_candidates(conn: Connection, rules: AlertRules, now: datetime) -> list[Candidate]:
    """New narratives that reached the outlet or language threshold within the window, and
    narratives with a burst of fast growth."""
    cutoff = now - timedelta(days=rules.max_age_days)
    rows = conn.execute(select(narratives.c.id, narratives.c.title, narratives.c.origin_item_id)
                        .where(narratives.c.last_seen >= cutoff,
                               (narratives.c.outlets >= rules.narrative_min_outlets)
                               | (narratives.c.languages >= rules.narrative_min_languages)
                               | (narratives.c.size >= rules.growth_min_items))
                        .order_by(narratives.c.id)).all()
    members = _members_by_narrative(conn, [r.id for r in rows])
    out: list[Candidate] = []
    for r in rows:
        ms = members.get(r.id, [])
        if not ms:
            continue
        ev = {"narrative": r.id, "origin_item_id": r.origin_item_id or ms[0].item_id, **_spread_evidence(ms)}
        title = r.title or f"Narrative {r.id}"
        # A sliding window, not one anchored at the first item: a stray early member (or a story
        # that smouldered for a week before it spread) must not hide the moment it spread.
        w_outlets = max_distinct_within(ms, rules.window_hours * 60)
        w_langs = max_distinct_within(ms, rules.window_hours * 60, key=lambda m: m.lang)
        if w_outlets >= rules.narrative_min_outlets or w_langs >= rules.narrative_min_languages:
            coordinated = max_distinct_within(ms, COORDINATION_MINUTES) >= COORDINATION_OUTLETS
            sev = spread_severity(ev["outlets"], ev["languages"], rules, coordinated=coordinated)
            out.append(Candidate("narrative_new", r.id, severity_rank(sev), sev, title,
                                 {**ev, "window_hours": rules.window_hours, "window_outlets": w_outlets,
                                  "window_languages": w_langs, "coordinated": coordinated}))
        bursts = [b for b in growth_bursts(ms, rules.growth_min_items, rules.growth_window_hours)
                  if b[-1].published >= cutoff]
        if bursts:
            last = bursts[-1]
            b_outlets = len({m.outlet for m in last})
            sev = "high" if b_outlets >= rules.high_outlets else "medium"
            out.append(Candidate("narrative_growth", r.id, len(bursts) - 1, sev, title,
                                 {**ev, "burst_items": len(last), "burst_outlets": b_outlets,
                                  "burst_start": _iso(last[0].published), "burst_end": _iso(last[-1].published),
                                  "burst_hours": rules.growth_window_hours}))
    return out


def format_number(value: float) -> str:
    """1500.0 → '1,500'; 4200000.0 → '4,200,000'; 0.25 → '0.25'."""
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.6g}"


def _figure_title(value: float, unit: str | None, label: str | None) -> str:
    if label:  # the registry's own wording, e.g. "1,500 protesters"
        return label
    number = format_number(value)
    return f"{number} {unit}" if unit else number


def figure_candidates(conn: Connection, rules: AlertRules, now: datetime) -> list[Candidate]:
    """Repeated figures that reached ``figure_min_outlets`` outlets in at least two independent
    stories, and their mutations."""
    cutoff = now - timedelta(days=rules.max_age_days)
    rows = conn.execute(select(figure_groups).where(
        figure_groups.c.last_seen >= cutoff,
        (figure_groups.c.outlets >= rules.figure_min_outlets) | figure_groups.c.mutation_of.is_not(None))
        .order_by(figure_groups.c.id)).all()
    members: dict[int, list[Any]] = defaultdict(list)
    for chunk in in_chunks([g.id for g in rows]):
        for m in conn.execute(select(figures.c.group_id, figures.c.item_id, figures.c.raw)
                              .where(figures.c.group_id.in_(chunk)).order_by(figures.c.id)):
            members[m.group_id].append(m)
    story_of = _narrative_of(conn, {m.item_id for ms in members.values() for m in ms})
    siblings = {g.id: g for g in rows}
    missing = sorted({g.mutation_of for g in rows if g.mutation_of is not None} - set(siblings))
    for chunk in in_chunks(missing):
        siblings.update({g.id: g for g in conn.execute(select(figure_groups).where(figure_groups.c.id.in_(chunk)))})
    out: list[Candidate] = []
    for g in rows:
        ms = members.get(g.id, [])
        item_ids = sorted({m.item_id for m in ms})
        # A figure repeated only inside one narrative is that narrative's evidence (its card shows
        # it); it is news of its own when it travels into independent stories.
        stories = {story_of.get(i, f"item{i}") for i in item_ids}
        ev: dict[str, Any] = {
            "group": g.key, "group_id": g.id, "value": g.value, "unit": g.unit, "label": g.label or "",
            "origin_item_id": g.origin_item_id, "items": g.items, "outlets": g.outlets, "languages": g.languages,
            "item_ids": item_ids[:MAX_EVIDENCE_ITEMS], "raw_forms": sorted({m.raw for m in ms})[:8],
            "stories": len(stories), "first_seen": _iso(g.first_seen), "last_seen": _iso(g.last_seen)}
        title = _figure_title(g.value, g.unit, g.label)
        if g.outlets >= rules.figure_min_outlets and len(stories) >= 2:
            sev = spread_severity(g.outlets, g.languages, rules)
            out.append(Candidate("figure_repeated", g.key, severity_rank(sev), sev, title, ev))
        sibling = siblings.get(g.mutation_of) if g.mutation_of is not None else None
        if rules.figure_mutations and sibling is not None:
            ev = {**ev, "mutation_of": {"group": sibling.key, "value": sibling.value, "unit": sibling.unit,
                                        "origin_item_id": sibling.origin_item_id, "outlets": sibling.outlets}}
            out.append(Candidate("figure_mutation", g.key, 0, "medium",
                                 f"{_figure_title(sibling.value, sibling.unit, sibling.label)} became {title}", ev))
    return out


def term_pattern(term: str) -> re.Pattern[str]:
    """A case-insensitive pattern for a watched term: whole words where the script separates
    words with spaces, a plain substring in scripts that do not (Chinese, Japanese, Thai)."""
    body = r"\s+".join(re.escape(p) for p in term.split())
    if re.search(r"[\u0e00-\u0e7f\u3040-\u30ff\u3400-\u9fff]", term):
        return re.compile(body, re.IGNORECASE)
    return re.compile(rf"(?<!\w){body}(?!\w)", re.IGNORECASE)


def excerpt(text: str, start: int, end: int, width: int = 90) -> str:
    """A short excerpt of ``text`` around [start, end), on word boundaries, with ellipses."""
    a, b = max(0, start - width), min(len(text), end + width)
    while a > 0 and not text[a - 1].isspace() and start - a < width + 20:
        a -= 1
    while b < len(text) and not text[b].isspace() and b - end < width + 20:
        b += 1
    snippet = " ".join(text[a:b].split())
    return ("… " if a > 0 else "") + snippet + (" …" if b < len(text) else "")


def _narrative_of(conn: Connection, item_ids: Iterable[int]) -> dict[int, str]:
    out: dict[int, str] = {}
    for chunk in in_chunks(sorted(set(item_ids))):
        out.update({r[0]: r[1] for r in conn.execute(
            select(narrative_members.c.item_id, narrative_members.c.narrative_id)
            .where(narrative_members.c.item_id.in_(chunk)))})
    return out


def _term_key(prefix: str, term: str, target: str) -> str:
    return f"{prefix}:{hashlib.sha1(term.casefold().encode()).hexdigest()[:10]}:{target}"


def watch_candidates(conn: Connection, rules: AlertRules, now: datetime) -> list[Candidate]:
    """Watched keywords, names and figures in items fetched within the window, and watched outlets
    taking part in a narrative. One alert per (term, narrative), or per item outside narratives."""
    out: list[Candidate] = []
    since = now - timedelta(hours=rules.window_hours)
    terms = [("watch_keyword", "kw", t) for t in rules.watch_keywords] + \
            [("watch_entity", "en", t) for t in rules.watch_entities]
    if terms:
        recent = conn.execute(select(items.c.id, items.c.title, items.c.summary, items.c.content)
                              .where(items.c.fetched_at >= since, items.c.duplicate_of.is_(None))
                              .order_by(items.c.id)).all()
        nmap = _narrative_of(conn, [r.id for r in recent])
        texts = [(r.id, item_text(dict(r._mapping))) for r in recent]  # once, not once per term
        hits: dict[tuple[str, str, str, str], list[tuple[int, str]]] = defaultdict(list)
        for kind, prefix, term in terms:
            pat = term_pattern(term)
            for item_id, text in texts:
                m = pat.search(text)
                if m:
                    target = nmap.get(item_id, f"item{item_id}")
                    hits[(kind, prefix, term, target)].append((item_id, excerpt(text, m.start(), m.end())))
        for (kind, prefix, term, target), found in hits.items():
            ev = {"term": term, "item_ids": [i for i, _ in found][:MAX_EVIDENCE_ITEMS],
                  "excerpt": found[0][1], "origin_item_id": found[0][0],
                  "narrative": target if not target.startswith("item") else None}
            out.append(Candidate(kind, _term_key(prefix, term, target), 0, rules.watch_severity,
                                 f"“{term}” mentioned", ev))
    if rules.watch_figures:
        frows = conn.execute(select(figures.c.item_id, figures.c.value, figures.c.raw, figures.c.start, figures.c.end,
                                    figure_groups.c.key.label("group_key"), items.c.title, items.c.summary,
                                    items.c.content)
                             .join(items, items.c.id == figures.c.item_id)
                             .outerjoin(figure_groups, figure_groups.c.id == figures.c.group_id)
                             .where(figures.c.value.in_([float(v) for v in rules.watch_figures]),
                                    items.c.fetched_at >= since).order_by(figures.c.item_id)).all()
        nmap = _narrative_of(conn, [fr.item_id for fr in frows])
        fhits: dict[tuple[float, str], list[Any]] = defaultdict(list)
        for fr in frows:
            fhits[(fr.value, nmap.get(fr.item_id, f"item{fr.item_id}"))].append(fr)
        for (value, target), ffound in fhits.items():
            first = ffound[0]
            text = item_text(dict(first._mapping))
            snippet = excerpt(text, first.start, first.end) if text[first.start:first.end] == first.raw else first.raw
            ev = {"value": value, "raw_forms": sorted({f.raw for f in ffound})[:8], "excerpt": snippet,
                  "item_ids": sorted({f.item_id for f in ffound})[:MAX_EVIDENCE_ITEMS],
                  "origin_item_id": first.item_id, "narrative": target if not target.startswith("item") else None,
                  "group": next((f.group_key for f in ffound if f.group_key), None)}
            out.append(Candidate("watch_figure", _term_key("fig", f"{value:.6g}", target), 0, rules.watch_severity,
                                 f"Watched figure {_figure_title(value, None, None)} mentioned", ev))
    if rules.watch_outlets:
        wanted = {o.casefold(): o for o in rules.watch_outlets}
        cutoff = now - timedelta(days=rules.max_age_days)
        ids = [r[0] for r in conn.execute(select(narratives.c.id).where(
            narratives.c.last_seen >= cutoff, narratives.c.outlets >= 2).order_by(narratives.c.id))]
        for nid, ms in _members_by_narrative(conn, ids).items():
            for outlet in sorted({m.outlet for m in ms if m.outlet.casefold() in wanted}):
                own = [m for m in ms if m.outlet == outlet]
                ev = {"narrative": nid, "outlet": outlet, "origin_item_id": ms[0].item_id,
                      "outlet_item_ids": [m.item_id for m in own], "outlet_is_origin": ms[0].outlet == outlet,
                      **_spread_evidence(ms)}
                out.append(Candidate("watch_outlet", _term_key("out", outlet, nid), 0, rules.watch_severity,
                                     f"{outlet} in a narrative shared by {ev['outlets']} outlets", ev))
    return out


def _existing_levels(conn: Connection, keys: set[tuple[str, str]]) -> dict[tuple[str, str], int]:
    if not keys:
        return {}
    subjects = sorted({s for _, s in keys})
    got: dict[tuple[str, str], int] = {}
    for chunk in in_chunks(subjects):
        for kind, subject, level in conn.execute(
                select(alerts.c.kind, alerts.c.subject, func.max(alerts.c.level))
                .where(alerts.c.subject.in_(chunk)).group_by(alerts.c.kind, alerts.c.subject)):
            got[(kind, subject)] = int(level)
    return got


def evaluate_alerts(store: Store, rules: AlertRules, *, clock: Clock = utcnow,
                    provenance: dict[str, Any] | None = None) -> int:
    """Store an alert for every rule that fired and has not been stored at this level yet.
    Returns the number of new alerts (updates included). Each alert's evidence records the rules
    that fired it and ``provenance`` (config version and matching thresholds, monitor.review), so a
    past alert can be explained and reproduced."""
    now = as_utc(clock())
    config = {**(provenance or {}), "alert_rules": rules.model_dump(exclude={
        "watch_keywords", "watch_entities", "watch_outlets", "watch_figures"})}
    with store.read() as conn:
        found = (narrative_candidates(conn, rules, now) + figure_candidates(conn, rules, now)
                 + watch_candidates(conn, rules, now))
        levels = _existing_levels(conn, {(c.kind, c.subject[:128]) for c in found})
    rows = []
    for c in found:
        previous = levels.get((c.kind, c.subject[:128]))
        if previous is not None and c.level <= previous:
            continue  # already alerted at this level or higher: a stable or shrinking spread is not news
        if previous is not None:
            c.evidence["update_of_level"] = previous
        c.evidence["config"] = config
        rows.append(c.row(now))
    with store.write() as conn:
        return insert_ignore(conn, alerts, rows, ["kind", "subject", "level"])


def list_alerts(store: Store, *, since: datetime | None = None, limit: int | None = None) -> list[dict[str, Any]]:
    """Stored alerts, newest first, as plain dicts (for ``monitor alerts``)."""
    q = select(alerts).order_by(alerts.c.created_at.desc(), alerts.c.id.desc())
    if since is not None:
        q = q.where(alerts.c.created_at >= since)
    if limit is not None:
        q = q.limit(limit)
    with store.read() as conn:
        return [dict(r._mapping) for r in conn.execute(q)]
