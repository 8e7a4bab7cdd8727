"""How the sources and the store are doing: for `hirewatch status`, /healthz and /metrics."""
from __future__ import annotations

from typing import Any

from sqlite_utils import Database


def sources(db: Database) -> list[dict[str, Any]]:
    """Per source: its last run, health and the last complete run."""
    return list(db.query(
        "SELECT s.name, s.kind, s.healthy, s.consecutive_failures, s.last_status, s.last_run_at, "
        "s.last_complete_at, s.last_complete_items, r.items AS last_items, r.reason AS last_reason, "
        "(SELECT max(started_at) FROM runs WHERE runs.source = s.name) AS last_started_at "
        "FROM sources s LEFT JOIN runs r ON r.id = s.last_run_id ORDER BY s.name"))


def counts(db: Database) -> dict[str, dict[Any, int]]:
    """Totals by status or kind, for metrics."""
    def by(sql: str) -> dict[Any, int]:
        return {row["key"]: row["n"] for row in db.query(sql)}
    return {
        "runs": {(r["source"], r["status"]): r["n"] for r in
                 db.query("SELECT source, status, count(*) AS n FROM runs GROUP BY source, status")},
        "postings": by("SELECT status AS key, count(*) AS n FROM postings GROUP BY status"),
        "events": by("SELECT kind AS key, count(*) AS n FROM events GROUP BY kind"),
        "deliveries": by("SELECT status AS key, count(*) AS n FROM deliveries GROUP BY status"),
    }
