"""Digests: one message per subscription and schedule, holding every matching event since the last one.

A digest is recorded (its events, and a delivery per channel) in one transaction, then sent
through the outbox. Each digest remembers the last event id it looked at, so the next one
starts exactly after it: no event is in two digests, none falls between them, and a digest
left unsent by a crash is sent by the next `send_pending`, never rebuilt.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Mapping

from sqlite_utils import Database

from notify.channels import Channel
from notify.events import events_after
from notify.outbox import Policy, SendReport, iso, send_pending
from snapshots.sqlutil import write_transaction
from notify.subscriptions import Subscription, matches


@dataclass
class DigestResult:
    digest_id: int
    events: int  # matching events in this digest; 0 sends nothing
    sent: SendReport


def last_digest(db: Database, subscription: str) -> dict[str, Any] | None:
    rows = list(db.query("SELECT * FROM digests WHERE subscription = ? ORDER BY id DESC LIMIT 1", [subscription]))
    return rows[0] if rows else None


def last_digest_at(db: Database, subscription: str) -> datetime | None:
    """When the subscription's last digest was made (for scheduling the next one after a restart)."""
    last = last_digest(db, subscription)
    return datetime.fromisoformat(last["created_at"]) if last else None


def build_digest(db: Database, sub: Subscription, now: datetime) -> tuple[int, int]:
    """Record the next digest of SUB and queue it for its channels. Returns (digest id, matching events)."""
    if sub.mode != "digest":
        raise ValueError(f"subscription {sub.name!r} is not in digest mode")
    with write_transaction(db):
        last = last_digest(db, sub.name)
        through = db.execute("SELECT coalesce(max(id), 0) FROM events").fetchone()[0]
        if last:
            after, start = last["through_event_id"] or 0, last["period_end"]
        else:
            start = iso(now - sub.first_window)
            after = db.execute("SELECT coalesce(max(id), 0) FROM events WHERE at < ?", [start]).fetchone()[0]
        chosen = [e for e in events_after(db, after, through, sub.events) if matches(sub.filter, e, now)]
        digest_id = db["digests"].insert({
            "subscription": sub.name, "created_at": iso(now), "period_start": start, "period_end": iso(now),
            "event_ids": json.dumps([e["id"] for e in chosen]), "through_event_id": through,
        }).last_pk
        if chosen:
            db["deliveries"].insert_all(
                [{"digest_id": digest_id, "channel": channel, "subscription": sub.name, "status": "pending",
                  "attempts": 0, "created_at": iso(now), "next_attempt_at": iso(now)} for channel in sub.channels],
                ignore=True)
    return digest_id, len(chosen)


def send_digest(db: Database, sub: Subscription, channels: Mapping[str, Channel], now: datetime | None = None,
                policy: Policy = Policy()) -> DigestResult:
    """Make SUB's digest now and send what is due. The daemon calls this on the subscription's schedule."""
    now = now or datetime.now(timezone.utc)
    digest_id, count = build_digest(db, sub, now)
    return DigestResult(digest_id, count, send_pending(db, channels, policy, now))
