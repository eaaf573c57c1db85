"""CLI: ``monitor ingest``, ``monitor items`` and the ``monitor feeds`` group."""

from __future__ import annotations

import json
import sys
from dataclasses import asdict
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any

import typer

from monitor.cli.common import open_cli_store, settings_from
from monitor.errors import MonitorError

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
            "last_success_at", "next_due_at", "last_error", "disabled_reason", "permanent_redirect")
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
    from monitor.errors import InputError
    from monitor.ingest import enable_feed

    if not enable_feed(open_cli_store(settings_from(ctx)), name):
        raise InputError(f"no feed named {name!r} in the store (run `monitor ingest` first)")
    typer.echo(f"enabled {name}")


@feeds_app.command("check")
def feeds_check(
    ctx: typer.Context,
    feeds: FeedsOpt = None,
    allow_private_networks: PrivateOpt = False,
    strict: Annotated[bool, typer.Option("--strict", help="Exit with code 3 if any feed failed.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="JSON Lines instead of a table.")] = False,
) -> None:
    """Validate the feeds file and probe every feed once (nothing is stored): status, items,
    latency, encoding, and the last error recorded in the store."""
    from rich.console import Console
    from rich.table import Table

    from monitor.config import load_feeds
    from monitor.fetch import FetchRequest, fetch_all
    from monitor.ingest import last_errors
    from monitor.parse import parse_feed
    from monitor.timeutil import utcnow

    settings = settings_from(ctx, feeds=feeds, allow_private_networks=allow_private_networks)
    configured = load_feeds(settings.feeds_file)
    try:
        recorded = last_errors(open_cli_store(settings))
    except Exception:  # the probe must work without a store (e.g. before the first ingest)
        recorded = {}
    results = fetch_all([FetchRequest(key=f.name, url=f.url) for f in configured], settings.http)
    rows: list[dict[str, Any]] = []
    for f, res in zip(configured, results, strict=True):
        row: dict[str, Any] = {"feed": f.name, "url": f.url, "status": "ok", "http": res.status, "items": 0,
               "ms": res.duration_ms, "encoding": None, "error": res.error, "reason": res.reason,
               "warning": f"moved permanently to {res.permanent_redirect}" if res.permanent_redirect else None,
               "last_error": recorded.get(f.name)}
        if res.error:
            row["status"] = "error"
        else:
            try:
                parsed = parse_feed(res.content, res.headers, fetched_at=utcnow(), url=res.final_url or res.url)
                row.update(items=len(parsed.items), encoding=parsed.encoding,
                           warning="; ".join(filter(None, [row["warning"], parsed.bozo, *parsed.warnings])) or None)
            except MonitorError as e:
                row.update(status="error", error=str(e), reason=getattr(e, "reason", None))
        rows.append(row)
    if as_json:
        for row in rows:
            typer.echo(json.dumps(row, ensure_ascii=False, default=str))
    else:
        table = Table(title=f"feeds check ({settings.feeds_file})")
        for col in ("feed", "status", "http", "items", "ms", "encoding", "error / warning", "last error"):
            table.add_column(col, overflow="fold")
        for r in rows:
            table.add_row(r["feed"], r["status"], str(r["http"] or ""), str(r["items"]), str(r["ms"]),
                          r["encoding"] or "", (r["error"] or r["warning"] or "")[:100], (r["last_error"] or "")[:80])
        Console().print(table)
    if strict and any(r["status"] == "error" for r in rows):
        raise typer.Exit(3)


def register(app: typer.Typer) -> None:
    app.command("ingest", rich_help_panel="Pipeline")(ingest_command)
    app.command("items", rich_help_panel="Inspect")(items_command)
    app.add_typer(feeds_app, name="feeds", rich_help_panel="Inspect")
