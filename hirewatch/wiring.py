"""From the config models to the plain values the scheduler, store and notifiers take."""
from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import Any

from hirewatch.config import Config, Source
from notify.channels import Channel
from notify.outbox import Policy
from notify.subscriptions import Subscription, route
from scheduler.crawl import Router, SourceJob
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


def channels(config: Config) -> dict[str, Channel]:
    return {name: Channel(name, ch.url) for name, ch in config.notify.channels.items()}


def subscriptions(config: Config) -> list[Subscription]:
    return [Subscription(name=s.name, channels=tuple(s.channels), events=frozenset(s.events),
                         filter=s.filter.model_dump(), mode=s.mode) for s in config.notify.subscriptions]


def router(config: Config) -> Router | None:
    """Without subscriptions every event goes to every channel."""
    subs = subscriptions(config)
    return partial(route, subs) if subs else None


def policy(config: Config) -> Policy:
    n = config.notify
    return Policy(max_attempts=n.max_attempts, backoff=n.retry_backoff.total_seconds(),
                  max_per_message=n.max_per_message)
