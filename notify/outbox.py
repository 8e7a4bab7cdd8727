"""The outbox: a delivery row per (event, channel) or (digest, channel), written with the events, sent after commit.

A delivery is sent at most once (unique indexes on event × channel and digest × channel) and
retried with exponential backoff until it is sent or has used its attempts. Sending claims
its rows first (a lease on `next_attempt_at`), so two senders never send the same row; a
sender that dies mid-send leaves rows that are picked up again once the lease runs out.
"""
from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any, Iterable, Mapping

from sqlite_utils import Database

from notify.channels import Channel
from notify.events import event_rows
from notify.render import Message, TemplateSpec, context, render
from snapshots.sqlutil import write_transaction

log = logging.getLogger(__name__)

LEASE = timedelta(minutes=5)  # longer than any one send (Apprise's own timeouts are seconds)


@dataclass(frozen=True)
class Policy:
    max_attempts: int = 5
    backoff: float = 30.0  # seconds before the first retry; doubles with each attempt
    max_per_message: int = 20  # more events than this for one channel fold into one summary
    templates: Mapping[str, TemplateSpec] = field(default_factory=dict)  # a subscription's own templates


def iso(value: datetime) -> str:
    return value.astimezone(timezone.utc).isoformat(timespec="seconds")


def enqueue(db: Database, events: Iterable[dict[str, Any]], channels: Iterable[str], now: datetime,
            include_baseline: bool = False) -> int:
    """Queue every event for every channel. Call inside the run's transaction."""
    rows = [{"event_id": e["id"], "channel": name, "subscription": e.get("subscription"), "status": "pending",
             "attempts": 0, "created_at": iso(now), "next_attempt_at": iso(now)}
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


def _claim(db: Database, now: datetime) -> list[dict[str, Any]]:
    with write_transaction(db):
        rows = list(db.query("SELECT * FROM deliveries WHERE status = 'pending' AND next_attempt_at <= ? "
                             "ORDER BY id", [iso(now)]))
        for start in range(0, len(rows), 500):
            ids = [r["id"] for r in rows[start:start + 500]]
            db.execute(f"UPDATE deliveries SET next_attempt_at = ? WHERE id IN ({','.join('?' * len(ids))})",
                       [iso(now + LEASE), *ids])
    return rows


def send_pending(db: Database, channels: Mapping[str, Channel], policy: Policy = Policy(),
                 now: datetime | None = None) -> SendReport:
    """Send what is due. Safe to call from a restarted process, and from several at once."""
    now = now or datetime.now(timezone.utc)
    report = SendReport()
    instant: dict[tuple[str, str | None], list[dict[str, Any]]] = {}
    digests: list[dict[str, Any]] = []
    for row in _claim(db, now):
        if row["digest_id"] is not None:
            digests.append(row)
        else:
            instant.setdefault((row["channel"], row["subscription"]), []).append(row)
    for (name, subscription), rows in instant.items():
        events = {e["id"]: e for e in event_rows(db, [r["event_id"] for r in rows])}
        gone = [r for r in rows if r["event_id"] not in events]
        if gone:
            _finish(db, gone, now, False, "the event was deleted before it was sent", policy, report, final=True)
        live = [r for r in rows if r["event_id"] in events]
        batches = [[r] for r in live] if len(live) <= policy.max_per_message else [live]
        for batch in batches:
            _send(db, channels, name, subscription, batch, [events[r["event_id"]] for r in batch], None, policy,
                  report, now)
    for row in digests:
        found = list(db.query("SELECT * FROM digests WHERE id = ?", [row["digest_id"]]))
        if not found:
            _finish(db, [row], now, False, "the digest was deleted before it was sent", policy, report, final=True)
            continue
        digest = found[0]
        events = event_rows(db, json.loads(digest["event_ids"] or "[]"))
        _send(db, channels, row["channel"], row["subscription"], [row], events,
              {"period_start": digest["period_start"], "period_end": digest["period_end"]}, policy, report, now)
    return report


def _send(db: Database, channels: Mapping[str, Channel], name: str, subscription: str | None,
          rows: list[dict[str, Any]], events: list[dict[str, Any]], digest: dict[str, Any] | None,
          policy: Policy, report: SendReport, now: datetime) -> None:
    channel = channels.get(name)
    if channel is None:
        _finish(db, rows, now, False, f"channel {name!r} is no longer configured", policy, report, final=True)
        return
    spec = policy.templates.get(subscription or "") or channel.template

    def message(style: str, fmt: str) -> Message:
        return render(context(events, style, subscription, digest), style, fmt, spec)

    ok, error = channel.send(message)
    if not ok:
        log.warning("delivery to %s failed: %s", name, error)
    _finish(db, rows, now, ok, error, policy, report)


def _finish(db: Database, rows: list[dict[str, Any]], now: datetime, ok: bool, error: str | None,
            policy: Policy, report: SendReport, final: bool = False) -> None:
    with write_transaction(db):
        for row in rows:
            attempts = row["attempts"] + 1
            if ok:
                update = {"status": "sent", "attempts": attempts, "sent_at": iso(now), "last_error": None}
                report.sent += 1
            elif final or attempts >= policy.max_attempts:
                update = {"status": "failed", "attempts": attempts, "last_error": error}
                report.failed += 1
            else:
                retry_at = now + timedelta(seconds=policy.backoff * 2 ** (attempts - 1))
                update = {"attempts": attempts, "last_error": error, "next_attempt_at": iso(retry_at)}
                report.retrying += 1
            db["deliveries"].update(row["id"], update)
    if error and not ok:
        report.errors.append(error)


def outbox_summary(db: Database, last: int = 5) -> dict[str, Any]:
    """For `hirewatch status`: deliveries by status, how many wait for a retry, and the latest failures
    (their errors were masked when stored)."""
    counts = {r["status"]: r["n"] for r in db.query("SELECT status, count(*) AS n FROM deliveries GROUP BY status")}
    retrying = db.execute("SELECT count(*) FROM deliveries WHERE status = 'pending' AND attempts > 0").fetchone()[0]
    failures = list(db.query(
        "SELECT id, event_id, digest_id, channel, subscription, attempts, last_error, created_at FROM deliveries "
        "WHERE status = 'failed' ORDER BY id DESC LIMIT ?", [last]))
    return {"pending": counts.get("pending", 0), "retrying": retrying, "sent": counts.get("sent", 0),
            "failed": counts.get("failed", 0), "last_failures": failures}
