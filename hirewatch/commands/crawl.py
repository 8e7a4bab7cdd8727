"""`hirewatch crawl`: one pass over the sources."""
from __future__ import annotations

import sys

import click

from hirewatch import wiring
from hirewatch.cli import EXIT_OK, EXIT_RUN_PROBLEM, cli, fail, get_config, open_store
from hirewatch.config import Config, ConfigError
from hirewatch.progress import CrawlProgress
from scheduler.crawl import crawl_source
from scheduler.daemon import ScheduledSource


def scheduled_sources(config: Config, names: tuple[str, ...] = ()) -> list[ScheduledSource]:
    chosen = [config.source(n) for n in names] if names else [s for s in config.sources if s.enabled]
    return [ScheduledSource(wiring.source_job(config, s), every=s.schedule.every.total_seconds()
                            if s.schedule.every else None, cron=s.schedule.cron,
                            jitter=s.schedule.jitter.total_seconds() if s.schedule.jitter else None)
            for s in chosen]


@cli.command()
@click.option("--source", "sources", multiple=True, help="Only this source (repeatable).")
@click.pass_context
def crawl(ctx: click.Context, sources: tuple[str, ...]) -> None:
    """One pass: crawl, detect, notify, then exit (1 if any source failed or was partial)."""
    config = get_config(ctx)
    try:
        chosen = scheduled_sources(config, sources)
    except ConfigError as exc:
        fail(str(exc))
    if not chosen:
        fail("no sources to crawl: add one under 'sources:' in the config")
    store = open_store(config)
    channels, router, runner, policy = (wiring.channels(config), wiring.router(config), wiring.runner(config),
                                        wiring.policy(config))
    code = EXIT_OK
    with CrawlProgress([item.job.name for item in chosen]) as progress:
        for item in chosen:
            store.register_source(item.job.name, item.job.kind, item.job.options, item.cron or item.every)
            progress.started(item.job.name)
            summary = crawl_source(item.job, store, runner, channels, router, policy=policy)
            progress.finished(summary)
            if summary.sent and summary.sent.errors:
                click.echo(f"  alerts: {summary.sent.sent} sent, {summary.sent.retrying} to retry, "
                           f"{summary.sent.failed} failed: {summary.sent.errors[-1]}", err=True)
            if summary.outcome.status != "complete":
                code = EXIT_RUN_PROBLEM
    store.close()
    sys.exit(code)


