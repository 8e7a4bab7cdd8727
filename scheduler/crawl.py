"""One pass over one source: crawl, classify, detect and queue alerts in one transaction, send."""
from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Callable, Mapping

from crawler.posting import Posting
from notify.channels import Channel
from notify.outbox import Policy, SendReport, enqueue, send_pending
from scheduler.runner import CrawlResult, Runner
from snapshots.completeness import Outcome, classify
from snapshots.detect import Rules
from snapshots.store import Store

log = logging.getLogger("hirewatch.crawl")


@dataclass
class SourceJob:
    """Everything needed to crawl one source, in plain values (the scheduler knows no config models)."""
    name: str
    kind: str
    options: dict[str, Any]
    settings: dict[str, Any]
    timeout: float
    rules: Rules = field(default_factory=Rules)
    notify_on_first_run: bool = False


@dataclass
class RunSummary:
    source: str
    run_id: int
    outcome: Outcome
    items: int
    counts: dict[str, int]
    seconds: float
    sent: SendReport | None = None

    def record(self) -> dict[str, object]:
        """The run as structured fields, for JSON logs."""
        return {"source": self.source, "run_id": self.run_id, "status": self.outcome.status,
                "reason": self.outcome.reason, "postings": self.items, "pages": self.outcome.pages,
                "errors": self.outcome.errors, "events": self.counts, "seconds": round(self.seconds, 2)}

    @property
    def line(self) -> str:
        counts = ", ".join(f"{n} {k}" for k, n in sorted(self.counts.items())) or "no events"
        text = (f"{self.source}: {self.outcome.status}, {self.items} postings, {self.outcome.pages} pages, "
                f"{counts} ({self.seconds:.1f}s)")
        return text if self.outcome.status == "complete" else f"{text} — {self.outcome.reason}"


# Which channels an event goes to. The default sends every event to every channel.
Router = Callable[[list[dict[str, Any]]], Mapping[str, list[dict[str, Any]]]]


def crawl_source(job: SourceJob, store: Store, runner: Runner, channels: Mapping[str, Channel],
                 router: Router | None = None, stop: threading.Event | None = None,
                 policy: Policy = Policy()) -> RunSummary:
    run_id = store.start_run(job.name)
    result: CrawlResult = runner.crawl({"name": job.name, "kind": job.kind, **job.options}, job.settings,
                                       job.timeout, stop)
    postings = []
    for item in result.items:
        try:
            postings.append(Posting.from_dict(item))
        except TypeError as exc:
            log.error("%s: unreadable item dropped: %s", job.name, exc)
    # The half-the-postings rule compares listing sizes; postings whose page says "gone" were listed.
    outcome = classify(result.stats, len(postings), store.last_complete_items(job.name), result.crashed)
    now = datetime.now(timezone.utc)
    with store.atomic():
        detection = store.record_run(run_id, job.name, postings, outcome, result.stats, job.rules, now)
        events = store.events(detection.events)
        routes = router(events) if router else {name: events for name in channels}
        for channel, routed in routes.items():
            enqueue(store.db, routed, [channel], now, include_baseline=job.notify_on_first_run)
    open_postings = sum(1 for p in postings if not p.closed_hint)
    summary = RunSummary(job.name, run_id, outcome, open_postings, detection.counts, result.seconds)
    summary.sent = send_pending(store.db, channels, policy)
    return summary
