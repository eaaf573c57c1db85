"""atheris (libFuzzer) target for the feed parsing path: arbitrary bytes and a content type into
``monitor.parse.parse_feed``, which must return a well-formed ParsedFeed or raise FeedParseError.

    python fuzz/feed_parse.py [--seeds DIR ...] CORPUS_DIR [libFuzzer flags, e.g. -max_total_time=60]
    python fuzz/feed_parse.py --replay CORPUS_DIR     # run every input once, without fuzzing

``make fuzz`` seeds a scratch corpus (var/fuzz/corpus) with the demo feeds, the test fixtures and,
when present, ../shared/data/feeds, then fuzzes for FUZZ_SECONDS (default 60). A crash writes the
input to ``crash-<sha1>`` in the current directory and exits non-zero; reproduce it with
``python fuzz/feed_parse.py crash-<sha1>``.
"""

from __future__ import annotations

import re
import sys
from datetime import UTC, datetime
from pathlib import Path

import atheris

with atheris.instrument_imports(include=["monitor"]):
    from monitor.errors import FeedParseError
    from monitor.parse import ParsedFeed, parse_feed

FETCHED = datetime(2026, 11, 25, 3, 0, tzinfo=UTC)
CONTENT_TYPES = ["application/rss+xml; charset=utf-8", "application/atom+xml", "text/xml; charset=iso-8859-1",
                 "application/feed+json", "text/html; charset=windows-1256", "", "application/json"]
REASONS = {"empty", "parser_crash", "not_a_feed", "no_entries", "no_usable_entries"}
HEX64 = re.compile(r"[0-9a-f]{64}")


def check(feed: ParsedFeed) -> None:
    """What every caller of parse_feed relies on."""
    assert feed.items, "a ParsedFeed always has items"
    keys = [it.item_key for it in feed.items]
    assert len(set(keys)) == len(keys), f"duplicate item keys {keys}"
    for it in feed.items:
        assert isinstance(it.item_key, str) and it.item_key, it
        assert it.title or it.summary or it.content or it.url, it
        assert HEX64.fullmatch(it.content_hash), it.content_hash
        assert it.published_at.tzinfo is not None, it.published_at
        assert it.published_source in {"published", "updated", "fetched", "future_clamped"}, it.published_source
        assert "\x00" not in it.title + it.summary + it.content, "NUL in stored text"


def test_one_input(data: bytes) -> None:
    fdp = atheris.FuzzedDataProvider(data)
    content_type = CONTENT_TYPES[fdp.ConsumeIntInRange(0, len(CONTENT_TYPES) - 1)]
    body = fdp.ConsumeBytes(fdp.remaining_bytes())
    try:
        feed = parse_feed(body, {"Content-Type": content_type} if content_type else {},
                          fetched_at=FETCHED, url="https://feeds.example.org/rss")
    except FeedParseError as e:
        assert e.reason in REASONS, e.reason
        return
    check(feed)


def seed(corpus: Path, sources: list[Path]) -> int:
    """Copy seed files into the corpus, prefixed with the content-type byte the target reads first."""
    corpus.mkdir(parents=True, exist_ok=True)
    n = 0
    for src in sources:
        if not src.exists():
            print(f"seed folder {src} not found; skipped", file=sys.stderr)
            continue
        for path in sorted(p for p in src.rglob("*") if p.is_file() and p.stat().st_size < 200_000):
            target = corpus / f"seed-{n:05d}"
            if not target.exists():
                target.write_bytes(b"\x00" + path.read_bytes())
            n += 1
    return n


def replay(corpus: Path) -> int:
    """Run every corpus input once (e.g. under coverage.py); returns how many."""
    files = sorted(p for p in corpus.iterdir() if p.is_file())
    for path in files:
        test_one_input(path.read_bytes())
    return len(files)


def main() -> None:
    argv = sys.argv[1:]
    if argv[:1] == ["--replay"]:
        print(f"{replay(Path(argv[1]))} inputs replayed, all passed", file=sys.stderr)
        return
    seeds: list[Path] = []
    while "--seeds" in argv:
        i = argv.index("--seeds")
        seeds.append(Path(argv[i + 1]))
        del argv[i:i + 2]
    corpus = next((Path(a) for a in argv if not a.startswith("-")), None)
    if seeds and corpus is not None and (not corpus.exists() or corpus.is_dir()):
        print(f"{seed(corpus, seeds)} seed files in {corpus}", file=sys.stderr)
    atheris.Setup([sys.argv[0], *argv], test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
