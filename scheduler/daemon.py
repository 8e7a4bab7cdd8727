"""The daemon: APScheduler runs each source on its own schedule until SIGINT/SIGTERM.

One job per source (max_instances=1, coalesce=True), so a run still going when the next
is due is skipped, and misfires after a sleep coalesce into one run. Each job opens its
own Store: SQLite connections stay in the thread that made them.
"""
from __future__ import annotations

import fcntl
import logging
import os
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Callable, Mapping

from apscheduler.events import EVENT_JOB_MAX_INSTANCES, JobExecutionEvent
from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from notify.channels import Channel
from notify.digest import last_digest_at, send_digest
from notify.outbox import Policy, send_pending
from notify.subscriptions import Subscription
from scheduler.crawl import Router, RunSummary, SourceJob, crawl_source
from scheduler.health import HealthServer
from scheduler.runner import LocalRunner, Runner
from snapshots.store import Store

log = logging.getLogger("hirewatch.daemon")


class AlreadyRunning(Exception):
    """Another daemon holds the database's lock."""


@dataclass(kw_only=True)
class Timed:
    """A schedule: an `every` interval (seconds) or a `cron` line, with optional jitter."""
    every: float | None = None
    cron: str | None = None
    jitter: float | None = None

    def trigger(self) -> IntervalTrigger | CronTrigger:
        jitter = int(self.jitter) if self.jitter else None
        if self.cron:
            return CronTrigger.from_crontab(self.cron, timezone=timezone.utc)
        return IntervalTrigger(seconds=self.every, jitter=jitter, timezone=timezone.utc)

    def misfire_grace(self) -> int:
        return max(1, int((self.every or 3600) / 2))

    def next_run(self, last_started: str | None, now: datetime) -> datetime:
        """Next-run times survive a restart: an overdue job runs once now, not once per missed slot."""
        if not last_started:
            return now
        last = datetime.fromisoformat(last_started)
        # A cron job that ran exactly on its fire time is not due again at that same time.
        due = (last + timedelta(seconds=self.every) if self.every
               else self.trigger().get_next_fire_time(None, last + timedelta(seconds=1)))
        return max(now, due) if due else now


@dataclass
class ScheduledSource(Timed):
    job: SourceJob


@dataclass
class ScheduledDigest(Timed):
    subscription: Subscription


class DatabaseLock:
    """An advisory lock next to the database, so two daemons never share one store."""

    def __init__(self, db_path: Path) -> None:
        self.path = Path(f"{db_path}.lock")
        self.handle: Any = None

    def acquire(self) -> None:
        self.handle = open(self.path, "a+")
        try:
            fcntl.flock(self.handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            self.handle.seek(0)
            holder = self.handle.read().strip() or "another process"
            self.handle.close()
            raise AlreadyRunning(f"another hirewatch daemon ({holder}) is already using {self.path.with_suffix('')}; "
                                 f"stop it first") from None
        self.handle.truncate(0)
        self.handle.write(f"pid {os.getpid()}")
        self.handle.flush()

    def release(self) -> None:
        if self.handle:
            fcntl.flock(self.handle, fcntl.LOCK_UN)
            self.handle.close()
            self.handle = None


class Daemon:
    def __init__(self, db_path: Path, sources: list[ScheduledSource], channels: Mapping[str, Channel],
                 router: Router | None = None, runner: Runner | None = None, policy: Policy = Policy(),
                 workers: int = 4, deliver_every: float = 30.0, health: tuple[str, int] | None = None,
                 digests: list[ScheduledDigest] | None = None,
                 on_run: Callable[[RunSummary], None] | None = None) -> None:
        self.db_path = Path(db_path)
        self.sources = sources
        self.channels = channels
        self.router = router
        self.runner = runner or LocalRunner()
        self.policy = policy
        self.workers = workers
        self.deliver_every = deliver_every
        self.on_run = on_run
        self.health = health
        self.digests = digests or []
        self.stopping = threading.Event()
        self.lock = DatabaseLock(self.db_path)

    def run(self) -> None:
        """Block until `stop()`; then let running crawls finish within their grace period."""
        self.lock.acquire()
        try:
            store = Store(self.db_path)
            interrupted = store.fail_stale_runs()
            if interrupted:
                log.warning("%d run(s) interrupted by an earlier stop recorded as failed", interrupted)
            first_runs = {s.job.name: self._first_run(store, s) for s in self.sources}
            now = datetime.now(timezone.utc)
            first_digests = {}
            for d in self.digests:
                last = last_digest_at(store.db, d.subscription.name)
                first_digests[d.subscription.name] = d.next_run(last.isoformat() if last else None, now)
            store.close()
            scheduler = BackgroundScheduler(executors={"default": ThreadPoolExecutor(self.workers)},
                                            timezone=timezone.utc)
            scheduler.add_listener(self._skipped, EVENT_JOB_MAX_INSTANCES)
            for source in self.sources:
                scheduler.add_job(self._run_source, source.trigger(), args=[source.job], id=source.job.name,
                                  name=source.job.name, max_instances=1, coalesce=True,
                                  misfire_grace_time=source.misfire_grace(),
                                  next_run_time=first_runs[source.job.name])
            for digest in self.digests:
                name = digest.subscription.name
                scheduler.add_job(self._digest, digest.trigger(), args=[digest.subscription], id=f"digest:{name}",
                                  max_instances=1, coalesce=True, misfire_grace_time=digest.misfire_grace(),
                                  next_run_time=first_digests[name])
            scheduler.add_job(self._deliver, IntervalTrigger(seconds=self.deliver_every), id="outbox",
                              max_instances=1, coalesce=True)
            server = HealthServer(self.db_path, *self.health, alive=lambda: not self.stopping.is_set()) \
                if self.health else None
            if server:
                server.start()
                log.info("health and metrics on http://%s:%d/healthz and /metrics", self.health[0], server.port)
            scheduler.start()
            log.info("daemon started: %d source(s), database %s", len(self.sources), self.db_path)
            self.stopping.wait()
            log.info("stopping: no new runs; running crawls get a grace period")
            scheduler.shutdown(wait=True)
            if server:
                server.stop()
        finally:
            self.lock.release()
        log.info("daemon stopped")

    def stop(self) -> None:
        self.stopping.set()

    def _first_run(self, store: Store, source: ScheduledSource) -> datetime:
        row = list(store.db.query("SELECT max(started_at) AS last FROM runs WHERE source = ?", [source.job.name]))
        return source.next_run(row[0]["last"] if row else None, datetime.now(timezone.utc))

    def _run_source(self, job: SourceJob) -> None:
        if self.stopping.is_set():
            return
        store = Store(self.db_path)
        try:
            summary = crawl_source(job, store, self.runner, self.channels, self.router, self.stopping, self.policy)
            log.info("run %s", summary.line, extra={"run": summary.record()})
            if self.on_run:
                self.on_run(summary)
        except Exception:  # one source's bug must not stop the others' schedules
            log.exception("run of %s failed", job.name)
        finally:
            store.close()

    def _deliver(self) -> None:
        store = Store(self.db_path)
        try:
            report = send_pending(store.db, self.channels, self.policy)
            if report.sent or report.failed:
                log.info("outbox: %d sent, %d failed, %d to retry", report.sent, report.failed, report.retrying)
        finally:
            store.close()

    def _digest(self, subscription: Subscription) -> None:
        store = Store(self.db_path)
        try:
            result = send_digest(store.db, subscription, self.channels, policy=self.policy)
            log.info("digest %s: %d event(s), %d sent, %d to retry", subscription.name, result.events,
                     result.sent.sent, result.sent.retrying)
        except Exception:  # a failing digest must not stop the schedules
            log.exception("digest %s failed", subscription.name)
        finally:
            store.close()

    def _skipped(self, event: JobExecutionEvent) -> None:
        log.warning("%s: still running when due again; this run is skipped", event.job_id)
