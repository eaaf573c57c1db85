"""The ``monitor`` Typer application: global options, error handling, and command registration.

Each ``monitor/cli/cmd_*.py`` module exposes ``register(app)``; heavy imports (models, numpy,
SQLAlchemy) stay inside the command functions so ``monitor lang`` starts quickly.

Exit codes: 0 success; 1 a MonitorError (configuration, store, delivery…); 2 bad usage or
malformed input (the message names the line); 3 ``--strict`` and something failed.
"""

from __future__ import annotations

import importlib
import os
import sys
from pathlib import Path
from typing import Annotated

import typer

from monitor import __version__
from monitor.errors import ConfigError, InputError, MonitorError

COMMAND_MODULES = (
    "cmd_contract",
    "cmd_ingest",
    "cmd_extract",
    "cmd_run",
    "cmd_narratives",
    "cmd_figures_report",
    "cmd_digest",
    "cmd_coordination",
    "cmd_review",
)

app = typer.Typer(
    name="monitor",
    help=(
        "Multilingual media monitoring: fetch news feeds, find stories republished, rewritten or "
        "translated across outlets (narratives) and numeric claims that keep recurring (figures), "
        "and send alert digests.\n\n"
        "Quick start: `make demo` runs a full cycle on the bundled demo feeds. "
        "Configuration: config/monitor.yaml (or --config / MONITOR_CONFIG), feeds in "
        "config/feeds.yaml, database from MONITOR_DATABASE_URL (default: SQLite under var/)."
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"monitor {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    ctx: typer.Context,
    config: Annotated[Path | None, typer.Option(
        "--config", "-c", envvar="MONITOR_CONFIG",
        help="Settings file (YAML). Default: config/monitor.yaml when present.")] = None,
    version: Annotated[bool, typer.Option(
        "--version", callback=_version, is_eager=True, help="Print the version and exit.")] = False,
) -> None:
    """Global options."""
    ctx.obj = {"config": config}
    if config is not None:
        # Commands that load settings themselves (the JSON Lines ones) read MONITOR_CONFIG.
        os.environ["MONITOR_CONFIG"] = str(config)


for _name in COMMAND_MODULES:
    importlib.import_module(f"monitor.cli.{_name}").register(app)


def _click_exceptions() -> tuple[type[Exception], ...]:
    """ClickException of click and of the copy recent Typer vendors (``typer._click``), which is
    the one Typer raises: usage errors must exit 2 with a message, never a traceback."""
    found: list[type[Exception]] = []
    for module in ("typer._click.exceptions", "click.exceptions"):
        try:
            found.append(importlib.import_module(module).ClickException)
        except (ImportError, AttributeError):
            continue
    return tuple(found)


def main() -> None:
    """Console-script entry point: run the app, turning our errors into clear messages."""
    try:
        rc = app(standalone_mode=False)
    except InputError as e:
        typer.secho(f"error: input {e}", err=True, fg="red")
        sys.exit(2)
    except ConfigError as e:
        typer.secho(f"configuration error: {e}", err=True, fg="red")
        sys.exit(1)
    except MonitorError as e:
        typer.secho(f"error: {e}", err=True, fg="red")
        sys.exit(1)
    except KeyboardInterrupt:
        typer.secho("interrupted", err=True)
        sys.exit(130)
    except typer.Exit as e:
        sys.exit(e.exit_code)
    except typer.Abort:
        typer.secho("aborted", err=True)
        sys.exit(1)
    except Exception as e:
        if isinstance(e, _click_exceptions()):
            e.show()  # type: ignore[attr-defined]
            sys.exit(e.exit_code)  # type: ignore[attr-defined]
        raise
    sys.exit(rc if isinstance(rc, int) else 0)


if __name__ == "__main__":
    main()
