"""The command line explains itself and follows the JSON Lines contract's error rules."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest
from typer.main import get_command

from monitor.cli.app import app

MONITOR = [sys.executable, "-m", "monitor.cli.app"]


def _all_command_paths() -> list[list[str]]:
    paths: list[list[str]] = []

    def walk(cmd: object, prefix: list[str]) -> None:
        subs = getattr(cmd, "commands", None)
        if subs:
            for name, sub in sorted(subs.items()):
                paths.append([*prefix, name])
                walk(sub, [*prefix, name])

    walk(get_command(app), [])
    return paths


def _run(args: list[str], stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(MONITOR + args, input=stdin, capture_output=True, text=True, timeout=120)


def test_top_level_help_lists_the_contract_and_pipeline_commands() -> None:
    r = _run(["--help"])
    assert r.returncode == 0
    for name in ("lang", "normalize", "figures", "similar", "cluster", "ingest", "items", "run", "digest"):
        # a command entry (name, then its description), not the name inside other prose:
        # the description alone says "runs", "(figures)" and "digests"
        assert re.search(rf"^\W*{name}\s{{2,}}\S", r.stdout, re.M), name


@pytest.mark.parametrize("path", _all_command_paths(), ids=lambda p: " ".join(p))
def test_every_subcommand_explains_itself_in_help(path: list[str]) -> None:
    r = _run([*path, "--help"])
    assert r.returncode == 0, r.stderr
    assert "Usage:" in r.stdout
    help_text = get_command(app)
    for part in path:
        help_text = help_text.commands[part]  # type: ignore[attr-defined]
    doc = (help_text.help or "").strip()
    assert len(doc) > 20, f"`monitor {' '.join(path)}` needs a real description"


def test_malformed_json_line_exits_2_and_names_the_line() -> None:
    r = _run(["figures"], stdin='{"id": "a", "text": "12 people"}\n{"id": "b", "text": \n')
    assert r.returncode == 2
    assert "line 2" in r.stderr


def test_missing_field_exits_2_and_names_field_and_line() -> None:
    r = _run(["normalize"], stdin='{"id": "a"}\n')
    assert r.returncode == 2
    assert "line 1" in r.stderr and "'text'" in r.stderr


@pytest.mark.parametrize("command,row,fields", [
    ("lang", {"id": "x", "text": "Der Bundestag hat am Donnerstag das Gesetz beschlossen."}, {"lang", "confidence"}),
    ("normalize", {"id": "x", "text": "Caf\u00e9  \u201cquoted\u201d"}, {"lang", "text"}),
    ("figures", {"id": "x", "text": "At least 1,500 protesters were killed."}, {"figures"}),
    ("similar", {"id": "x", "a": "Police arrested 12 people.", "b": "Police arrested 12 people."},
     {"score", "duplicate"}),
    ("cluster", {"id": "x", "text": "Police arrested 12 people in Paris."}, {"narrative", "origin"}),
])
def test_contract_commands_answer_each_line_in_order_with_its_id(command: str, row: dict[str, str],
                                                                 fields: set[str]) -> None:
    rows = [dict(row, id=f"{row['id']}{i}") for i in range(3)]
    r = _run([command], stdin="".join(json.dumps(x) + "\n" for x in rows))
    assert r.returncode == 0, r.stderr
    out = [json.loads(line) for line in r.stdout.splitlines()]
    assert [o["id"] for o in out] == [x["id"] for x in rows]
    for o in out:
        assert fields <= set(o)


def test_unknown_config_file_is_reported_with_exit_1(tmp_path: object) -> None:
    r = _run(["--config", "/nonexistent/monitor.yaml", "report"])
    assert r.returncode == 1
    assert "/nonexistent/monitor.yaml" in r.stderr and "file not found" in r.stderr
