"""`hirewatch run` (the daemon) and `hirewatch demo`."""
from __future__ import annotations

import signal
import threading
from typing import Any

import click

from hirewatch import wiring
from hirewatch.cli import EXIT_RUN_PROBLEM, cli, fail, get_config, open_store, setup_logging
from hirewatch.commands.crawl import crawl, scheduled_sources
from hirewatch.config import Config
from scheduler.daemon import AlreadyRunning, Daemon, ScheduledSource


@cli.command()
@click.option("--once", is_flag=True, help="Run every source once and exit (for cron users).")
@click.pass_context
def run(ctx: click.Context, once: bool) -> None:
    """The daemon: each source on its schedule, until SIGINT or SIGTERM."""
    if once:
        ctx.invoke(crawl)
        return
    config = get_config(ctx)
    setup_logging(ctx.obj["verbose"])
    run_daemon(config, scheduled_sources(config))


def run_daemon(config: Config, sources: list[ScheduledSource], **kwargs: Any) -> None:
    store = open_store(config)
    for item in sources:
        store.register_source(item.job.name, item.job.kind, item.job.options, item.cron or item.every)
    store.close()
    daemon = Daemon(config.database, sources, wiring.channels(config), wiring.router(config),
                    policy=wiring.policy(config), **kwargs)
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: daemon.stop())
    try:
        daemon.run()
    except AlreadyRunning as exc:
        fail(str(exc), EXIT_RUN_PROBLEM)


@cli.command()
@click.option("--port", default=8750, show_default=True, help="Port of the simulated board on 127.0.0.1.")
@click.option("--tick", default=20.0, show_default=True, help="Seconds between changes on the board.")
@click.option("--duration", type=float, help="Stop after this many seconds (default: until Ctrl-C).")
@click.pass_context
def demo(ctx: click.Context, port: int, tick: float, duration: float | None) -> None:
    """Run the daemon against a simulated job board on 127.0.0.1 (no internet needed)."""
    from hirewatch.demo import DemoBoard

    config = get_config(ctx)
    setup_logging(ctx.obj["verbose"])
    board = DemoBoard(port=port, tick=tick)
    board.start()
    click.echo(f"Demo board on {board.url}: postings appear, change salary and disappear every {tick:.0f}s.\n"
               f"The first run of each source is a silent baseline; alerts follow below. Ctrl-C stops.\n"
               f"Database: {config.database} — try `hirewatch --config {ctx.obj['config_path'] or 'config.yaml'} "
               f"postings` in another terminal.")
    if duration:
        threading.Timer(duration, lambda: signal.raise_signal(signal.SIGTERM)).start()
    try:
        run_daemon(config, scheduled_sources(config), deliver_every=5.0)
    finally:
        board.stop()


