"""CLI: ``monitor run`` (a full cycle without Airflow), ``monitor analyze``, ``monitor report``,
``monitor db upgrade`` and ``monitor demo-serve``."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Annotated, Any

import typer

from monitor.cli.common import open_cli_store, print_json, settings_from

db_app = typer.Typer(help="Database maintenance.", no_args_is_help=True)


def run_command(
    ctx: typer.Context,
    feeds: Annotated[Path | None, typer.Option("--feeds", "-f", envvar="MONITOR_FEEDS",
                                               help="Feeds file. Default: config/feeds.yaml.")] = None,
    allow_private_networks: Annotated[bool, typer.Option(
        "--allow-private-networks", help="Allow feeds on loopback/private addresses.")] = False,
    send: Annotated[bool, typer.Option("--send", help="Send the digests by SMTP (default: only render).")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
) -> None:
    """Run one full monitoring cycle without Airflow: ingest → analyze → digest.

    The same library calls as the Airflow DAGs; digests are written under <data_dir>/digests.
    """
    from monitor.pipeline import run_cycle

    settings = settings_from(ctx, feeds=feeds, allow_private_networks=allow_private_networks)
    result = run_cycle(settings, send=send)
    out = {"ingest": result.ingest.as_dict(), "analyze": result.analyze.as_dict(),
           "digests": result.digests, "report": result.report}
    if as_json:
        typer.echo(json.dumps(out, ensure_ascii=False, default=str))
    else:
        print_report(result.report, result.digests)


def print_report(report: dict[str, Any], digests: list[dict[str, Any]] | None = None) -> None:
    """Human-readable summary of the store (used by `monitor run`, `monitor report`, `make demo`)."""
    from rich.console import Console
    from rich.table import Table

    from monitor.alerts import format_number

    con = Console(width=None if Console().is_terminal else 140)
    con.print(f"[bold]{report['feeds']} feeds[/] ({report['feeds_ok']} fetched ok), "
              f"[bold]{report['items']} items[/]: " + ", ".join(
                  f"{k} {v}" for k, v in report["items_per_language"].items()))
    t = Table(title=f"narratives ({report['narratives']}) — same story across outlets")
    for c in ("id", "outlets", "langs", "items", "origin outlet", "first published", "title"):
        t.add_column(c)
    for n in report["top_narratives"]:
        t.add_row(n["id"], str(n["outlets"]), str(n["languages"]), str(n["size"]), n["origin"]["outlet"] or "",
                  (n["first_seen"] or "")[:16], (n["title"] or "")[:60])
    con.print(t)
    f = Table(title=f"repeated figures ({report['repeated_figures']})")
    for c in ("figure", "unit", "outlets", "langs", "items", "first seen in"):
        f.add_column(c)
    for g in report["top_figures"]:
        f.add_row(format_number(g["value"]), g["unit"] or "", str(g["outlets"]), str(g["languages"]),
                  str(g["items"]), (g["origin"] or {}).get("outlet") or "")
    con.print(f)
    for d in digests or []:
        con.print(f"digest for {d['recipient']} ({d['period']}, {d['alerts']} alerts, {d.get('status')}): "
                  f"{d.get('html', '')} {d.get('eml', '')}")


def analyze_command(ctx: typer.Context,
                    limit: Annotated[int | None, typer.Option(help="Analyse at most this many items.")] = None,
                    ) -> None:
    """Analyse stored items not analysed yet: language, normalization, figures, matching,
    narratives, the figure registry and alerts."""
    from rich.console import Console
    from rich.progress import Progress, TaskID

    from monitor.analyze import analyze_pending

    settings = settings_from(ctx)
    store = open_cli_store(settings)
    err = Console(stderr=True)
    with Progress(console=err, transient=True, disable=not err.is_terminal) as bar:
        tasks: dict[str, TaskID] = {}

        def step(stage: str, n: int) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(stage, total=None)
            bar.update(tasks[stage], advance=n)

        summary = analyze_pending(store, settings, limit=limit, progress=step)
    print_json(summary.as_dict())


def report_command(ctx: typer.Context,
                   as_json: Annotated[bool, typer.Option("--json", help="JSON instead of tables.")] = False) -> None:
    """Summarise the store: items per language, top narratives with origin, repeated figures."""
    from monitor.report import store_report

    report = store_report(open_cli_store(settings_from(ctx)))
    if as_json:
        typer.echo(json.dumps(report, ensure_ascii=False, default=str))
    else:
        print_report(report)


@db_app.command("upgrade")
def db_upgrade(ctx: typer.Context) -> None:
    """Create or migrate the database schema to the latest version (safe to repeat)."""
    settings = settings_from(ctx)
    open_cli_store(settings)
    from sqlalchemy.engine import make_url

    typer.echo(f"schema up to date: {make_url(settings.resolved_database_url()).render_as_string()}")


def demo_serve_command(port: Annotated[int, typer.Option(help="Port on 127.0.0.1.")] = 8765) -> None:
    """Serve the bundled demo feeds on http://127.0.0.1:PORT until interrupted."""
    from monitor.demo import DEMO_DIR, serve_directory

    with serve_directory(DEMO_DIR / "site", port=port) as base:
        typer.echo(f"serving {DEMO_DIR / 'site'} at {base} (Ctrl-C to stop)")
        while True:
            time.sleep(3600)


def register(app: typer.Typer) -> None:
    app.command("run", rich_help_panel="Pipeline")(run_command)
    app.command("analyze", rich_help_panel="Pipeline")(analyze_command)
    app.command("report", rich_help_panel="Inspect")(report_command)
    app.command("demo-serve", rich_help_panel="Demo")(demo_serve_command)
    app.add_typer(db_app, name="db", rich_help_panel="Maintenance")
