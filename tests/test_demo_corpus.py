"""The bundled demo corpus (config/demo) is well-formed and its ground truth is true.

Every later test of the product, and the `make demo` summary, trust config/demo/expected.yaml;
these tests check that the feeds parse, that the planted cases really are in the texts, and that
the items called unrelated really share nothing but boilerplate with other outlets.
"""

from __future__ import annotations

import html
import importlib.util
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import Any
from urllib.parse import urljoin, urlparse

import feedparser
import pytest
import yaml
from langdetect import DetectorFactory, detect_langs

from monitor.config import FeedConfig, load_feeds

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "config" / "demo"
FEEDS_FILE = DEMO / "feeds.yaml"
SITE = DEMO / "site"
DEFAULT_BASE = "http://127.0.0.1:8765"
REQUIRED_LANGUAGES = {"en", "fa", "ar", "fr", "de", "ru"}
FIRST_DAY = datetime(2026, 11, 16, tzinfo=UTC)
LAST_DAY_END = datetime(2026, 11, 25, tzinfo=UTC)


@dataclass(frozen=True)
class Item:
    key: str          # "<feed name>:<guid>"
    feed: str
    title: str
    link: str
    html: str         # the item's HTML in the feed, boilerplate included
    body: str         # plain text without the feed's boilerplate footer (a teaser-only feed's: the article's)
    published: datetime
    author: str
    language: str     # declared in the corpus source


def _build_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("demo_build", DEMO / "build.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@cache
def build() -> ModuleType:
    return _build_module()


@cache
def demo_feeds() -> tuple[FeedConfig, ...]:
    return tuple(load_feeds(FEEDS_FILE))


def feed_path(feed: FeedConfig) -> Path:
    return SITE / urlparse(feed.url).path.lstrip("/")


@cache
def parsed(name: str) -> Any:
    feed = next(f for f in demo_feeds() if f.name == name)
    return feedparser.parse(feed_path(feed).read_bytes())


@cache
def teaser_only_feeds() -> frozenset[str]:
    """Outlets whose feed carries a teaser only; their article text is on the served pages."""
    return frozenset(o["slug"] for o in sources() if o.get("teaser_only"))


@cache
def sources() -> tuple[dict[str, Any], ...]:
    return tuple(build().load_source(src) for src in sorted((DEMO / "source").glob("*.yaml")))


@cache
def article_bodies() -> dict[str, str]:
    """"<feed>:<guid>" -> plain article text, for the teaser-only outlets."""
    return {f"{o['slug']}:{it['id']}": _plain(build()._fill(it["body"])) for o in sources() if o.get("teaser_only")
            for it in o["items"]}


@cache
def declared_languages() -> dict[str, str]:
    """guid -> language, as the corpus source declares it (item `lang` or the outlet's)."""
    out: dict[str, str] = {}
    for src in sorted((DEMO / "source").glob("*.yaml")):
        outlet = build().load_source(src)
        for it in outlet["items"]:
            out[f"{outlet['slug']}:{it['id']}"] = it.get("lang", outlet["language"])
    return out


def _plain(fragment: str) -> str:
    text = re.sub(r"<[^>]+>", " ", fragment)
    return re.sub(r"[ \t\r\n]+", " ", html.unescape(text)).strip()


def _body_without_footer(plain: str) -> str:
    for marker in build().READ_MORE.values():
        cut = plain.find(html.unescape(marker))
        if cut != -1:
            return plain[:cut].strip()
    raise AssertionError(f"no 'read more' boilerplate in {plain[:80]!r}")


@cache
def items() -> tuple[Item, ...]:
    out = []
    langs = declared_languages()
    for feed in demo_feeds():
        if feed.name in failing_feeds():
            continue
        for e in parsed(feed.name).entries:
            raw = e.content[0].value if e.get("content") else e.summary
            key = f"{feed.name}:{e.id}"
            published = datetime(*e.published_parsed[:6], tzinfo=UTC)
            body = article_bodies()[key] if feed.name in teaser_only_feeds() else _body_without_footer(_plain(raw))
            out.append(Item(key, feed.name, e.title, urljoin(feed.url, e.link), raw, body,
                            published, e.get("author", ""), langs[key]))
    return tuple(out)


@cache
def by_key() -> dict[str, Item]:
    return {it.key: it for it in items()}


@cache
def expected() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((DEMO / "expected.yaml").read_text(encoding="utf-8"))
    return data


def narratives(case: str | None = None) -> Iterator[dict[str, Any]]:
    for n in expected()["narratives"]:
        if case is None or n["case"] == case:
            yield n


def all_expected_ids() -> set[str]:
    exp = expected()
    ids = set(exp["unrelated"])
    for n in exp["narratives"]:
        ids |= set(n["members"]) | {n["origin"]}
    for f in exp["figures"]:
        ids |= set(f["members"]) | set(f["raw"])
        if "mutation" in f:
            ids.add(f["mutation"]["member"])
    return ids


def words(text: str) -> list[str]:
    return re.findall(r"\w+", text.lower())


def shingles(text: str, n: int = 8) -> set[tuple[str, ...]]:
    w = words(text)
    return {tuple(w[i:i + n]) for i in range(len(w) - n + 1)}


def failing_feeds() -> set[str]:
    """Feeds planted to fail (expected.yaml blind_spots): listed in feeds.yaml, never served."""
    truth = yaml.safe_load((DEMO / "expected.yaml").read_text(encoding="utf-8"))
    return {f["feed"] for f in (truth.get("blind_spots") or {}).get("failing", [])}


def feed_names() -> list[str]:
    """The feeds the demo site serves."""
    return [f.name for f in demo_feeds() if f.name not in failing_feeds()]


# --------------------------------------------------------------------------- the feeds


def test_demo_feed_list_validates_with_the_config_loader() -> None:
    feeds = load_feeds(FEEDS_FILE)
    assert len(feeds) == 8
    assert all(f.url.startswith(f"{DEFAULT_BASE}/feeds/") for f in feeds)
    assert all(f.outlet and f.language and f.country and f.tags for f in feeds)


def test_demo_feed_urls_follow_MONITOR_DEMO_BASE(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MONITOR_DEMO_BASE", "http://127.0.0.1:9999")
    feeds = load_feeds(FEEDS_FILE)
    assert {f.url for f in feeds} == {f"http://127.0.0.1:9999/feeds/{f.name}.xml" for f in feeds}


def test_the_planted_failing_feed_is_listed_but_not_served() -> None:
    assert failing_feeds() == {"karachi-courier"}
    feed = next(f for f in demo_feeds() if f.name == "karachi-courier")
    assert not feed_path(feed).exists()  # so the demo server answers 404


@pytest.mark.parametrize("name", feed_names())
def test_demo_feed_parses_without_bozo(name: str) -> None:
    d = parsed(name)
    assert not d.bozo, d.get("bozo_exception")
    assert d.version in {"rss20", "atom10"}


@pytest.mark.parametrize("name", feed_names())
def test_demo_feed_has_at_least_12_entries_with_unique_ids(name: str) -> None:
    entries = parsed(name).entries
    assert len(entries) >= (6 if name in teaser_only_feeds() else 12)
    assert len({e.id for e in entries}) == len(entries)


def test_demo_feeds_mix_rss_and_at_least_two_atom() -> None:
    versions = [parsed(n).version for n in feed_names()]
    assert versions.count("atom10") >= 2
    assert "rss20" in versions


def test_committed_feed_files_are_rendered_from_their_sources() -> None:
    b = build()
    for src in sorted((DEMO / "source").glob("*.yaml")):
        outlet = b.load_source(src)
        committed = (SITE / "feeds" / f"{outlet['slug']}.xml").read_text(encoding="utf-8")
        assert committed == b.render(outlet), f"run `python config/demo/build.py` after editing {src.name}"


# --------------------------------------------------------------------------- the items


def test_every_item_has_title_author_and_link_to_its_article_page() -> None:
    for it in items():
        assert it.title and it.author, it.key
        assert re.fullmatch(rf"{re.escape(DEFAULT_BASE)}/articles/{it.feed}/[a-z0-9-]+\.html", it.link), it.link


def test_item_dates_fall_between_16_and_24_november_2026_utc() -> None:
    for it in items():
        assert FIRST_DAY <= it.published < LAST_DAY_END, it.key


def test_item_texts_are_80_to_300_words() -> None:
    for it in items():
        assert 80 <= len(it.body.split()) <= 300, (it.key, len(it.body.split()))


def test_item_html_carries_markup_and_entities() -> None:
    with_entities = [it for it in items() if re.search(r"&[a-z]+;|&#\d+;", it.html)]
    with_inline_markup = [it for it in items() if re.search(r"<(strong|em|a)\b", it.html)]
    assert all("<p>" in it.html for it in items())
    assert len(with_entities) >= len(items()) // 2
    assert len(with_inline_markup) == len(items())  # at least the boilerplate links


def test_required_languages_are_present_with_turkish_and_urdu_extras() -> None:
    langs = {it.language for it in items()}
    assert langs >= REQUIRED_LANGUAGES
    assert {"tr", "ur"} <= langs


def test_declared_item_languages_agree_with_a_language_detector() -> None:
    DetectorFactory.seed = 0
    wrong = []
    for it in items():
        best = detect_langs(it.body)[0]
        if best.lang != it.language:
            wrong.append((it.key, it.language, str(best)))
    assert not wrong


# --------------------------------------------------------------------------- the ground truth


def test_every_id_in_expected_exists_in_the_feeds() -> None:
    missing = all_expected_ids() - set(by_key())
    assert not missing


def test_every_item_is_accounted_for_in_expected() -> None:
    assert set(by_key()) == all_expected_ids()


def test_unrelated_items_are_no_narrative_members() -> None:
    members = {m for n in narratives() for m in n["members"]}
    assert not members & set(expected()["unrelated"])


def test_narrative_origin_is_its_earliest_member() -> None:
    for n in narratives():
        assert n["origin"] in n["members"]
        earliest = min(n["members"], key=lambda k: by_key()[k].published)
        assert earliest == n["origin"], n["name"]


def test_each_narrative_spans_several_outlets_and_its_stated_languages() -> None:
    for n in narratives():
        feeds = {by_key()[m].feed for m in n["members"]}
        assert len(feeds) == len(n["members"]) >= 2, n["name"]
        assert {by_key()[m].language for m in n["members"]} == set(n["languages"]), n["name"]


def test_all_planted_cases_are_present() -> None:
    cases = {n["case"] for n in narratives()}
    assert cases == {"verbatim", "edited", "translated", "talking_point", "coordination", "fulltext"}
    assert len(list(narratives("translated"))) >= 2
    assert len(list(narratives("coordination"))) == 3


def test_verbatim_republications_have_the_same_title_and_text_hours_later() -> None:
    for n in narratives("verbatim"):
        origin = by_key()[n["origin"]]
        for m in n["members"]:
            it = by_key()[m]
            assert (it.title, it.body) == (origin.title, origin.body)
            if m != n["origin"]:
                assert timedelta(hours=1) <= it.published - origin.published <= timedelta(hours=12)


def test_edited_copy_has_a_new_headline_and_one_or_two_changed_sentences() -> None:
    for n in narratives("edited"):
        origin = by_key()[n["origin"]]
        for m in n["members"]:
            if m == n["origin"]:
                continue
            copy = by_key()[m]
            assert copy.title != origin.title
            split = re.compile(r"(?<=[.!?”])\s+")
            a, b = set(split.split(origin.body)), set(split.split(copy.body))
            assert 1 <= len(a - b) <= 2 and 1 <= len(b - a) <= 2, (a - b, b - a)


def _has_anchor(text: str, anchor: str) -> bool:
    return any(alt in text for alt in anchor.split("|"))


def test_translations_keep_the_names_numbers_and_places_of_the_original() -> None:
    for n in narratives("translated"):
        for m in n["members"]:
            text = by_key()[m].body
            missing = [a for a in n["anchors"] if not _has_anchor(text, a)]
            assert not missing, (m, missing)


def test_translations_share_no_long_passage_with_their_original() -> None:
    for n in narratives("translated"):
        origin = shingles(by_key()[n["origin"]].body)
        for m in n["members"]:
            if m != n["origin"]:
                assert not origin & shingles(by_key()[m].body), m


def test_talking_point_passage_is_in_every_member_and_the_rest_differs() -> None:
    for n in narratives("talking_point"):
        passage = " ".join(n["passage"].split())
        rests = []
        for m in n["members"]:
            body = by_key()[m].body
            assert passage in body, m
            rests.append(shingles(body.replace(passage, " ")))
        for i, a in enumerate(rests):
            for b in rests[i + 1:]:
                assert not a & b


def test_coordinated_texts_appear_in_the_same_outlets_within_minutes() -> None:
    for group in expected()["coordination"]:
        spread = timedelta(minutes=group["max_spread_minutes"])
        occasions = [n for n in narratives("coordination") if n["name"] in group["occasions"]]
        assert len(occasions) == len(group["occasions"]) >= 3
        days = set()
        for n in occasions:
            members = [by_key()[m] for m in n["members"]]
            assert sorted(it.feed for it in members) == sorted(group["outlets"])
            assert len({it.body for it in members}) == 1, n["name"]
            times = [it.published for it in members]
            assert max(times) - min(times) <= spread
            days.add(min(times).date())
        assert len(days) == len(occasions)  # separate occasions, not one burst


def test_coordinated_texts_are_short() -> None:
    for n in narratives("coordination"):
        assert all(len(by_key()[m].body.split()) <= 120 for m in n["members"])


# --------------------------------------------------------------------------- figures


def test_each_figure_raw_form_occurs_in_its_member_text() -> None:
    for f in expected()["figures"]:
        assert set(f["raw"]) == set(f["members"])
        for member, raw in f["raw"].items():
            assert raw in by_key()[member].body, (member, raw)
        if "mutation" in f:
            assert f["mutation"]["raw"] in by_key()[f["mutation"]["member"]].body


def test_figure_members_come_from_several_outlets_and_languages() -> None:
    for f in expected()["figures"]:
        members = [by_key()[m] for m in f["members"]]
        assert len({it.feed for it in members}) == len(members) >= 4
        assert len({it.language for it in members}) >= 3


def test_1500_is_written_in_every_planted_format() -> None:
    raws = set(next(f for f in expected()["figures"] if f["value"] == 1500)["raw"].values())
    assert {"1,500", "۱۵۰۰", "1.500", "1.5 thousand"} <= raws
    assert raws & {"1\u202f500", "1\u00a0500"}  # French, with a (narrow) no-break space


def test_mutated_figure_differs_and_comes_from_an_outlet_outside_the_members() -> None:
    for f in expected()["figures"]:
        if "mutation" not in f:
            continue
        assert f["mutation"]["value"] != f["value"]
        member_feeds = {by_key()[m].feed for m in f["members"]}
        assert by_key()[f["mutation"]["member"]].feed not in member_feeds


def test_second_recurring_figure_30000_is_written_in_several_formats() -> None:
    raws = set(next(f for f in expected()["figures"] if f["value"] == 30000)["raw"].values())
    assert {"30,000", "30.000", "۳۰ هزار"} <= raws


# --------------------------------------------------------------------------- unrelated items


def test_unrelated_items_are_the_majority_of_the_corpus() -> None:
    assert len(expected()["unrelated"]) > len(items()) / 2


def test_unrelated_items_share_no_passage_with_another_outlet() -> None:
    shingled = {it.key: shingles(it.body) for it in items()}
    for key in expected()["unrelated"]:
        mine = shingled[key]
        feed = by_key()[key].feed
        for other in items():
            if other.feed != feed:
                assert not mine & shingled[other.key], (key, other.key)


def test_every_item_carries_the_feed_boilerplate_that_must_not_match() -> None:
    for it in items():
        plain = _plain(it.html)
        if it.feed not in teaser_only_feeds():
            assert it.body in plain and len(plain) > len(it.body) + 20
        assert re.search(r"appeared first on|پدیدار شد|أولاً على|apparu en premier|erschien zuerst|"
                         r"появились сначала|ilk önce|پہلے", plain), it.key
