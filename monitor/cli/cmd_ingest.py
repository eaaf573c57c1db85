"""CLI: ``monitor ingest``, ``monitor items`` and the ``monitor feeds`` group."""

from __future__ import annotations

import json
import sys
from dataclasses import asdict
from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer

from monitor.cli.common import open_cli_store, settings_from

feeds_app = typer.Typer(help="Inspect and manage the configured feeds.", no_args_is_help=True)

FeedsOpt = Annotated[Path | None, typer.Option(
    "--feeds", "-f", envvar="MONITOR_FEEDS", help="Feeds file (YAML). Default: config/feeds.yaml.")]
PrivateOpt = Annotated[bool, typer.Option(
    "--allow-private-networks", help="Allow feed URLs on loopback/private addresses (tests, demos, intranets).")]


def ingest_command(
    ctx: typer.Context,
    feeds: FeedsOpt = None,
    allow_private_networks: PrivateOpt = False,
    force: Annotated[bool, typer.Option("--force/--due-only",
                                        help="Fetch every enabled feed, or only those due.")] = True,
    strict: Annotated[bool, typer.Option("--strict", help="Exit with code 3 if any feed failed.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
) -> None:
    """Fetch the feeds, parse them and store new items.

    Exit 0 when the run completed (per-feed failures are reported and recorded in the fetch log
    and feed health), non-zero only when it could not run; with --strict, 3 if any feed failed.
    """
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
    from rich.table import Table

    from monitor.config import load_feeds
    from monitor.ingest import ingest, sync_feeds

    settings = settings_from(ctx, feeds=feeds, allow_private_networks=allow_private_networks)
    configured = load_feeds(settings.feeds_file)
    store = open_cli_store(settings)
    sync_feeds(store, configured)
    err = Console(stderr=True)
    with Progress(TextColumn("[bold]fetching"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  TextColumn("{task.description}"), console=err, transient=True,
                  disable=not err.is_terminal) as bar:
        task = bar.add_task("", total=len([f for f in configured if f.enabled]))
        summary = ingest(store, settings, names=[f.name for f in configured], force=force,
                         progress=lambda o: bar.update(task, advance=1, description=o.feed))
    if as_json:
        typer.echo(json.dumps({**summary.as_dict(), "outcomes": [asdict(o) for o in summary.outcomes]},
                              default=str, ensure_ascii=False))
    else:
        table = Table(title=f"ingest run {summary.run_id}")
        for col in ("feed", "status", "http", "items", "new", "ms", "error"):
            table.add_column(col)
        for o in summary.outcomes:
            table.add_row(o.feed, o.status, str(o.http_status or ""), str(o.items_seen), str(o.items_new),
                          str(o.duration_ms), (o.error or "")[:80])
        err.print(table)
        err.print(f"{len(summary.outcomes)} feeds: {summary.feeds_ok} ok, {summary.feeds_failed} failed; "
                  f"{summary.items_new} new items")
    if strict and summary.feeds_failed:
        raise typer.Exit(3)


def items_command(
    ctx: typer.Context,
    since: Annotated[datetime | None, typer.Option(help="Only items published at or after this time.")] = None,
    feed: Annotated[str | None, typer.Option(help="Only items of this feed (its name).")] = None,
    limit: Annotated[int | None, typer.Option(help="At most this many items.")] = None,
) -> None:
    """Print stored items as JSON Lines (id, feed, url, title, lang, published, text, …)."""
    from monitor.items import iter_items
    from monitor.timeutil import as_utc

    settings = settings_from(ctx)
    store = open_cli_store(settings)
    with store.read() as conn:
        for row in iter_items(conn, since=as_utc(since) if since else None, feed=feed, limit=limit):
            sys.stdout.write(json.dumps(row, ensure_ascii=False) + "\n")


@feeds_app.command("health")
def feeds_health(ctx: typer.Context,
                 as_json: Annotated[bool, typer.Option("--json", help="JSON instead of a table.")] = False) -> None:
    """Show each feed's health: last status, error, consecutive failures, next due time."""
    from rich.console import Console
    from rich.table import Table
    from sqlalchemy import select

    from monitor.store.tables import feeds

    store = open_cli_store(settings_from(ctx))
    with store.read() as conn:
        rows = [dict(r._mapping) for r in conn.execute(select(feeds).order_by(feeds.c.name))]
    keys = ("name", "enabled", "last_status", "last_http_status", "consecutive_failures", "last_fetched_at",
            "next_due_at", "last_error", "disabled_reason")
    if as_json:
        for r in rows:
            typer.echo(json.dumps({k: r[k] for k in keys}, default=str, ensure_ascii=False))
        return
    table = Table(title="feed health")
    for k in keys:
        table.add_column(k)
    for r in rows:
        table.add_row(*[str(r[k]) if r[k] is not None else "" for k in keys])
    Console().print(table)


@feeds_app.command("enable")
def feeds_enable(ctx: typer.Context, name: Annotated[str, typer.Argument(help="The feed's name.")]) -> None:
    """Re-enable a feed that was disabled after repeated failures (and reset its failure count)."""
    from sqlalchemy import update

    from monitor.errors import InputError
    from monitor.store.tables import feeds

    store = open_cli_store(settings_from(ctx))
    with store.write() as conn:
        res = conn.execute(update(feeds).where(feeds.c.name == name).values(
            enabled=True, disabled_reason=None, consecutive_failures=0, next_due_at=None))
    if not res.rowcount:
        raise InputError(f"no feed named {name!r} in the store (run `monitor ingest` first)")
    typer.echo(f"enabled {name}")


def register(app: typer.Typer) -> None:
    app.command("ingest", rich_help_panel="Pipeline")(ingest_command)
    app.command("items", rich_help_panel="Inspect")(items_command)
    app.add_typer(feeds_app, name="feeds", rich_help_panel="Inspect")
