"""Coordinated publishing: outlets that repeatedly publish near-identical text within a short window
of each other, as pairs (shared narratives, median lag, examples) and groups (connected components).

Declared syndication (outlets of one owner, copy credited to a wire agency listed in config) is
marked as such and not flagged. Times are the earliest trustworthy ones (monitor.copytype).
"""

from __future__ import annotations

import re
import statistics
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any
from xml.sax.saxutils import escape

from sqlalchemy import select

from monitor.config import CoordinationSettings
from monitor.copytype import item_times
from monitor.items import received_between
from monitor.store import Store
from monitor.store.tables import feeds, items, matches, narrative_members
from monitor.timeutil import Clock, as_utc, iso_z, utcnow

# Lexical matches only: a translation published within minutes is not "the same text".
NEAR_IDENTICAL_METHODS = ("exact", "minhash", "containment")
NEAR_IDENTICAL_JACCARD = 0.5
NEAR_IDENTICAL_CONTAINMENT = 0.8


@dataclass(slots=True)
class Occasion:
    """Two outlets publishing one near-identical text: which items, and how far apart."""

    narrative_id: str
    title: str
    items: tuple[int, int]
    times: tuple[str, str]
    lag_minutes: float
    declared: str | None  # why this copy is declared syndication, when it is


@dataclass(slots=True)
class Pair:
    outlets: tuple[str, str]
    occasions: list[Occasion] = field(default_factory=list)
    declared: str | None = None  # set when every occasion is declared syndication
    flagged: bool = False

    @property
    def count(self) -> int:
        """Shared narratives not declared as syndication."""
        return len({o.narrative_id for o in self.occasions if o.declared is None})

    @property
    def median_lag_minutes(self) -> float:
        return round(statistics.median(o.lag_minutes for o in self.occasions), 1) if self.occasions else 0.0

    def as_dict(self) -> dict[str, Any]:
        return {"outlets": list(self.outlets), "shared_narratives": self.count,
                "occasions": len(self.occasions), "median_lag_minutes": self.median_lag_minutes,
                "declared": self.declared, "flagged": self.flagged,
                "examples": [{"narrative": o.narrative_id, "title": o.title, "items": list(o.items),
                              "published": list(o.times), "lag_minutes": o.lag_minutes, "declared": o.declared}
                             for o in self.occasions[:5]]}


@dataclass(slots=True)
class Network:
    pairs: list[Pair]
    groups: list[dict[str, Any]]
    settings: dict[str, Any]
    since: str

    def as_dict(self) -> dict[str, Any]:
        return {"since": self.since, "settings": self.settings, "groups": self.groups,
                "pairs": [p.as_dict() for p in self.pairs]}


def credited_agency(text: str, agencies: list[str]) -> str | None:
    """The first listed wire agency the text credits, as a whole word in its own spelling."""
    for agency in agencies:
        if re.search(rf"(?<![\w-]){re.escape(agency)}(?![\w-])", text):
            return agency
    return None


def _declared(a: dict[str, Any], b: dict[str, Any], settings: CoordinationSettings) -> str | None:
    owner_a, owner_b = settings.owners.get(a["outlet"]), settings.owners.get(b["outlet"])
    if owner_a and owner_a == owner_b:
        return f"same owner: {owner_a}"
    agency_a = credited_agency(a["text"], settings.wire_agencies)
    if agency_a and agency_a == credited_agency(b["text"], settings.wire_agencies):
        return f"wire: {agency_a}"
    return None



def coordination_network(store: Store, settings: CoordinationSettings, *, clock: Clock = utcnow) -> Network:
    """The coordination network of the last ``lookback_days`` (items published or first fetched
    in them; lags are measured between trusted publication times): every outlet pair that published
    near-identical text within ``window_minutes`` at least once, flagged from ``min_shared``
    shared narratives on, and the groups the flagged pairs connect."""
    since = as_utc(clock()) - timedelta(days=settings.lookback_days)
    a_items, b_items = items.alias("a"), items.alias("b")
    with store.read() as conn:
        pairs = conn.execute(
            select(matches.c.item_id, matches.c.other_id)
            .join(a_items, a_items.c.id == matches.c.item_id).join(b_items, b_items.c.id == matches.c.other_id)
            .where(matches.c.method.in_(NEAR_IDENTICAL_METHODS), received_between(since, None, a_items),
                   (matches.c.jaccard >= NEAR_IDENTICAL_JACCARD)
                   | (matches.c.containment >= NEAR_IDENTICAL_CONTAINMENT) | (matches.c.method == "exact"))
            .order_by(matches.c.other_id, matches.c.item_id)).all()
        ids = sorted({i for p in pairs for i in p})
        info = {r.id: {"outlet": r.outlet, "text": "\n".join(x for x in (r.author, r.title, r.content or r.summary)
                                                               if x),
                       "narrative": r.narrative_id, "title": r.title}
                for r in conn.execute(
                    select(items.c.id, items.c.title, items.c.summary, items.c.content, items.c.author,
                           feeds.c.outlet, narrative_members.c.narrative_id)
                    .join(feeds, feeds.c.id == items.c.feed_id)
                    .join(narrative_members, narrative_members.c.item_id == items.c.id, isouter=True)
                    .where(items.c.id.in_(ids)))}
    times = item_times(store, ids)
    window = timedelta(minutes=settings.window_minutes)
    by_outlets: dict[tuple[str, str], Pair] = {}
    for newer, older in pairs:
        a, b = info[newer], info[older]
        if a["outlet"] == b["outlet"]:
            continue
        lag = abs(times[newer]["trusted"] - times[older]["trusted"])
        if lag > window:
            continue
        (first_id, first), (second_id, second) = sorted(((older, b), (newer, a)), key=lambda x: x[1]["outlet"])
        key = (first["outlet"], second["outlet"])
        pair = by_outlets.setdefault(key, Pair(key))
        pair.occasions.append(Occasion(
            narrative_id=first["narrative"] or second["narrative"] or f"pair:{older}-{newer}",
            title=first["title"] or "", items=(first_id, second_id),
            times=(iso_z(times[first_id]["trusted"]), iso_z(times[second_id]["trusted"])),
            lag_minutes=round(lag.total_seconds() / 60, 1), declared=_declared(a, b, settings)))
    for pair in by_outlets.values():
        pair.occasions.sort(key=lambda o: (o.times[0], o.items))
        reasons = {o.declared for o in pair.occasions}
        if None not in reasons:
            pair.declared = "; ".join(sorted(r for r in reasons if r))
        pair.flagged = pair.count >= settings.min_shared
    ordered = sorted(by_outlets.values(), key=lambda p: (not p.flagged, -p.count, p.outlets))
    return Network(ordered, _groups([p for p in ordered if p.flagged]),
                   settings.model_dump(include={"window_minutes", "min_shared", "lookback_days"}), iso_z(since))


def _groups(flagged: list[Pair]) -> list[dict[str, Any]]:
    """Connected components of the flagged pairs, largest first."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for p in flagged:
        parent[find(p.outlets[0])] = find(p.outlets[1])
    members: dict[str, list[str]] = {}
    for outlet in list(parent):
        members.setdefault(find(outlet), []).append(outlet)
    out = []
    for outlets in members.values():
        inside = [p for p in flagged if p.outlets[0] in outlets]
        narratives_shared = sorted({o.narrative_id for p in inside for o in p.occasions if o.declared is None})
        lags = [o.lag_minutes for p in inside for o in p.occasions]
        out.append({"outlets": sorted(outlets), "pairs": len(inside), "narratives": narratives_shared,
                    "occasions": len(narratives_shared), "median_lag_minutes": round(statistics.median(lags), 1),
                    "examples": sorted({o.title for p in inside for o in p.occasions if o.title})[:5]})
    return sorted(out, key=lambda g: (-len(g["outlets"]), -g["occasions"], g["outlets"]))


def to_graphml(network: Network) -> str:
    """The network as GraphML (Gephi, yEd, networkx): outlets as nodes, pairs as weighted edges."""
    outlets = sorted({o for p in network.pairs for o in p.outlets})
    group_of = {o: i for i, g in enumerate(network.groups) for o in g["outlets"]}
    lines = ['<?xml version="1.0" encoding="UTF-8"?>',
             '<graphml xmlns="http://graphml.graphdrawing.org/xmlns">',
             '  <key id="label" for="node" attr.name="label" attr.type="string"/>',
             '  <key id="group" for="node" attr.name="group" attr.type="int"/>',
             '  <key id="weight" for="edge" attr.name="weight" attr.type="double"/>',
             '  <key id="lag" for="edge" attr.name="median_lag_minutes" attr.type="double"/>',
             '  <key id="flagged" for="edge" attr.name="flagged" attr.type="boolean"/>',
             '  <key id="declared" for="edge" attr.name="declared" attr.type="string"/>',
             '  <graph id="coordination" edgedefault="undirected">']
    for i, outlet in enumerate(outlets):
        lines.append(f'    <node id="n{i}"><data key="label">{escape(outlet)}</data>'
                     f'<data key="group">{group_of.get(outlet, -1)}</data></node>')
    index = {o: i for i, o in enumerate(outlets)}
    for p in network.pairs:
        lines.append(f'    <edge source="n{index[p.outlets[0]]}" target="n{index[p.outlets[1]]}">'
                     f'<data key="weight">{len(p.occasions)}</data><data key="lag">{p.median_lag_minutes}</data>'
                     f'<data key="flagged">{str(p.flagged).lower()}</data>'
                     f'<data key="declared">{escape(p.declared or "")}</data></edge>')
    lines += ["  </graph>", "</graphml>", ""]
    return "\n".join(lines)


def digest_section(store: Store, settings: CoordinationSettings, *, clock: Clock = utcnow) -> list[dict[str, Any]]:
    """The coordination groups a digest shows (empty when there are none)."""
    return coordination_network(store, settings, clock=clock).groups


__all__ = ["Network", "Occasion", "Pair", "coordination_network", "credited_agency", "digest_section",
           "to_graphml"]
