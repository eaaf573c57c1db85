"""CLI: ``monitor extract`` — fetch and extract the article pages that fulltext feeds' items want."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer

from monitor.cli.common import open_cli_store, settings_from


def extract_command(
    ctx: typer.Context,
    since: Annotated[datetime | None, typer.Option(help="Only items published at or after this time.")] = None,
    feed: Annotated[str | None, typer.Option(help="Only items of this feed (its name).")] = None,
    feeds: Annotated[Path | None, typer.Option(
        "--feeds", "-f", envvar="MONITOR_FEEDS", help="Feeds file (YAML). Default: config/feeds.yaml.")] = None,
    allow_private_networks: Annotated[bool, typer.Option(
        "--allow-private-networks", help="Allow article URLs on loopback/private addresses (tests, demos).")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
) -> None:
    """Fetch the article pages of pending items of feeds with `fulltext: auto|always` and store
    their main text (robots.txt, one request per host at a time, per-host delay).

    An item is fetched once; failures and paywall/consent walls are recorded per item, which keeps
    its feed text. Items already analysed are left as they are.
    """
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
    from rich.table import Table

    from monitor.config import load_feeds
    from monitor.errors import InputError
    from monitor.fulltext import extract_pending
    from monitor.ingest import sync_feeds
    from monitor.timeutil import as_utc

    settings = settings_from(ctx, feeds=feeds, allow_private_networks=allow_private_networks)
    configured = load_feeds(settings.feeds_file)
    if feed is not None and feed not in {f.name for f in configured}:
        raise InputError(f"no feed named {feed!r} in {settings.feeds_file}")
    store = open_cli_store(settings)
    sync_feeds(store, configured)
    err = Console(stderr=True)
    with Progress(TextColumn("[bold]extracting"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=err, transient=True, disable=not err.is_terminal) as bar:
        task = bar.add_task("", total=None)

        def advance(n: int, total: int) -> None:
            bar.update(task, advance=n, total=total)

        summary = extract_pending(store, settings, configured=configured, since=as_utc(since) if since else None,
                                  feed=feed, progress=advance)
    if as_json:
        typer.echo(json.dumps({**summary.as_dict(), "outcomes": summary.outcomes}, default=str, ensure_ascii=False))
        return
    table = Table(title="article pages")
    for col in ("item", "feed", "status", "http", "chars", "reason", "url"):
        table.add_column(col, overflow="fold")
    for o in summary.outcomes:
        table.add_row(str(o["id"]), o.get("feed", ""), o["status"], str(o.get("http") or ""), str(o.get("chars", "")),
                      o.get("reason") or "", o["url"][:80])
    if summary.outcomes:
        err.print(table)
    flagged = ", ".join(f"{k} {v}" for k, v in sorted(summary.flagged.items())) or "none"
    failed = ", ".join(f"{k} {v}" for k, v in sorted(summary.failed.items())) or "none"
    err.print(f"{summary.candidates} items wanted their page: {summary.used} now use it; flagged: {flagged}; "
              f"failed: {failed}; robots.txt refused {summary.robots_disallowed}; deferred {summary.deferred}")


def register(app: typer.Typer) -> None:
    app.command("extract", rich_help_panel="Pipeline")(extract_command)
