"""CLI: ``monitor figures-report`` — repeated figures with their spread and mutations (table or JSON).

A thin layer over monitor.figure_registry.figure_report.
"""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer

from monitor.cli.common import open_cli_store, settings_from


def _mutation_cell(g: dict[str, Any]) -> str:
    parts = []
    if g["mutation_of"]:
        parts.append(f"was {g['mutation_of']['value']:,.6g}")
    parts.extend(f"became {m['value']:,.6g}" for m in g["mutations"])
    return "; ".join(parts)


def figures_report_command(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="JSON (one object with a list) instead of a table.")] = False,
    min_outlets: Annotated[int, typer.Option("--min-outlets", min=1,
                                             help="Only figures repeated by at least N outlets "
                                                  "(mutations are always listed).")] = 2,
    limit: Annotated[int, typer.Option("--limit", min=1, help="At most this many figures.")] = 50,
) -> None:
    """List repeated figures: origin, outlets, languages, timeline and mutations (1,500 → 1,700)."""
    from monitor.figure_registry import figure_report

    report = figure_report(open_cli_store(settings_from(ctx)), min_outlets=min_outlets, limit=limit)
    if as_json:
        typer.echo(json.dumps({"figures": report}, ensure_ascii=False, default=str))
        return
    from rich.console import Console
    from rich.table import Table

    t = Table(title=f"repeated figures ({len(report)})")
    for col in ("figure", "kind", "outlets", "languages", "items", "origin", "first seen", "last seen", "mutation"):
        t.add_column(col)
    for g in report:
        origin = g["origin"] or {}
        t.add_row(g["label"] or g["key"], g["kind"], str(g["outlets"]), " ".join(g["language_codes"]),
                  str(g["items"]), origin.get("outlet", ""), g["first_seen"][:16], g["last_seen"][:16],
                  _mutation_cell(g))
    Console().print(t)


def register(app: typer.Typer) -> None:
    app.command("figures-report", rich_help_panel="Inspect")(figures_report_command)
