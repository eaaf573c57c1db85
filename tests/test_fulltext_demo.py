"""The demo corpus's teaser-only outlet (config/demo/source/pennine-post.yaml): its article pages are
rendered from the source, its feed really carries teasers only, and its planted `fulltext`
narrative is visible in the article pages and not in the feed. The command `monitor extract`
fetches those pages from the served demo site."""

from __future__ import annotations

import importlib.util
import json
import re
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import feedparser
import yaml

from monitor.config import FulltextSettings, load_feeds
from monitor.fulltext import extract_page, is_teaser
from monitor.htmltext import html_to_text

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "config" / "demo"
SLUG = "pennine-post"


def _build() -> ModuleType:
    spec = importlib.util.spec_from_file_location("demo_build_fulltext", DEMO / "build.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


BUILD = _build()
OUTLET: dict[str, Any] = BUILD.load_source(DEMO / "source" / f"{SLUG}.yaml")
EXPECTED = yaml.safe_load((DEMO / "expected.yaml").read_text(encoding="utf-8"))
PLANTED = next(n for n in EXPECTED["narratives"] if n["case"] == "fulltext")


def shingles(text: str, n: int = 8) -> set[tuple[str, ...]]:
    w = re.findall(r"\w+", text.lower())
    return {tuple(w[i:i + n]) for i in range(len(w) - n + 1)}


def feed_entries() -> dict[str, Any]:
    parsed = feedparser.parse((DEMO / "site" / "feeds" / f"{SLUG}.xml").read_bytes())
    return {f"{SLUG}:{e.id}": e for e in parsed.entries}


def feed_item_text(key: str) -> str:
    """The item text as `monitor` stores it from the feed (HTML to text)."""
    return html_to_text(feed_entries()[key].summary)


def origin_text() -> str:
    feed, guid = PLANTED["origin"].split(":")
    parsed = feedparser.parse((DEMO / "site" / "feeds" / f"{feed}.xml").read_bytes())
    entry = next(e for e in parsed.entries if e.id == guid)
    return html_to_text(entry.get("content", [{}])[0].get("value") or entry.summary)


def test_committed_article_pages_are_rendered_from_the_source() -> None:
    pages = BUILD.articles(OUTLET)
    folder = DEMO / "site" / "articles" / SLUG
    assert sorted(pages) == sorted(p.name for p in folder.glob("*.html")) and len(pages) == len(OUTLET["items"])
    for name, page in pages.items():
        assert (folder / name).read_text(encoding="utf-8") == page, "run `python config/demo/build.py`"


def test_the_outlet_is_configured_for_full_text_and_every_item_reads_as_a_teaser() -> None:
    feed = next(f for f in load_feeds(DEMO / "feeds.yaml") if f.name == SLUG)
    assert feed.fulltext == "auto"
    for key in feed_entries():
        assert is_teaser(feed_item_text(key), FulltextSettings()), key


def test_the_planted_narrative_is_not_in_the_feed_text_but_is_in_the_article_page() -> None:
    member = next(m for m in PLANTED["members"] if m.startswith(f"{SLUG}:"))
    origin = shingles(origin_text())
    assert not origin & shingles(feed_item_text(member))
    link = feed_entries()[member].link
    page = (DEMO / "site" / "articles" / SLUG / Path(link).name).read_bytes()
    extracted = extract_page(page, {"content-type": "text/html"}, link, FulltextSettings())
    assert extracted.usable and extracted.text
    assert len(origin & shingles(extracted.text)) >= 0.8 * len(origin)


def test_article_pages_lose_their_related_box_comments_and_cookie_banner() -> None:
    titles = [BUILD._fill(it["title"]) for it in OUTLET["items"]]
    for it in OUTLET["items"]:
        page = (DEMO / "site" / "articles" / SLUG / f"{it['slug']}.html").read_bytes()
        text = extract_page(page, {"content-type": "text/html"}, it["slug"], FulltextSettings()).text or ""
        others = [t for t in titles if t != BUILD._fill(it["title"])]
        leaked = [t for t in others if t in text] + [s for s in ("cookies", "Posted by", "All rights reserved",
                                                                  "More from", it.get("comment", "")) if s in text]
        assert not leaked, (it["id"], leaked)


def test_monitor_extract_fetches_the_demo_articles_once(demo_env: dict[str, str]) -> None:
    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "monitor.cli.app", *args], capture_output=True, text=True,
                              cwd=ROOT, env={**demo_env, "PATH": "/usr/bin:/bin",
                                             "MONITOR_FULLTEXT__PER_HOST_DELAY": "0"}, timeout=300)

    ingest = run("ingest", "--json")
    assert ingest.returncode == 0, ingest.stderr
    first = run("extract", "--feed", SLUG)
    assert first.returncode == 0, first.stderr
    n = len(OUTLET["items"])
    assert f"{n} items wanted their page: {n} now use it; flagged: none; failed: none" in first.stderr
    again = json.loads(run("extract", "--json").stdout)
    assert again["candidates"] == 0
    listed = [json.loads(line) for line in run("items", "--feed", SLUG).stdout.splitlines()]
    assert {row["text_source"] for row in listed} == {"page"}
