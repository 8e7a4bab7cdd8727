"""`check-config`, `notify-test` and `digest`."""
from __future__ import annotations

import sys
from datetime import datetime, timezone

import click

from hirewatch import wiring
from hirewatch.cli import EXIT_OK, EXIT_RUN_PROBLEM, cli, fail, get_config, open_store
from hirewatch.config import Filter, Subscription
from notify.channels import Channel
from notify.digest import last_digest_at, send_digest
from notify.render import Message, context, render, sample_events


def _filter_text(flt: Filter) -> str:
    """The filter's settings that differ from the defaults, briefly."""
    parts = []
    for key, value in flt.model_dump(exclude_defaults=True).items():
        if isinstance(value, list):
            value = "/".join(str(v) for v in value)
        parts.append(f"{key} {value}")
    return "; ".join(parts) or "everything"


def _subscription_text(sub: Subscription) -> str:
    when = "instant"
    if sub.digest:
        when = f"digest every {sub.digest.every}" if sub.digest.every else f"digest cron {sub.digest.cron}"
    extra = ", own template" if sub.template else ""
    return f"{', '.join(sub.events)} -> {', '.join(sub.channels)} ({when}{extra}); filter: {_filter_text(sub.filter)}"


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
        click.echo(f"  {sub.name}: {_subscription_text(sub)}")
    if not config.notify.subscriptions and channels:
        click.echo("  (none: every event goes to every channel)")
    if bad:
        fail(f"channel(s) with an unusable URL: {', '.join(bad)}")
    click.echo("config OK")


def _sample(channel: Channel, style: str, fmt: str) -> Message:
    return render(context(sample_events()[:1], style), style, fmt, channel.template)


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
    failed = False
    for name, ch in channels.items():
        ok, error = ch.send(lambda style, fmt, ch=ch: _sample(ch, style, fmt))
        click.echo(f"{name}: {'delivered' if ok else 'FAILED: ' + (error or '')}")
        failed = failed or not ok
    sys.exit(EXIT_RUN_PROBLEM if failed else EXIT_OK)


@cli.command()
@click.option("--subscription", "names", multiple=True, help="Only this digest subscription (repeatable).")
@click.option("--force", is_flag=True, help="Make the digest now even if its schedule says it is not due yet.")
@click.pass_context
def digest(ctx: click.Context, names: tuple[str, ...], force: bool) -> None:
    """Send the digests that are due (for cron users; `hirewatch run` sends them on their schedules).

    A digest holds every matching event since the subscription's last digest. Exit 1 when a
    digest could not be delivered yet (it stays queued and is retried)."""
    config = get_config(ctx)
    subs = {s.name: s for s in wiring.subscriptions(config)}
    unknown = [n for n in names if n not in subs]
    if unknown:
        fail(f"no subscription named {', '.join(map(repr, unknown))}; subscriptions: {', '.join(subs) or 'none'}")
    instant = [n for n in names if subs[n].mode != "digest"]
    if instant:
        fail(f"subscription {instant[0]!r} is instant, not a digest")
    chosen = wiring.scheduled_digests(config, names)
    if not chosen:
        fail("no digest subscriptions: add one with 'mode: digest' under notify.subscriptions")
    store = open_store(config)
    channels, policy = wiring.channels(config), wiring.policy(config)
    now = datetime.now(timezone.utc)
    code = EXIT_OK
    for item in chosen:
        sub = item.subscription
        last = last_digest_at(store.db, sub.name)
        due = item.next_run(last.isoformat() if last else None, now)
        if due > now and not force:
            click.echo(f"{sub.name}: not due until {due:%Y-%m-%d %H:%M} UTC (--force sends it now)")
            continue
        result = send_digest(store.db, sub, channels, now, policy)
        if not result.events:
            click.echo(f"{sub.name}: no new events since the last digest")
            continue
        rows = store.db.query("SELECT channel, status, last_error FROM deliveries WHERE digest_id = ? ORDER BY id",
                              [result.digest_id])
        for row in rows:
            state = "sent" if row["status"] == "sent" else f"{row['status']}: {row['last_error']}"
            click.echo(f"{sub.name}: {result.events} events -> {row['channel']}: {state}")
            if row["status"] != "sent":
                code = EXIT_RUN_PROBLEM
    store.close()
    sys.exit(code)
