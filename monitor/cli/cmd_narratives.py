"""CLI: ``monitor narratives`` (the list, as a table or JSON) and ``monitor narrative ID``
(one narrative's origin, timeline and the evidence tying each member)."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from monitor.cli.common import open_cli_store, settings_from


def narratives_command(
    ctx: typer.Context,
    limit: Annotated[int, typer.Option("--limit", "-n", help="Show at most this many.")] = 50,
    min_size: Annotated[int, typer.Option("--min-size", help="Only narratives with this many items.")] = 2,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON document instead of a table.")] = False,
) -> None:
    """List narratives (the same story across outlets and languages), most widespread first."""
    from rich.console import Console
    from rich.table import Table

    from monitor.narratives import list_narratives

    store = open_cli_store(settings_from(ctx))
    try:
        rows = list_narratives(store, limit=limit, min_size=min_size)
    finally:
        store.close()
    if as_json:
        typer.echo(json.dumps(rows, ensure_ascii=False))
        return
    table = Table(title=f"narratives ({len(rows)})")
    for col in ("id", "items", "outlets", "langs", "growth/day", "first seen", "origin outlet", "title"):
        table.add_column(col)
    for r in rows:
        table.add_row(r["id"], str(r["size"]), str(r["outlets"]), str(r["languages"]), f"{r['growth_per_day']:g}",
                      (r["first_seen"] or "")[:16], r["origin"]["outlet"] or "", (r["title"] or "")[:60])
    Console().print(table)


def narrative_command(
    ctx: typer.Context,
    narrative_id: Annotated[str, typer.Argument(metavar="ID", help="A narrative id from `monitor narratives`.")],
    as_json: Annotated[bool, typer.Option("--json", help="One JSON document instead of text.")] = False,
) -> None:
    """Show one narrative: origin, timeline, and the evidence that tied each member."""
    from rich.console import Console
    from rich.table import Table

    from monitor.errors import InputError
    from monitor.narratives import narrative_detail

    store = open_cli_store(settings_from(ctx))
    try:
        detail = narrative_detail(store, narrative_id)
    finally:
        store.close()
    if detail is None:
        raise InputError(f"no narrative with id {narrative_id!r} (see `monitor narratives`)")
    if as_json:
        typer.echo(json.dumps(detail, ensure_ascii=False))
        return
    con = Console()
    origin = detail["origin"] or {}
    con.print(f"[bold]{detail['id']}[/] {detail['title']}\n"
              f"{detail['size']} items, {detail['outlets']} outlets ({', '.join(detail['outlet_names'])}), "
              f"languages {', '.join(detail['language_codes']) or '-'}; growth {detail['growth_per_day']:g}/day\n"
              f"origin: {origin.get('outlet')} {origin.get('published')} {origin.get('url') or ''}")
    con.print("timeline: " + ", ".join(f"{t['day']}: {t['members']}" for t in detail["timeline"]))
    table = Table(title="members")
    for col in ("published", "outlet", "lang", "via", "method", "score", "evidence", "title"):
        table.add_column(col)
    for m in detail["members"]:
        ev = m["evidence"]
        shown = ", ".join(ev.get("shared", [])[:5]) or "; ".join(p[:40] for p in ev.get("passages", [])[:1])
        table.add_row((m["published"] or "")[:16], m["outlet"], m["lang"] or "", str(m["via_item_id"] or ""),
                      m["method"] or "", f"{m['score']:.2f}" if m["score"] is not None else "", shown,
                      (m["title"] or "")[:40])
    con.print(table)


def register(app: typer.Typer) -> None:
    app.command("narratives", rich_help_panel="Inspect")(narratives_command)
    app.command("narrative", rich_help_panel="Inspect")(narrative_command)
