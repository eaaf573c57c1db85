"""CLI: ``monitor review KIND SUBJECT right|wrong --by NAME`` (an analyst label, applied to the store
at once and by every later run) and ``monitor calibrate`` (precision per matcher and language pair
from the labels, with suggested thresholds)."""

from __future__ import annotations

import json
import os
from typing import Annotated

import typer

from monitor.cli.common import open_cli_store, settings_from


def review_command(
    ctx: typer.Context,
    kind: Annotated[str, typer.Argument(help="match | membership | figure | language")],
    subject: Annotated[str, typer.Argument(help="match: two item ids A:B; membership/language: an item id; "
                                                "figure: a figure id")],
    verdict: Annotated[str, typer.Argument(help="right | wrong")],
    by: Annotated[str | None, typer.Option("--by", help="Who labels (default: $USER).")] = None,
    value: Annotated[str | None, typer.Option("--value", help="The right value (a language code).")] = None,
    note: Annotated[str | None, typer.Option("--note", help="Why, for whoever reads the label later.")] = None,
) -> None:
    """Mark a match, a narrative membership, a figure or a language right or wrong. Labels are kept
    with who and when, never overwritten by re-runs, and respected by later runs."""
    from monitor.review import add_label, apply_labels

    store = open_cli_store(settings_from(ctx))
    try:
        label = add_label(store, kind, subject, verdict, by or os.environ.get("USER") or "analyst",
                          value=value, note=note)
        applied = apply_labels(store)
    finally:
        store.close()
    typer.echo(json.dumps({"label": label, "applied": applied}, ensure_ascii=False, default=str))


def calibrate_command(
    ctx: typer.Context,
    target: Annotated[float, typer.Option("--target", min=0.0, max=1.0,
                                          help="Precision the suggested thresholds aim for.")] = 0.9,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON document instead of a table.")] = False,
) -> None:
    """Precision (and recall where missed pairs were labelled) of each matcher per language pair,
    from the review labels, with the thresholds in use and suggested ones."""
    from rich.console import Console
    from rich.table import Table

    from monitor.review import calibrate

    settings = settings_from(ctx)
    store = open_cli_store(settings)
    try:
        report = calibrate(store, settings, target)
    finally:
        store.close()
    if as_json:
        typer.echo(json.dumps(report, ensure_ascii=False))
        return
    table = Table(title=f"calibration from {report['labels']} labels (config {report['config_version']}, "
                        f"target precision {target:g})")
    for col in ("matcher", "languages", "labelled", "precision", "recall", "threshold", "suggested"):
        table.add_column(col)
    for r in report["matchers"]:
        table.add_row(r["matcher"], r["languages"], str(r["labelled"]), _num(r["precision"]), _num(r["recall"]),
                      _num(r["threshold"]), _num(r["suggested_threshold"]))
    Console().print(table)


def _num(x: float | None) -> str:
    return "-" if x is None else f"{x:g}"


def register(app: typer.Typer) -> None:
    app.command("review", rich_help_panel="Inspect")(review_command)
    app.command("calibrate", rich_help_panel="Inspect")(calibrate_command)
