"""The outbox: a delivery row per (event, channel), written with the events, sent after commit.

A delivery is sent at most once (a unique index on event × channel) and retried with
exponential backoff until it is sent or has used its attempts.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any, Iterable, Mapping

from sqlite_utils import Database

from notify import format as fmt
from notify.channels import Channel

log = logging.getLogger(__name__)



@dataclass(frozen=True)
class Policy:
    max_attempts: int = 5
    backoff: float = 30.0  # seconds before the first retry; doubles with each attempt
    max_per_message: int = 20  # more events than this for one channel fold into one summary


def iso(value: datetime) -> str:
    return value.isoformat(timespec="seconds")


def enqueue(db: Database, events: Iterable[dict[str, Any]], channels: Iterable[str], now: datetime,
            include_baseline: bool = False) -> int:
    """Queue every event for every channel. Call inside the run's transaction."""
    rows = [{"event_id": e["id"], "channel": name, "status": "pending", "attempts": 0,
             "created_at": iso(now), "next_attempt_at": iso(now)}
            for e in events if include_baseline or not e.get("baseline")
            for name in channels]
    if rows:
        db["deliveries"].insert_all(rows, ignore=True)
    return len(rows)


@dataclass
class SendReport:
    sent: int = 0
    failed: int = 0
    retrying: int = 0
    errors: list[str] = field(default_factory=list)


def send_pending(db: Database, channels: Mapping[str, Channel], policy: Policy = Policy(),
                 now: datetime | None = None) -> SendReport:
    """Send what is due. Safe to call from a restarted process: only `pending` rows are touched."""
    now = now or datetime.now(timezone.utc)
    report = SendReport()
    due = list(db.query(
        "SELECT d.id AS delivery_id, d.channel, d.attempts, e.*, p.title, p.company, p.location, p.url, "
        "p.salary_min, p.salary_max, p.salary_currency, p.salary_period FROM deliveries d "
        "JOIN events e ON e.id = d.event_id LEFT JOIN postings p ON p.id = e.posting_id "
        "WHERE d.status = 'pending' AND d.next_attempt_at <= ? ORDER BY d.id", [iso(now)]))
    by_channel: dict[str, list[dict[str, Any]]] = {}
    for row in due:
        by_channel.setdefault(row["channel"], []).append(row)
    for name, rows in by_channel.items():
        channel = channels.get(name)
        if channel is None:
            _finish(db, rows, now, False, f"channel {name!r} is no longer configured", Policy(max_attempts=1), report)
            continue
        batches = [[r] for r in rows] if len(rows) <= policy.max_per_message else [rows]
        for batch in batches:
            title, body = fmt.single(batch[0]) if len(batch) == 1 else fmt.summary(batch)
            ok, error = channel.send(title, body)
            _finish(db, batch, now, ok, error, policy, report)
            if not ok:
                log.warning("delivery to %s failed: %s", name, error)
    return report


def _finish(db: Database, rows: list[dict[str, Any]], now: datetime, ok: bool, error: str | None,
            policy: Policy, report: SendReport) -> None:
    with db.atomic():
        for row in rows:
            attempts = row["attempts"] + 1
            if ok:
                update = {"status": "sent", "attempts": attempts, "sent_at": iso(now), "last_error": None}
                report.sent += 1
            elif attempts >= policy.max_attempts:
                update = {"status": "failed", "attempts": attempts, "last_error": error}
                report.failed += 1
            else:
                retry_at = now + timedelta(seconds=policy.backoff * 2 ** (attempts - 1))
                update = {"attempts": attempts, "last_error": error, "next_attempt_at": iso(retry_at)}
                report.retrying += 1
            db["deliveries"].update(row["delivery_id"], update)
    if error and not ok:
        report.errors.append(error)
