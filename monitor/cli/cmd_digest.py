"""CLI: ``monitor digest`` (preview or send) and ``monitor alerts``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from monitor.cli.common import open_cli_store, settings_from


def digest_command(
    ctx: typer.Context,
    preview: Annotated[bool, typer.Option("--preview/--send",
                                          help="Render without sending (default), or send by SMTP.")] = True,
    out: Annotated[Path | None, typer.Option("--out", help="Write .html and .eml files here.")] = None,
) -> None:
    """Render this period's digest for every subscription; with --send, deliver it (once per
    recipient and period, whatever the number of retries)."""
    from monitor.digest import run_digests

    settings = settings_from(ctx)
    store = open_cli_store(settings)
    out_dir = out or (settings.data_dir / "digests")
    for r in run_digests(store, settings.digest, out_dir=out_dir, send=not preview):
        typer.echo(json.dumps(r, ensure_ascii=False))


def alerts_command(ctx: typer.Context) -> None:
    """List stored alerts as JSON Lines, newest first."""
    from sqlalchemy import select

    from monitor.store.tables import alerts

    store = open_cli_store(settings_from(ctx))
    with store.read() as conn:
        for a in conn.execute(select(alerts).order_by(alerts.c.created_at.desc(), alerts.c.id.desc())):
            typer.echo(json.dumps({k: v for k, v in a._mapping.items()}, ensure_ascii=False, default=str))


def register(app: typer.Typer) -> None:
    app.command("digest", rich_help_panel="Pipeline")(digest_command)
    app.command("alerts", rich_help_panel="Inspect")(alerts_command)
