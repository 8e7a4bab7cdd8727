"""Read-only questions the CLI asks of the snapshot database."""
from __future__ import annotations

import json
import re
from datetime import datetime, timedelta, timezone
from typing import Any

from sqlite_utils import Database

POSTING_LIST_COLUMNS = (
    "id", "source", "external_id", "url", "apply_url", "title", "company", "location", "city", "region",
    "country", "workplace", "employment_type", "seniority", "salary_min", "salary_max", "salary_currency",
    "salary_period", "salary_source", "salary_text", "posted_at", "posted_precision", "valid_through",
    "liveness_confirmed_at", "requisition_id", "tags", "description", "content_hash", "first_seen_at",
    "last_seen_at", "last_changed_at", "status", "job_id",
)

_SINCE = re.compile(r"^(\d+)\s*([smhdw])$")


def parse_since(value: str, now: datetime | None = None) -> str:
    """`7d`, `12h`, `30m` or an ISO date/time → an ISO timestamp to compare with."""
    now = now or datetime.now(timezone.utc)
    match = _SINCE.match(value.strip())
    if match:
        unit = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days", "w": "weeks"}[match.group(2)]
        return (now - timedelta(**{unit: int(match.group(1))})).isoformat(timespec="seconds")
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        raise ValueError(f"not a time or duration: {value!r} (use e.g. 7d, 12h or 2026-11-01)") from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=timezone.utc)
    return parsed.astimezone(timezone.utc).isoformat(timespec="seconds")


def _fts_query(text: str) -> str:
    # Quote each word so user text never breaks FTS5 syntax.
    return " ".join('"' + w.replace('"', '""') + '"' for w in text.split())


def postings(db: Database, status: str | None = None, source: list[str] | None = None,
             company: str | None = None, search: str | None = None) -> list[dict[str, Any]]:
    where, params = [], []
    if status:
        where.append("p.status = ?")
        params.append(status)
    if source:
        where.append(f"p.source IN ({','.join('?' * len(source))})")
        params.extend(source)
    if company:
        where.append("p.company = ? COLLATE NOCASE")
        params.append(company)
    join = ""
    order = "p.first_seen_at DESC, p.id DESC"
    if search:
        join = "JOIN postings_fts f ON f.rowid = p.id"
        where.append("postings_fts MATCH ?")
        params.append(_fts_query(search))
        order = "f.rank"
    sql = (f"SELECT {', '.join('p.' + c for c in POSTING_LIST_COLUMNS)} FROM postings p {join} "
           f"{'WHERE ' + ' AND '.join(where) if where else ''} ORDER BY {order}")
    rows = list(db.query(sql, params))
    for row in rows:
        row["tags"] = json.loads(row["tags"] or "[]")
    return rows


def events(db: Database, since: str | None = None, kind: list[str] | None = None,
           source: list[str] | None = None, posting_id: int | None = None) -> list[dict[str, Any]]:
    where, params = [], []
    if posting_id is not None:
        where.append("e.posting_id = ?")
        params.append(posting_id)
    if since:
        where.append("e.at >= ?")
        params.append(since)
    if kind:
        where.append(f"e.kind IN ({','.join('?' * len(kind))})")
        params.extend(kind)
    if source:
        where.append(f"e.source IN ({','.join('?' * len(source))})")
        params.extend(source)
    sql = ("SELECT e.id, e.at, e.kind, e.source, e.posting_id, e.job_id, e.run_id, e.baseline, e.changes, e.note, "
           "p.title, p.company, p.location, p.url FROM events e LEFT JOIN postings p ON p.id = e.posting_id "
           f"{'WHERE ' + ' AND '.join(where) if where else ''} ORDER BY e.id")
    rows = list(db.query(sql, params))
    for row in rows:
        row["changes"] = json.loads(row["changes"]) if row["changes"] else None
    return rows


def history(db: Database, posting_id: int) -> dict[str, Any] | None:
    rows = list(db.query("SELECT * FROM postings WHERE id = ?", [posting_id]))
    if not rows:
        return None
    posting = rows[0]
    posting["tags"] = json.loads(posting["tags"] or "[]")
    versions = list(db.query("SELECT * FROM posting_versions WHERE posting_id = ? ORDER BY version", [posting_id]))
    return {"posting": posting, "versions": versions, "events": events(db, posting_id=posting_id)}
