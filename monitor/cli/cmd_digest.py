"""CLI: ``monitor digest`` (preview or send) and ``monitor alerts`` (list stored alerts)."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any

import typer

from monitor.cli.common import open_cli_store, settings_from


def digest_command(
    ctx: typer.Context,
    preview: Annotated[bool, typer.Option("--preview/--send",
                                          help="Render without sending (default), or deliver by SMTP.")] = True,
    out: Annotated[Path | None, typer.Option("--out", help="Write .html and .eml files here "
                                                          "(default: <data_dir>/digests).")] = None,
    recipient: Annotated[list[str] | None, typer.Option("--recipient", help="Only these subscriptions (email).")]
    = None,
) -> None:
    """Render each subscription's digest of alerts not delivered yet; with --send, deliver it by
    SMTP (settings digest.smtp_url or MONITOR_SMTP_URL), once per recipient and period however
    often it is retried. Prints one JSON object per digest; exits 1 if a delivery failed."""
    from monitor.digest import run_digests
    from monitor.pipeline import digest_dir

    settings = settings_from(ctx)
    digest = settings.digest
    if recipient:
        wanted = {r.strip().lower() for r in recipient}
        digest = digest.model_copy(update={"subscriptions": [
            s for s in digest.subscriptions if s.email.lower() in wanted]})
    store = open_cli_store(settings)
    results = run_digests(store, digest, out_dir=out or digest_dir(settings), send=not preview,
                          coordination=settings.coordination, blind_spots=settings.blind_spots)
    for r in results:
        typer.echo(json.dumps(r, ensure_ascii=False))
    if any(r["status"] == "failed" for r in results):
        raise typer.Exit(1)


def _row_text(a: dict[str, Any]) -> str:
    ev = a.get("evidence") or {}
    spread = ""
    if isinstance(ev, dict) and "outlets" in ev:
        spread = f"{ev.get('outlets')} outlets, {ev.get('languages')} langs"
    created = a["created_at"].strftime("%Y-%m-%d %H:%M") if isinstance(a["created_at"], datetime) else a["created_at"]
    title = " ".join(str(a["title"]).split())
    return f"{a['id']:>5}  {created}  {a['severity']:<6}  {a['kind']:<17} {spread:<20} {title[:70]}"


def alerts_command(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="JSON Lines instead of a table.")] = False,
    limit: Annotated[int | None, typer.Option(help="At most this many, newest first.")] = None,
    min_severity: Annotated[str, typer.Option(help="info, low, medium or high.")] = "info",
) -> None:
    """List stored alerts, newest first, with their severity and spread."""
    from monitor.alerts import SEVERITIES, list_alerts, severity_rank

    if min_severity not in SEVERITIES:
        raise typer.BadParameter(f"must be one of {', '.join(SEVERITIES)}", param_hint="--min-severity")
    store = open_cli_store(settings_from(ctx))
    rows = [a for a in list_alerts(store, limit=limit) if severity_rank(a["severity"]) >= severity_rank(min_severity)]
    if as_json:
        for a in rows:
            typer.echo(json.dumps(a, ensure_ascii=False, default=str))
        return
    if not rows:
        typer.echo("no alerts")
        return
    typer.echo(f"{'id':>5}  {'created (UTC)':<16}  {'sev':<6}  {'kind':<17} {'spread':<20} title")
    for a in rows:
        typer.echo(_row_text(a))


def register(app: typer.Typer) -> None:
    app.command("digest", rich_help_panel="Pipeline")(digest_command)
    app.command("alerts", rich_help_panel="Inspect")(alerts_command)
