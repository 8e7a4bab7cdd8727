"""`check-config` and `notify-test`."""
from __future__ import annotations

import sys

import click

from hirewatch import wiring
from hirewatch.cli import EXIT_OK, EXIT_RUN_PROBLEM, cli, fail, get_config
from notify import format as fmt


@cli.command("check-config")
@click.pass_context
def check_config(ctx: click.Context) -> None:
    """Validate the config and print what it sets up (secrets masked)."""
    config = get_config(ctx)
    click.echo(f"database: {config.database}")
    click.echo(f"sources ({len(config.sources)}):")
    for s in config.sources:
        when = f"every {s.schedule.every}" if s.schedule.every else f"cron {s.schedule.cron}"
        target = s.board or ", ".join(s.start_urls)
        click.echo(f"  {s.name}: {s.kind} {target} ({when}){'' if s.enabled else ' [disabled]'}")
    channels = wiring.channels(config)
    click.echo(f"channels ({len(channels)}):")
    bad = []
    for name, channel in channels.items():
        ok = channel.valid()
        click.echo(f"  {name}: {channel.display}{'' if ok else '  <- not a usable Apprise URL'}")
        if not ok:
            bad.append(name)
    click.echo(f"subscriptions ({len(config.notify.subscriptions)}):")
    for sub in config.notify.subscriptions:
        click.echo(f"  {sub.name}: {', '.join(sub.events)} -> {', '.join(sub.channels)} ({sub.mode})")
    if bad:
        fail(f"channel(s) with an unusable URL: {', '.join(bad)}")
    click.echo("config OK")


@cli.command("notify-test")
@click.argument("channel", required=False)
@click.pass_context
def notify_test(ctx: click.Context, channel: str | None) -> None:
    """Send a sample alert to every channel (or one) and report what was delivered."""
    config = get_config(ctx)
    channels = wiring.channels(config)
    if channel:
        if channel not in channels:
            fail(f"no channel named {channel!r}; channels: {', '.join(channels) or 'none'}")
        channels = {channel: channels[channel]}
    if not channels:
        fail("no channels configured under notify.channels")
    sample = {"id": 0, "kind": "new", "title": "Senior Software Engineer, Backend", "company": "Example Co",
              "location": "Toronto, ON, CA", "salary_min": 178000.0, "salary_max": 258000.0,
              "salary_currency": "USD", "salary_period": "year", "url": "https://jobs.example.com/123",
              "source": "notify-test", "changes": None, "note": "a test alert from hirewatch notify-test"}
    title, body = fmt.single(sample)
    failed = False
    for name, ch in channels.items():
        ok, error = ch.send(title, body)
        click.echo(f"{name}: {'delivered' if ok else 'FAILED: ' + (error or '')}")
        failed = failed or not ok
    sys.exit(EXIT_RUN_PROBLEM if failed else EXIT_OK)


