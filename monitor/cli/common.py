"""Helpers shared by the CLI commands: settings from the global --config, the store, output."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

if TYPE_CHECKING:
    from monitor.config import Settings
    from monitor.store import Store


def settings_from(ctx: typer.Context, *, feeds: Path | None = None,
                  allow_private_networks: bool = False) -> Settings:
    """Settings from --config/MONITOR_CONFIG and the environment, with command-line overrides."""
    from monitor.config import load_settings

    root = ctx.find_root()
    config = (root.obj or {}).get("config") if root.obj else None
    settings = load_settings(config)
    if feeds is not None:
        settings = settings.model_copy(update={"feeds_file": feeds})
    if allow_private_networks:
        settings = settings.model_copy(update={
            "http": settings.http.model_copy(update={"allow_private_networks": True})})
    return settings


def open_cli_store(settings: Settings) -> Store:
    from monitor.pipeline import open_configured_store

    return open_configured_store(settings)


def print_json(obj: Any) -> None:
    typer.echo(json.dumps(obj, ensure_ascii=False, indent=2, default=str))
