"""CLI: ``monitor coordination`` — outlets that repeatedly publish near-identical text within
minutes of each other (pairs and groups), as a table, JSON, or GraphML for Gephi — and
``monitor templates`` (talking-point templates with their filled variants)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from monitor.cli.common import open_cli_store, settings_from


def coordination_command(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON document instead of tables.")] = False,
    graphml: Annotated[Path | None, typer.Option("--graphml", metavar="FILE",
                                                  help="Also write the network as GraphML (Gephi).")] = None,
    show_all: Annotated[bool, typer.Option("--all", help="Also list pairs below the flagging threshold.")] = False,
) -> None:
    """Show the coordination network: outlet pairs with shared near-identical texts, median lag,
    examples, and the groups they form. Declared syndication is marked, not flagged."""
    from rich.console import Console
    from rich.table import Table

    from monitor.coordination import coordination_network, to_graphml

    settings = settings_from(ctx)
    store = open_cli_store(settings)
    try:
        network = coordination_network(store, settings.coordination)
    finally:
        store.close()
    if graphml is not None:
        graphml.write_text(to_graphml(network), encoding="utf-8")
    if as_json:
        typer.echo(json.dumps(network.as_dict(), ensure_ascii=False))
        return
    con = Console()
    s = network.settings
    con.print(f"coordination since {network.since[:10]}: near-identical texts within {s['window_minutes']} min, "
              f"flagged from {s['min_shared']} shared narratives")
    groups = Table(title=f"groups ({len(network.groups)})")
    for col in ("outlets", "occasions", "median lag (min)", "examples"):
        groups.add_column(col)
    for g in network.groups:
        groups.add_row(", ".join(g["outlets"]), str(g["occasions"]), f"{g['median_lag_minutes']:g}",
                       "; ".join(t[:50] for t in g["examples"][:3]))
    con.print(groups)
    pairs = Table(title="pairs")
    for col in ("outlet", "outlet", "shared", "median lag (min)", "status", "example"):
        pairs.add_column(col)
    for p in network.pairs:
        if not (p.flagged or show_all or p.declared):
            continue
        status = "flagged" if p.flagged else f"declared ({p.declared})" if p.declared else "below threshold"
        example = p.occasions[0].title[:50] if p.occasions else ""
        pairs.add_row(p.outlets[0], p.outlets[1], str(p.count), f"{p.median_lag_minutes:g}", status, example)
    con.print(pairs)
    if graphml is not None:
        con.print(f"GraphML written to {graphml}")


def templates_command(
    ctx: typer.Context,
    days: Annotated[int, typer.Option("--days", min=1, help="Items published in the last N days.")] = 30,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON document instead of a table.")] = False,
) -> None:
    """Show talking-point templates: sentences that recur with only figures, dates, names or places
    swapped, with their filled variants, outlets and first use."""
    from datetime import timedelta

    from rich.console import Console
    from rich.table import Table

    from monitor.templates_tp import store_templates
    from monitor.timeutil import utcnow

    settings = settings_from(ctx)
    store = open_cli_store(settings)
    try:
        found = store_templates(store, since=utcnow() - timedelta(days=days))
    finally:
        store.close()
    if as_json:
        typer.echo(json.dumps(found, ensure_ascii=False))
        return
    table = Table(title=f"talking-point templates ({len(found)})")
    for col in ("template", "variants", "outlets", "first use"):
        table.add_column(col)
    for t in found:
        first = t["first_use"]
        table.add_row(t["template"][:80], "; ".join(" / ".join(v) for v in t["variants"][:4]),
                      ", ".join(t["outlets"]), f"{first['outlet']} {first['published'][:16]}")
    Console().print(table)


def copy_types_command(
    ctx: typer.Context,
    narrative_id: Annotated[str, typer.Argument(metavar="ID", help="A narrative id from `monitor narratives`.")],
    as_json: Annotated[bool, typer.Option("--json", help="One JSON document instead of a table.")] = False,
) -> None:
    """Show how each member of a narrative relates to its origin (verbatim, edited, partial,
    translated, rewritten), with the scores and the thresholds they were compared against."""
    from rich.console import Console
    from rich.table import Table

    from monitor.copytype import copy_types
    from monitor.errors import InputError

    store = open_cli_store(settings_from(ctx))
    try:
        rows = copy_types(store, narrative_id)
    finally:
        store.close()
    if not rows:
        raise InputError(f"no narrative with id {narrative_id!r} (see `monitor narratives`)")
    if as_json:
        typer.echo(json.dumps(rows, ensure_ascii=False, default=str))
        return
    table = Table(title=f"copy types in {narrative_id} (thresholds: {rows[0]['thresholds']})")
    for col in ("item", "outlet", "type", "jaccard", "containment", "passages", "evidence", "trusted time", "title"):
        table.add_column(col)
    for r in rows:
        s = r["scores"]
        flag = f" ({s['time_flag']})" if s.get("time_flag") else ""
        table.add_row(str(r["item_id"]), r["outlet"], r["copy_type"], _score(s.get("jaccard")),
                      _score(s.get("containment")), str(s.get("shared_passages", "")),
                      f"{s.get('shared_evidence', '')}" + (f" ({s['evidence_coverage']:.0%})"
                                                           if "evidence_coverage" in s else ""),
                      (s.get("trusted") or "")[:16] + flag, (r["title"] or "")[:40])
    Console().print(table)


def _score(x: float | None) -> str:
    return "" if x is None else f"{x:.2f}"


def register(app: typer.Typer) -> None:
    app.command("copy-types", rich_help_panel="Inspect")(copy_types_command)
    app.command("coordination", rich_help_panel="Inspect")(coordination_command)
    app.command("templates", rich_help_panel="Inspect")(templates_command)
