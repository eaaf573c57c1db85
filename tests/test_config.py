"""Settings: defaults that work, environment overrides, ${VAR} expansion, and errors that name
the file, the line and the field."""

from __future__ import annotations

from pathlib import Path

import pytest

from monitor.config import load_feeds, load_settings
from monitor.errors import ConfigError


def test_defaults_use_a_sqlite_file_under_the_data_dir(tmp_path: Path) -> None:
    s = load_settings(env={"MONITOR_DATA_DIR": str(tmp_path)})
    assert s.resolved_database_url() == f"sqlite:///{tmp_path / 'monitor.db'}"


def test_database_url_comes_from_the_environment() -> None:
    s = load_settings(env={"MONITOR_DATABASE_URL": "postgresql+psycopg://u:p@db/monitor"})
    assert s.resolved_database_url() == "postgresql+psycopg://u:p@db/monitor"


def test_nested_settings_are_overridden_with_double_underscores() -> None:
    s = load_settings(env={"MONITOR_HTTP__MAX_CONCURRENCY": "7", "MONITOR_HTTP__ALLOW_PRIVATE_NETWORKS": "true"})
    assert s.http.max_concurrency == 7
    assert s.http.allow_private_networks is True


def test_settings_file_values_are_read_and_env_wins(tmp_path: Path) -> None:
    cfg = tmp_path / "monitor.yaml"
    cfg.write_text("http:\n  max_concurrency: 3\n  retries: 4\n", encoding="utf-8")
    s = load_settings(cfg, env={"MONITOR_HTTP__MAX_CONCURRENCY": "9"})
    assert (s.http.max_concurrency, s.http.retries) == (9, 4)


def test_invalid_value_names_file_line_and_field(tmp_path: Path) -> None:
    cfg = tmp_path / "monitor.yaml"
    cfg.write_text("retention_days: 30\nhttp:\n  user_agent: x\n  max_concurrency: -2\n", encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_settings(cfg, env={})
    assert err.value.path == str(cfg)
    assert err.value.line == 4
    assert err.value.field == "http.max_concurrency"
    assert f"{cfg}:4: http.max_concurrency:" in str(err.value)


def test_unknown_setting_is_rejected_with_its_line(tmp_path: Path) -> None:
    cfg = tmp_path / "monitor.yaml"
    cfg.write_text("http:\n  max_concurency: 3\n", encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_settings(cfg, env={})
    assert (err.value.line, err.value.field) == (2, "http.max_concurency")


def test_broken_yaml_names_the_line(tmp_path: Path) -> None:
    cfg = tmp_path / "monitor.yaml"
    cfg.write_text("http:\n  max_concurrency: [1, 2\nretries: 3\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="invalid YAML") as err:
        load_settings(cfg, env={})
    assert err.value.line is not None and err.value.line >= 2


def test_missing_settings_file_named_explicitly_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="file not found"):
        load_settings(tmp_path / "nope.yaml", env={})


def test_env_references_in_feed_urls_are_expanded_with_defaults(tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    f = tmp_path / "feeds.yaml"
    f.write_text('feeds:\n  - name: a\n    url: "${BASE:-http://127.0.0.1:1}/a.xml"\n'
                 '  - name: b\n    url: "${OTHER}/b.xml"\n', encoding="utf-8")
    monkeypatch.delenv("BASE", raising=False)
    monkeypatch.setenv("OTHER", "https://example.org")
    feeds = load_feeds(f)
    assert [x.url for x in feeds] == ["http://127.0.0.1:1/a.xml", "https://example.org/b.xml"]


def test_unset_env_reference_without_default_is_a_config_error(tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    f = tmp_path / "feeds.yaml"
    f.write_text('feeds:\n  - name: a\n    url: "${NOT_SET_ANYWHERE}/a.xml"\n', encoding="utf-8")
    monkeypatch.delenv("NOT_SET_ANYWHERE", raising=False)
    with pytest.raises(ConfigError, match="NOT_SET_ANYWHERE"):
        load_feeds(f)
