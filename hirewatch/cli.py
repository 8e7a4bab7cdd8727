"""The `hirewatch` command line: a thin layer over the config, the scheduler and the store.

Commands live in `hirewatch/commands/`, one module per area; each registers on `cli`.
"""
from __future__ import annotations

import sys
from typing import Any, NoReturn

import click

from hirewatch.config import Config, ConfigError, load
from hirewatch.output import FORMATS
from snapshots.store import Store, StoreError

EXIT_OK, EXIT_RUN_PROBLEM, EXIT_USAGE = 0, 1, 2


def fail(message: str, code: int = EXIT_USAGE) -> NoReturn:
    click.echo(f"error: {message}", err=True)
    sys.exit(code)


def get_config(ctx: click.Context) -> Config:
    if ctx.obj.get("config") is None:
        try:
            ctx.obj["config"] = load(ctx.obj["config_path"])
        except ConfigError as exc:
            fail(str(exc))
    return ctx.obj["config"]


def open_store(config: Config) -> Store:
    try:
        return Store(config.database)
    except StoreError as exc:
        fail(str(exc), EXIT_RUN_PROBLEM)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--config", "config_path", type=click.Path(dir_okay=False),
              help="Config file (default: $HIREWATCH_CONFIG, then ./config.yaml).")
@click.option("-v", "--verbose", is_flag=True, help="Debug logging.")
@click.pass_context
def cli(ctx: click.Context, config_path: str | None, verbose: bool) -> None:
    """Watch job boards; get told when postings appear, change, go stale or close."""
    ctx.ensure_object(dict)
    ctx.obj.update(config_path=config_path, verbose=verbose, config=None)


def format_option(f: Any) -> Any:
    return click.option("--format", "fmt_", type=click.Choice(FORMATS), default="table", show_default=True,
                        help="Output format.")(f)



def main() -> None:
    cli(obj={})


# Last, because each command module registers itself on `cli` above.
from hirewatch.commands import crawl, deploy, notify, query, service  # noqa: E402,F401
