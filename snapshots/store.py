"""The snapshot store: one SQLite file, every run recorded, postings versioned, events kept."""
from __future__ import annotations

import json
import sqlite3
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, ContextManager, Iterable

from sqlite_utils import Database

from crawler.posting import Posting
from snapshots.completeness import COMPLETE, FAILED, Outcome
from snapshots.detect import Detection, Rules, detect, iso
from snapshots.schema import ensure_schema, schema_is_current
from snapshots.sqlutil import write_transaction


class StoreError(Exception):
    """The database cannot be used: locked, read-only, or not a hirewatch database."""


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class Store:
    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.db = Database(self.path)
            self.db.execute("PRAGMA busy_timeout = 10000")
            with self.db.ensure_autocommit_on():
                self.db.execute("PRAGMA journal_mode = WAL")
            if not schema_is_current(self.db):
                with self.atomic():
                    ensure_schema(self.db)
        except (sqlite3.OperationalError, sqlite3.DatabaseError, OSError) as exc:
            raise StoreError(f"cannot open database {self.path}: {exc}") from exc

    def close(self) -> None:
        self.db.close()

    def atomic(self) -> ContextManager[Database]:
        return write_transaction(self.db)

    # -- runs ---------------------------------------------------------------------------------

    def register_source(self, name: str, kind: str, settings: dict[str, Any], schedule: Any) -> None:
        with self.atomic():
            if self.db["sources"].count_where("name = ?", [name]):
                self.db["sources"].update(name, {"kind": kind, "settings": json.dumps(settings, default=str),
                                                 "schedule": json.dumps(schedule, default=str)})
            else:
                self.db["sources"].insert({"name": name, "kind": kind, "settings": json.dumps(settings, default=str),
                                           "schedule": json.dumps(schedule, default=str), "healthy": 1,
                                           "consecutive_failures": 0})

    def start_run(self, source: str, now: datetime | None = None) -> int:
        with self.atomic():
            return self.db["runs"].insert({"source": source, "started_at": iso(now or utcnow()),
                                           "status": "running"}).last_pk

    def source_row(self, source: str) -> dict[str, Any] | None:
        rows = list(self.db.query("SELECT * FROM sources WHERE name = ?", [source]))
        return rows[0] if rows else None

    def last_complete_items(self, source: str) -> int | None:
        row = self.source_row(source)
        return row["last_complete_items"] if row else None

    def record_run(self, run_id: int, source: str, postings: Iterable[Posting], outcome: Outcome,
                   stats: dict[str, Any], rules: Rules, now: datetime | None = None,
                   finish_reason: str | None = None) -> Detection:
        """Apply a finished crawl: detection, run row, source health. Call inside `atomic()`."""
        now = now or utcnow()
        run = list(self.db.query("SELECT status FROM runs WHERE id = ?", [run_id]))
        if not run or run[0]["status"] != "running":
            return Detection()  # a run is applied once: replaying it changes nothing
        postings = list(postings) if outcome.status != FAILED else []
        src = self.source_row(source) or {}
        baseline = not src.get("last_complete_at")
        detection = detect(self.db, source, run_id, postings, outcome, rules, now, baseline)
        self.db["runs"].update(run_id, {
            "finished_at": iso(now), "status": outcome.status, "pages": outcome.pages, "items": len(postings),
            "errors": outcome.errors, "finish_reason": finish_reason or stats.get("finish_reason"),
            "reason": outcome.reason, "stats": json.dumps(stats, default=str),
        })
        health = self._health(source, run_id, outcome, len(postings), src, now)
        if health:
            detection.events.append(health)
            detection.counts["source_health"] = 1
        return detection

    def _health(self, source: str, run_id: int, outcome: Outcome, items: int, src: dict[str, Any],
                now: datetime) -> int | None:
        """Track the source's health; one `source_health` event when it turns bad, one when it recovers."""
        ok = outcome.status == COMPLETE
        was_healthy = src.get("healthy", 1) != 0
        update: dict[str, Any] = {"last_run_id": run_id, "last_status": outcome.status, "last_run_at": iso(now),
                                  "healthy": int(ok),
                                  "consecutive_failures": 0 if ok else (src.get("consecutive_failures") or 0) + 1}
        if ok:
            update.update(last_complete_items=items, last_complete_at=iso(now))
        if self.db["sources"].count_where("name = ?", [source]):
            self.db["sources"].update(source, update)
        else:
            self.db["sources"].insert({"name": source, "kind": "?", **update})
        if ok == was_healthy:
            return None
        note = "recovered: the last run was complete" if ok else f"run {outcome.status}: {outcome.reason}"
        return self.db["events"].insert({
            "kind": "source_health", "posting_id": None, "source": source, "run_id": run_id, "at": iso(now),
            "changes": json.dumps({"healthy": [was_healthy, ok]}), "baseline": 0, "note": note,
        }).last_pk

    def fail_stale_runs(self, now: datetime | None = None) -> int:
        """Runs left `running` by a killed daemon: recorded as failed, they close nothing."""
        with self.atomic():
            cursor = self.db.execute(
                "UPDATE runs SET status = 'failed', finished_at = ?, reason = 'interrupted' WHERE status = 'running'",
                [iso(now or utcnow())])
            return cursor.rowcount

    # -- queries ------------------------------------------------------------------------------

    def events(self, ids: Iterable[int]) -> list[dict[str, Any]]:
        """Events with the posting they are about, for subscription filters and alerts."""
        ids = list(ids)
        if not ids:
            return []
        marks = ",".join("?" * len(ids))
        return list(self.db.query(
            f"SELECT e.*, p.title, p.company, p.location, p.workplace, p.url, p.salary_min, p.salary_max, p.description, "
            f"p.salary_currency, p.salary_period, p.city, p.region, p.country, p.employment_type, p.seniority, "
            f"p.posted_at, p.first_seen_at, p.status AS posting_status FROM events e "
            f"LEFT JOIN postings p ON p.id = e.posting_id WHERE e.id IN ({marks}) ORDER BY e.id", ids))
