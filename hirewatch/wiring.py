"""From the config models to the plain values the scheduler, store and notifiers take."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from functools import partial
from pathlib import Path
from typing import Any

from apscheduler.triggers.cron import CronTrigger

from hirewatch.config import Config, Schedule, Source
from notify.channels import Channel
from notify.outbox import Policy
from notify.subscriptions import Subscription, route
from scheduler.crawl import Router, SourceJob
from scheduler.daemon import ScheduledDigest
from scheduler.runner import LocalRunner, Runner
from scheduler.scrapyd import Node, ScrapydRunner
from snapshots.detect import Rules
from snapshots.identity import IdentityRules


def scrapy_settings(config: Config, source: Source) -> dict[str, Any]:
    crawl = config.crawl
    agent = f"{crawl.user_agent} (+{crawl.contact})" if crawl.contact else crawl.user_agent
    cache_root = crawl.cache_dir or Path(config.database).resolve().parent / ".hirewatch-cache"
    settings: dict[str, Any] = {
        "USER_AGENT": agent,
        "ROBOTSTXT_OBEY": crawl.obey_robots if source.robots is None else source.robots,
        "AUTOTHROTTLE_ENABLED": crawl.autothrottle,
        "CONCURRENT_REQUESTS_PER_DOMAIN": crawl.concurrent_requests_per_domain,
        "DOWNLOAD_DELAY": crawl.download_delay,
        "DOWNLOAD_TIMEOUT": crawl.download_timeout,
        "RETRY_TIMES": crawl.retry_times,
        "HTTPCACHE_ENABLED": crawl.http_cache,
        "HTTPCACHE_DIR": str(Path(cache_root) / source.name),
    }
    settings.update(source.settings)
    return settings


def source_job(config: Config, source: Source) -> SourceJob:
    return SourceJob(
        name=source.name, kind=source.kind, options=source.spider_options(),
        settings=scrapy_settings(config, source), timeout=source.timeout.total_seconds(),
        rules=Rules(closed_after_missed_runs=config.detection.closed_after_missed_runs,
                    stale_after=config.detection.stale_after, ignore_fields=tuple(source.ignore_fields),
                    identity=IdentityRules(**config.detection.identity.model_dump())),
        notify_on_first_run=source.notify_on_first_run,
    )


def scrapyd_nodes(config: Config) -> list[Node]:
    return [Node(n.url, n.auth.username if n.auth else None, n.auth.password if n.auth else None)
            for n in config.runner.nodes]


def runner(config: Config, grace: float = 10.0) -> Runner:
    """Where crawls run (`runner:` in the config): child processes here, or Scrapyd nodes."""
    if config.runner.kind == "scrapyd":
        return ScrapydRunner(scrapyd_nodes(config), config.runner.project, config.runner.poll.total_seconds(),
                             grace, config.runner.cache_dir)
    return LocalRunner(grace=grace)


def channels(config: Config) -> dict[str, Channel]:
    return {name: Channel(name, ch.url, ch.config, tuple(ch.tags), ch.template.spec() if ch.template else None)
            for name, ch in config.notify.channels.items()}


def _period(schedule: Schedule) -> timedelta:
    """How long one period of a schedule is: a first digest looks back this far."""
    if schedule.every is not None:
        return schedule.every
    trigger = CronTrigger.from_crontab(schedule.cron, timezone=timezone.utc)
    first = trigger.get_next_fire_time(None, datetime.now(timezone.utc))
    return trigger.get_next_fire_time(first, first + timedelta(seconds=1)) - first


def subscriptions(config: Config) -> list[Subscription]:
    return [Subscription(name=s.name, channels=tuple(s.channels), events=frozenset(s.events),
                         filter=s.filter.model_dump(), mode=s.mode,
                         schedule=s.digest.as_dict() if s.digest else None,
                         first_window=_period(s.digest) if s.digest else timedelta(days=1),
                         template=s.template.spec() if s.template else None)
            for s in config.notify.subscriptions]


def router(config: Config) -> Router | None:
    """Without subscriptions every event goes to every channel."""
    subs = subscriptions(config)
    return partial(route, subs) if subs else None


def policy(config: Config) -> Policy:
    n = config.notify
    return Policy(max_attempts=n.max_attempts, backoff=n.retry_backoff.total_seconds(),
                  max_per_message=n.max_per_message,
                  templates={s.name: s.template.spec() for s in n.subscriptions if s.template})


def scheduled_digests(config: Config, names: tuple[str, ...] = ()) -> list[ScheduledDigest]:
    """Digest-mode subscriptions with their schedules (all of them, or those NAMES)."""
    return [ScheduledDigest(sub, every=sub.schedule.get("every"), cron=sub.schedule.get("cron"),
                            jitter=sub.schedule.get("jitter"))
            for sub in subscriptions(config)
            if sub.mode == "digest" and sub.schedule and (not names or sub.name in names)]
