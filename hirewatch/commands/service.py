"""`hirewatch run` (the daemon), `hirewatch status` and `hirewatch demo`."""
from __future__ import annotations

import json
import signal
import threading
from datetime import datetime, timezone
from typing import Any

import click

from hirewatch import wiring
from hirewatch.cli import EXIT_RUN_PROBLEM, cli, fail, get_config, open_store
from hirewatch.commands.crawl import crawl, scheduled_sources
from hirewatch.config import Config
from hirewatch.deploy import build_egg, node_egg
from hirewatch.logs import setup_logging
from hirewatch.output import age, emit
from notify.outbox import outbox_summary
from scheduler.daemon import AlreadyRunning, Daemon, ScheduledSource
from scheduler.scrapyd import node_statuses
from snapshots import status as store_status


@cli.command()
@click.option("--once", is_flag=True, help="Run every source once and exit (for cron users).")
@click.option("--log-format", type=click.Choice(["text", "json"]), help="Log lines as text or JSON (default: config).")
@click.pass_context
def run(ctx: click.Context, once: bool, log_format: str | None) -> None:
    """The daemon: each source on its schedule, until SIGINT or SIGTERM."""
    if once:
        ctx.invoke(crawl)
        return
    config = get_config(ctx)
    setup_logging(ctx.obj["verbose"], log_format or config.daemon.log_format)
    run_daemon(config, scheduled_sources(config))


def run_daemon(config: Config, sources: list[ScheduledSource], **kwargs: Any) -> None:
    store = open_store(config)
    for item in sources:
        store.register_source(item.job.name, item.job.kind, item.job.options, item.cron or item.every)
    store.close()
    settings = config.daemon
    health = (settings.health.host, settings.health.port) if settings.health else None
    kwargs.setdefault("deliver_every", settings.deliver_every.total_seconds())
    daemon = Daemon(config.database, sources, wiring.channels(config), wiring.router(config),
                    runner=wiring.runner(config, settings.grace.total_seconds()), policy=wiring.policy(config),
                    workers=settings.workers, health=health, digests=wiring.scheduled_digests(config), **kwargs)
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: daemon.stop())
    try:
        daemon.run()
    except AlreadyRunning as exc:
        fail(str(exc), EXIT_RUN_PROBLEM)


@cli.command()
@click.option("--format", "fmt_", type=click.Choice(["table", "json"]), default="table", show_default=True)
@click.pass_context
def status(ctx: click.Context, fmt_: str) -> None:
    """Per source: last run, status, items, next run, failures in a row; and the outbox."""
    config = get_config(ctx)
    store = open_store(config)
    now = datetime.now(timezone.utc)
    stored = {row["name"]: row for row in store_status.sources(store.db)}
    rows = []
    for item in scheduled_sources(config):
        row = stored.get(item.job.name, {})
        rows.append({"source": item.job.name, "kind": item.job.kind, "last_run": row.get("last_run_at"),
                     "status": row.get("last_status") or "never run", "items": row.get("last_items"),
                     "next_run": item.next_run(row.get("last_started_at"), now).isoformat(timespec="seconds"),
                     "failures": row.get("consecutive_failures") or 0, "why": row.get("last_reason")})
    outbox = outbox_summary(store.db)
    store.close()
    nodes = scrapyd_nodes(config)
    if fmt_ == "json":
        click.echo(json.dumps({"sources": rows, "outbox": outbox, **({"nodes": nodes} if nodes else {})},
                              indent=2, default=str))
        return
    for row in rows:
        row["last_run"] = age(row["last_run"], now) if row["last_run"] else "—"
        row["next_run"] = "now" if row["next_run"] <= now.isoformat(timespec="seconds") else row["next_run"][11:19] + "Z"
    emit(rows, "table", ("source", "kind", "status", "items", "last_run", "next_run", "failures", "why"),
         title="sources")
    click.echo(f"outbox: {outbox['pending']} pending ({outbox['retrying']} waiting to retry), "
               f"{outbox['sent']} sent, {outbox['failed']} failed")
    for failure in outbox["last_failures"]:
        click.echo(f"  failed: delivery {failure['id']} to {failure['channel']} after {failure['attempts']} "
                   f"attempt(s): {failure['last_error']}")
    if nodes:
        emit(nodes, "table", ("node", "state", "running", "pending", "egg", "why"), title="scrapyd nodes")


def scrapyd_nodes(config: Config) -> list[dict[str, Any]]:
    """Each Scrapyd node: up or down (a down node gets no crawls), its jobs, and whether its egg is current."""
    if config.runner.kind != "scrapyd":
        return []
    nodes = wiring.scrapyd_nodes(config)
    egg = build_egg()
    rows = []
    for status in node_statuses(nodes):
        found = node_egg(status.node, config.runner.project, egg) if status.up else None
        rows.append({"node": status.node.url, "state": "up" if status.up else "down",
                     "running": status.running if status.up else None,
                     "pending": status.pending if status.up else None,
                     "egg": found.state if found else None, "version": found.version if found else None,
                     "why": status.error or (found.summary if found and not found.ok else None)})
    return rows


@cli.command()
@click.option("--port", default=8750, show_default=True, help="Port of the simulated board on 127.0.0.1.")
@click.option("--tick", default=20.0, show_default=True, help="Seconds between changes on the board.")
@click.option("--duration", type=float, help="Stop after this many seconds (default: until Ctrl-C).")
@click.pass_context
def demo(ctx: click.Context, port: int, tick: float, duration: float | None) -> None:
    """Run the daemon against a simulated job board on 127.0.0.1 (no internet needed)."""
    from hirewatch.demo import DemoBoard

    config = get_config(ctx)
    setup_logging(ctx.obj["verbose"], config.daemon.log_format)
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
