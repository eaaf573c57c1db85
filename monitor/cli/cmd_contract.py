"""The stable JSON Lines commands of GUIDE §4: lang, normalize, figures, similar, cluster.

Each reads JSON Lines on stdin and writes one JSON object per input line on stdout, in
input order, with the input's ``id``. A malformed line stops the command with exit code 2
and a message naming the line.
"""

from __future__ import annotations

import sys

import typer


def _lang() -> None:
    """Detect the language of each text.

    In: {"id","text"} (optional "hint": a declared language). Out: {"id","lang","confidence"};
    lang is ISO 639-1 ('zh' for Chinese) or 'und' when unsure.
    """
    from monitor.cli.cmd_lang import lang_command

    raise typer.Exit(lang_command(sys.stdin, sys.stdout))


def _normalize() -> None:
    """Normalize each text for matching (Unicode, letters, digits, quotes, boilerplate).

    In: {"id","text"} (optional "lang"). Out: {"id","lang","text"}.
    """
    from monitor.cli.cmd_lang import normalize_command

    raise typer.Exit(normalize_command(sys.stdin, sys.stdout))


def _figures() -> None:
    """Extract numeric figures (counts, percentages, money, dates…) in any script.

    In: {"id","text"} (optional "lang"). Out: {"id","figures":[{"value","raw","start","end","kind","unit",…}]};
    start/end index the input text.

    value: the number in plain units ("1.5 million" -> 1500000, "۱۵۰۰" -> 1500).
    kind: count, percent, money, year, date, time, ordinal or identifier.
    identifier: phone numbers, long ids, versions, numbers a label names ("Resolution 2231").
    Only counts, percentages and money can become repeated-figure alerts.
    Numbers inside web and mail addresses are not figures.
    """
    from monitor.cli.cmd_figures import figures_command

    raise typer.Exit(figures_command(sys.stdin, sys.stdout))


def _similar() -> None:
    """Score pairs of texts: do they tell the same narrative?

    In: {"id","a","b"}. Out: {"id","score","duplicate"} with score in [0,1].
    """
    from monitor.cli.cmd_similar import similar_command

    raise typer.Exit(similar_command(sys.stdin, sys.stdout))


def _cluster() -> None:
    """Group a corpus into narratives, across languages.

    In: {"id","text"} (optional "lang", "published"), the whole corpus. Out: {"id","narrative","origin"}
    per input line in input order; origin is the earliest member.
    """
    from monitor.cli.cmd_similar import cluster_command

    raise typer.Exit(cluster_command(sys.stdin, sys.stdout))


def register(app: typer.Typer) -> None:
    panel = "JSON Lines commands (stdin → stdout)"
    app.command("lang", rich_help_panel=panel)(_lang)
    app.command("normalize", rich_help_panel=panel)(_normalize)
    app.command("figures", rich_help_panel=panel)(_figures)
    app.command("similar", rich_help_panel=panel)(_similar)
    app.command("cluster", rich_help_panel=panel)(_cluster)
