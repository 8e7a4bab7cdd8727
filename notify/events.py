"""Events joined with their postings: what filters and templates read."""
from __future__ import annotations

from typing import Any, Iterable

from sqlite_utils import Database

POSTING_FIELDS = ("title", "company", "location", "city", "region", "country", "workplace", "employment_type",
                  "seniority", "salary_min", "salary_max", "salary_currency", "salary_period", "url", "description",
                  "posted_at", "first_seen_at")
_SELECT = ("SELECT e.*, " + ", ".join(f"p.{name}" for name in POSTING_FIELDS) + ", p.status AS posting_status "
           "FROM events e LEFT JOIN postings p ON p.id = e.posting_id")
_CHUNK = 500  # SQLite's host-parameter limit is 999 on old builds


def event_rows(db: Database, ids: Iterable[int]) -> list[dict[str, Any]]:
    """The events with these ids that still exist, oldest first."""
    ids = sorted(set(ids))
    rows: list[dict[str, Any]] = []
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start:start + _CHUNK]
        rows.extend(db.query(f"{_SELECT} WHERE e.id IN ({','.join('?' * len(chunk))})", chunk))
    return sorted(rows, key=lambda r: r["id"])


def events_after(db: Database, after_id: int, through_id: int, kinds: Iterable[str]) -> list[dict[str, Any]]:
    """Events with after_id < id <= through_id of these kinds, leaving out sources' silent baselines."""
    kinds = list(kinds)
    return list(db.query(
        f"{_SELECT} WHERE e.id > ? AND e.id <= ? AND e.baseline = 0 AND e.kind IN ({','.join('?' * len(kinds))}) "
        "ORDER BY e.id", [after_id, through_id, *kinds]))
