"""Bad configuration and bad command-line input: every error names what to fix (file, line and
field; the input line) and exits with the documented code (docs/exit-codes.md):
0 ok, 1 a MonitorError (configuration, store, delivery), 2 bad usage or malformed input,
3 ``--strict`` and a feed failed. Never a traceback.

The CLI entry point (``monitor.cli.app.main``) runs in-process with its real argument parsing,
error translation and exit codes; only argv, stdin and the environment are set per test.
"""

from __future__ import annotations

import io
import json
import os
import sys
from pathlib import Path

import pytest
import yaml

from monitor.cli.app import main
from tests.faultserver import FaultServer


def monitor(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], *args: str,
            stdin: str = "") -> tuple[int, str, str]:
    """Run ``monitor ARGS`` as the console script does: (exit code, stdout, stderr)."""
    monkeypatch.setattr(sys, "argv", ["monitor", *args])
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    capsys.readouterr()
    saved = os.environ.get("MONITOR_CONFIG")
    try:
        with pytest.raises(SystemExit) as exc:
            main()
    finally:  # --config is handed to commands through the environment: keep it to this call
        if saved is None:
            os.environ.pop("MONITOR_CONFIG", None)
        else:
            os.environ["MONITOR_CONFIG"] = saved
    out, err = capsys.readouterr()
    code = exc.value.code
    rc = code if isinstance(code, int) else (0 if code is None else 1)
    assert "Traceback" not in err, err
    return rc, out, err


@pytest.fixture
def env(tmp_path: Path, database_url: str, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A clean MONITOR_ environment against the store under test; returns a scratch folder."""
    for k in list(os.environ):
        if k.startswith("MONITOR_") and k != "MONITOR_TEST_DATABASE_URL":
            monkeypatch.delenv(k)
    monkeypatch.setenv("MONITOR_DATABASE_URL", database_url)
    monkeypatch.setenv("MONITOR_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.chdir(tmp_path)  # no config/monitor.yaml here
    return tmp_path


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


Run = tuple[pytest.MonkeyPatch, pytest.CaptureFixture[str]]


@pytest.fixture
def run(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Run:
    return monkeypatch, capsys


# --------------------------------------------------------------------------- settings file

def test_an_invalid_setting_names_file_line_and_field(env: Path, run: Run) -> None:
    cfg = write(env / "monitor.yaml", "http:\n  user_agent: test\n  read_timeout: -2\n")
    rc, _, err = monitor(*run, "--config", str(cfg), "report")
    assert rc == 1
    assert f"{cfg}:3" in err and "http.read_timeout" in err and "greater than 0" in err


def test_a_misspelt_setting_is_rejected_with_its_line_and_name(env: Path, run: Run) -> None:
    cfg = write(env / "monitor.yaml", "digest:\n  sender: monitor@example.org\n  subjet_prefix: '[m]'\n")
    rc, _, err = monitor(*run, "--config", str(cfg), "report")
    assert rc == 1
    assert f"{cfg}:3" in err and "digest.subjet_prefix" in err


def test_broken_yaml_in_the_settings_file_names_the_line(env: Path, run: Run) -> None:
    cfg = write(env / "monitor.yaml", "http:\n  retries: 2\n  user_agent: [unclosed\n")
    rc, _, err = monitor(*run, "--config", str(cfg), "report")
    assert rc == 1
    assert str(cfg) in err and "invalid YAML" in err and f"{cfg}:" in err


def test_a_bad_subscription_address_names_its_list_position(env: Path, run: Run) -> None:
    cfg = write(env / "monitor.yaml", yaml.safe_dump({"digest": {"subscriptions": [
        {"email": "ana@example.org"}, {"email": "not-an-address"}]}}))
    rc, _, err = monitor(*run, "--config", str(cfg), "report")
    assert rc == 1
    assert "digest.subscriptions.1.email" in err and "email address" in err


def test_a_bad_environment_override_names_the_setting(env: Path, run: Run,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MONITOR_HTTP__RETRIES", "-3")
    rc, _, err = monitor(*run, "report")
    assert rc == 1
    assert "http.retries" in err and "<environment>" in err


# --------------------------------------------------------------------------- feeds file

def test_a_feed_with_a_non_http_url_names_file_line_and_field(env: Path, run: Run) -> None:
    feeds = write(env / "feeds.yaml", "feeds:\n  - name: a\n    url: https://a.example.org/rss\n"
                                      "  - name: b\n    url: ftp://b.example.org/rss\n")
    rc, _, err = monitor(*run, "ingest", "--feeds", str(feeds))
    assert rc == 1
    assert f"{feeds}:5" in err and "feeds.1.url" in err and "http" in err


def test_a_duplicate_feed_name_is_named_with_its_line(env: Path, run: Run) -> None:
    feeds = write(env / "feeds.yaml", "feeds:\n  - name: a\n    url: https://a.example.org/rss\n"
                                      "  - name: a\n    url: https://b.example.org/rss\n")
    rc, _, err = monitor(*run, "ingest", "--feeds", str(feeds))
    assert rc == 1
    assert f"{feeds}:4" in err and "duplicate feed name 'a'" in err


def test_an_unset_variable_in_the_feeds_file_is_named(env: Path, run: Run) -> None:
    feeds = write(env / "feeds.yaml", "feeds:\n  - name: a\n    url: ${NO_SUCH_MONITOR_BASE}/rss\n")
    rc, _, err = monitor(*run, "ingest", "--feeds", str(feeds))
    assert rc == 1
    assert str(feeds) in err and "NO_SUCH_MONITOR_BASE" in err


def test_a_missing_feeds_file_is_named(env: Path, run: Run) -> None:
    rc, _, err = monitor(*run, "ingest", "--feeds", str(env / "nope.yaml"))
    assert rc == 1
    assert str(env / "nope.yaml") in err and "not found" in err


# --------------------------------------------------------------------------- store

def test_an_unreachable_database_is_an_error_not_a_traceback(env: Path, run: Run,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MONITOR_DATABASE_URL", "postgresql+psycopg://nobody:secret@127.0.0.1:9/none")
    rc, _, err = monitor(*run, "report")
    assert rc == 1
    assert err.startswith("error: ") and "127.0.0.1" in err and "secret" not in err


def test_an_unsupported_database_url_is_an_error(env: Path, run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MONITOR_DATABASE_URL", "not a url at all")
    rc, _, err = monitor(*run, "report")
    assert rc == 1
    assert "database URL" in err


# --------------------------------------------------------------------------- usage

def test_an_unknown_command_is_a_usage_error(run: Run) -> None:
    rc, _, err = monitor(*run, "ingets")
    assert rc == 2 and "ingets" in err


def test_an_unknown_option_is_a_usage_error(run: Run) -> None:
    rc, _, err = monitor(*run, "ingest", "--forse")
    assert rc == 2 and "--forse" in err


def test_a_malformed_option_value_is_a_usage_error(env: Path, run: Run) -> None:
    rc, _, err = monitor(*run, "items", "--since", "yesterday-ish")
    assert rc == 2 and "--since" in err


# --------------------------------------------------------------------------- JSON Lines input

GOOD = {"lang": {"text": "Der Bundestag hat das Gesetz beschlossen."},
        "normalize": {"text": "Café"},
        "figures": {"text": "12 people"},
        "similar": {"a": "one", "b": "two"},
        "cluster": {"text": "Police arrested 12 people."}}


@pytest.mark.parametrize("command", sorted(GOOD))
def test_a_line_that_is_not_an_object_is_named_by_number(run: Run, command: str) -> None:
    lines = [json.dumps({"id": i, **GOOD[command]}) for i in range(2)] + ["[1, 2, 3]"]
    rc, _, err = monitor(*run, command, stdin="\n".join(lines) + "\n")
    assert rc == 2 and "line 3" in err and "JSON object" in err, err


@pytest.mark.parametrize("command", sorted(GOOD))
def test_a_field_of_the_wrong_type_is_named_with_its_line(run: Run, command: str) -> None:
    field = next(iter(GOOD[command]))
    lines = [json.dumps({"id": "a", **GOOD[command]}), "", json.dumps({"id": "b", **GOOD[command], field: 42})]
    rc, _, err = monitor(*run, command, stdin="\n".join(lines) + "\n")
    assert rc == 2 and "line 3" in err and repr(field) in err, err


def test_an_id_that_is_neither_string_nor_number_is_refused(run: Run) -> None:
    rc, _, err = monitor(*run, "normalize", stdin=json.dumps({"id": {"x": 1}, "text": "a"}) + "\n")
    assert rc == 2 and "line 1" in err and "'id'" in err


# --------------------------------------------------------------------------- --strict

def test_strict_ingest_exits_3_when_a_feed_failed_and_0_otherwise(env: Path, run: Run,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.faultserver import rss

    monkeypatch.setenv("MONITOR_HTTP__RETRIES", "0")
    with FaultServer() as srv:
        ok = srv.add_feed("ok", rss("ok", [("1", "A title", "Some text of the story.")]))
        good = write(env / "good.yaml", yaml.safe_dump({"feeds": [{"name": "ok", "url": ok}]}))
        bad = write(env / "bad.yaml", yaml.safe_dump({"feeds": [{"name": "ok", "url": ok},
                                                                {"name": "broken", "url": srv.url("/500")}]}))
        rc_good, _, _ = monitor(*run, "ingest", "--strict", "--allow-private-networks", "--feeds", str(good))
        rc_bad, _, err = monitor(*run, "ingest", "--strict", "--allow-private-networks", "--feeds", str(bad))
        rc_lax, _, _ = monitor(*run, "ingest", "--allow-private-networks", "--feeds", str(bad))
    assert (rc_good, rc_bad, rc_lax) == (0, 3, 0)
    assert "broken" in err and "1 failed" in err
