"""The default feed list (config/feeds.yaml) is valid, and a broken feeds file is reported precisely.

Broken files live in tests/data/config/; each states in its header what it tests, and marks the
line the error must point at with ``# error here``.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from urllib.parse import urlparse

import pytest

from monitor.config import FeedConfig, load_feeds
from monitor.errors import ConfigError

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_FEEDS = ROOT / "config" / "feeds.yaml"
BROKEN = ROOT / "tests" / "data" / "config"
LANGUAGES = {"en", "fa", "ar", "fr", "de", "ru", "tr", "ur"}


def default_feeds() -> list[FeedConfig]:
    return load_feeds(DEFAULT_FEEDS)


def marked_line(path: Path) -> int:
    """The 1-based line carrying the ``# error here`` marker."""
    lines = path.read_text(encoding="utf-8").splitlines()
    hits = [i for i, line in enumerate(lines, start=1) if line.rstrip().endswith("# error here")]
    assert len(hits) == 1, f"{path.name} must mark exactly one line"
    return hits[0]


def load_error(name: str) -> tuple[ConfigError, Path]:
    path = BROKEN / name
    with pytest.raises(ConfigError) as info:
        load_feeds(path)
    return info.value, path


# --------------------------------------------------------------------------- the default list


def test_default_feed_list_validates_with_the_config_loader() -> None:
    assert 25 <= len(default_feeds()) <= 40


def test_default_feed_names_are_unique() -> None:
    counts = Counter(f.name for f in default_feeds())
    assert [name for name, n in counts.items() if n > 1] == []


def test_default_feed_urls_are_unique_https_and_not_local() -> None:
    urls = [f.url for f in default_feeds()]
    assert len(set(urls)) == len(urls)
    for url in urls:
        parts = urlparse(url)
        assert parts.scheme == "https", url
        assert parts.hostname and "." in parts.hostname and not parts.hostname.startswith("127."), url


def test_default_feeds_cover_every_monitored_language() -> None:
    assert {f.language for f in default_feeds()} == LANGUAGES


def test_default_feeds_state_outlet_country_tags_and_interval() -> None:
    for f in default_feeds():
        assert f.outlet and f.tags and f.interval, f.name
        assert f.country and len(f.country) == 2 and f.country.islower(), f.name


def test_default_feeds_include_the_international_broadcasters_in_several_languages() -> None:
    by_outlet: dict[str, set[str | None]] = {}
    for f in default_feeds():
        by_outlet.setdefault(f.outlet_name.split()[0], set()).add(f.language)
    assert {"fa", "ar", "ru", "tr", "ur", "en"} <= by_outlet["BBC"]
    assert len(by_outlet["Deutsche"]) >= 4  # Deutsche Welle
    assert {"en", "fr", "ar"} <= by_outlet["France"]  # France 24


# --------------------------------------------------------------------------- broken files


@pytest.mark.parametrize(
    ("name", "field", "words"),
    [
        ("feeds_missing_url.yaml", "feeds.1.url", "required"),
        ("feeds_bad_scheme.yaml", "feeds.0.url", "http"),
        ("feeds_bad_language.yaml", "feeds.2.language", "ISO 639"),
        ("feeds_misspelt_field.yaml", "feeds.0.langauge", "not permitted"),
        ("feeds_bad_interval.yaml", "feeds.0.interval", "greater than or equal to 1"),
    ],
)
def test_invalid_feed_error_names_file_line_and_field(name: str, field: str, words: str) -> None:
    err, path = load_error(name)
    line = marked_line(path)
    assert (err.path, err.line, err.field) == (str(path), line, field)
    assert str(err).startswith(f"{path}:{line}: {field}: ")
    assert words in str(err)


def test_invalid_yaml_error_names_file_and_the_line_where_parsing_failed() -> None:
    err, path = load_error("feeds_invalid_yaml.yaml")
    assert err.line == marked_line(path)
    assert str(err).startswith(f"{path}:{err.line}: invalid YAML")


def test_duplicate_feed_name_error_names_file_line_field_and_the_name() -> None:
    err, path = load_error("feeds_duplicate_name.yaml")
    assert err.path == str(path)
    assert err.line == marked_line(path)
    assert err.field == "feeds.1.name"
    assert "duplicate feed name 'twin'" in str(err)


def test_missing_file_error_names_the_file(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.yaml"
    with pytest.raises(ConfigError) as info:
        load_feeds(missing)
    assert str(missing) in str(info.value)


def test_unset_environment_variable_in_a_url_is_named(tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MONITOR_TEST_UNSET_BASE", raising=False)
    path = tmp_path / "feeds.yaml"
    path.write_text("feeds:\n  - name: x\n    url: ${MONITOR_TEST_UNSET_BASE}/feed.xml\n", encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_feeds(path)
    assert "MONITOR_TEST_UNSET_BASE" in str(info.value)
    assert str(path) in str(info.value)
