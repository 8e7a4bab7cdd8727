"""The change detector: one run of one source against the stored state, as events.

Runs inside the caller's transaction (see `Store.record_run`), so a run's postings,
versions and events are committed together or not at all. Work is batched: one read of
the source's postings, full rows only for the ones whose hash changed, then executemany.
"""
from __future__ import annotations

import difflib
import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Iterable

from sqlite_utils import Database

from crawler.posting import MEANINGFUL_FIELDS, Posting, content_hash, stable_text
from snapshots.completeness import COMPLETE, Outcome
from snapshots.identity import EXACT, STRONG, IdentityRules, keys, link_new
from snapshots.schema import VERSION_FIELDS
from snapshots.sqlutil import chunked, insert_rows



@dataclass(frozen=True)
class Rules:
    closed_after_missed_runs: int = 2
    stale_after: timedelta = timedelta(days=30)
    ignore_fields: tuple[str, ...] = ()
    identity: IdentityRules = IdentityRules()


@dataclass
class Detection:
    events: list[int] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)


def iso(value: datetime) -> str:
    return value.isoformat(timespec="seconds")


def detect(db: Database, source: str, run_id: int, postings: Iterable[Posting], outcome: Outcome,
           rules: Rules, now: datetime, baseline: bool) -> Detection:
    at = iso(now)
    incoming: dict[str, Posting] = {}
    gone: set[str] = set()  # postings whose own page says they are closed: no content to keep
    for posting in postings:
        if posting.closed_hint:
            gone.add(posting.external_id)
            continue
        if rules.ignore_fields or not posting.content_hash:  # else the pipeline's hash is the same
            posting.content_hash = content_hash(posting, rules.ignore_fields)
        incoming[posting.external_id] = posting  # a board listing a posting twice: the last copy wins

    stored = {row["external_id"]: row for row in db.query(
        "SELECT id, external_id, content_hash, status, missed_runs, version FROM postings WHERE source = ?",
        [source])}
    events: list[dict[str, Any]] = []

    def event(kind: str, posting_id: int | None, changes: dict | None = None, note: str | None = None) -> None:
        events.append({"kind": kind, "posting_id": posting_id, "source": source, "run_id": run_id, "at": at,
                       "changes": json.dumps(changes, ensure_ascii=False, default=str) if changes else None,
                       "baseline": int(baseline), "note": note})

    new = [p for ext, p in incoming.items() if ext not in stored]
    seen = [p for ext, p in incoming.items() if ext in stored]
    changed = [p for p in seen if p.content_hash != stored[p.external_id]["content_hash"]]
    old_rows = _rows(db, [stored[p.external_id]["id"] for p in changed])

    _insert_new(db, source, new, at)
    ids = _ids(db, source, [p.external_id for p in new])
    links = link_new(db, source, [(ids[p.external_id], p) for p in new], rules.identity, at)
    for posting in new:
        pid = ids[posting.external_id]
        link = links[pid]
        event("also_posted" if link.strength in (EXACT, STRONG) else "new", pid, note=link.note())

    versions: list[tuple[int, int, Posting]] = [(ids[p.external_id], 1, p) for p in new]
    for posting in changed:
        row = stored[posting.external_id]
        versions.append((row["id"], (row["version"] or 0) + 1, posting))
        changes, note = diff(old_rows[row["id"]], posting, rules.ignore_fields)
        if changes:
            event("updated", row["id"], changes, note)
    for posting in seen:
        if stored[posting.external_id]["status"] == "closed":
            event("reopened", stored[posting.external_id]["id"])

    _update_seen(db, seen, {p.external_id for p in changed}, stored, at)
    _insert_versions(db, versions, run_id, at)

    if outcome.status == COMPLETE:
        for posting_id in _count_misses(db, source, set(incoming) | gone, stored, rules.closed_after_missed_runs):
            event("closed", posting_id)
        # A posting's own page saying it is gone is a hint; a complete run makes it count.
        hinted = [stored[ext]["id"] for ext in gone if ext in stored and stored[ext]["status"] != "closed"]
        _set_status(db, hinted, "closed")
        for posting_id in hinted:
            event("closed", posting_id, note="its page says it is gone or no longer accepts applications")

    for posting_id, kind, note in _freshness(db, source, set(incoming), rules.stale_after, now):
        if kind == "stale":
            event("stale", posting_id, note=note)
        else:
            event("updated", posting_id, {"status": ["stale", "active"]}, note)

    insert_rows(db, "events", events)
    db.execute("UPDATE events SET job_id = (SELECT job_id FROM postings WHERE postings.id = events.posting_id) "
               "WHERE run_id = ? AND posting_id IS NOT NULL", [run_id])
    event_ids = [r["id"] for r in db.query("SELECT id FROM events WHERE run_id = ? ORDER BY id", [run_id])]
    counts: dict[str, int] = {}
    for e in events:
        counts[e["kind"]] = counts.get(e["kind"], 0) + 1
    return Detection(events=event_ids, counts=counts)


def diff(old: dict[str, Any], new: Posting, ignore: Iterable[str] = ()) -> tuple[dict[str, list[Any]], str | None]:
    """Field-level changes `{field: [old, new]}`; a description change also gets a unified-diff excerpt."""
    skip = set(ignore)
    changes: dict[str, list[Any]] = {}
    note = None
    for name in MEANINGFUL_FIELDS:
        if name in skip:
            continue
        before, after = old.get(name), getattr(new, name)
        if name == "description" and stable_text(before or "") == stable_text(after or ""):
            continue
        if _same(before, after):
            continue
        if name == "description":
            removed, added, note = _text_diff(before or "", after or "")
            changes[name] = [removed, added]
        else:
            changes[name] = [before, after]
    return changes, note


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return float(a) == float(b)
    return (a or None) == (b or None)


def _text_diff(before: str, after: str, limit: int = 600) -> tuple[str, str, str]:
    a = [line.strip() for line in before.splitlines() if line.strip()]
    b = [line.strip() for line in after.splitlines() if line.strip()]
    lines = list(difflib.unified_diff(a, b, "before", "after", n=1, lineterm=""))[2:]
    removed = "\n".join(line[1:] for line in lines if line.startswith("-"))
    added = "\n".join(line[1:] for line in lines if line.startswith("+"))
    return removed[:limit], added[:limit], "\n".join(lines)[:limit * 2]


def _rows(db: Database, ids: list[int]) -> dict[int, dict[str, Any]]:
    rows: dict[int, dict[str, Any]] = {}
    for chunk in chunked(ids):
        marks = ",".join("?" * len(chunk))
        for row in db.query(f"SELECT * FROM postings WHERE id IN ({marks})", list(chunk)):
            rows[row["id"]] = row
    return rows


def _ids(db: Database, source: str, external_ids: list[str]) -> dict[str, int]:
    ids: dict[str, int] = {}
    for chunk in chunked(external_ids):
        marks = ",".join("?" * len(chunk))
        for row in db.query(f"SELECT id, external_id FROM postings WHERE source = ? AND external_id IN ({marks})",
                            [source, *chunk]):
            ids[row["external_id"]] = row["id"]
    return ids


def _columns(posting: Posting) -> dict[str, Any]:
    values = {name: getattr(posting, name) for name in VERSION_FIELDS}
    values["tags"] = json.dumps(posting.tags, ensure_ascii=False)
    return values


def _insert_new(db: Database, source: str, new: list[Posting], at: str) -> None:
    insert_rows(db, "postings", [
        {**_columns(p), **keys(p), "source": source, "external_id": p.external_id, "first_seen_at": at,
         "last_seen_at": at, "last_changed_at": at, "status": "active", "missed_runs": 0, "version": 1}
        for p in new])


# Columns that may change without a new version (they are not in the content hash).
_VOLATILE_COLUMNS = tuple(n for n in VERSION_FIELDS if n not in MEANINGFUL_FIELDS and n != "content_hash")


def _update_seen(db: Database, seen: list[Posting], changed: set[str], stored: dict[str, Any], at: str) -> None:
    """Every seen posting is active again and refreshed; changed ones get all columns and a new version.

    Unchanged ones touch no full-text column, so the FTS update trigger does not fire for them."""
    full, light = [], []
    for posting in seen:
        row = stored[posting.external_id]
        status = row["status"] if row["status"] == "stale" else "active"
        values = _columns(posting)
        base = {"id": row["id"], "last_seen_at": at, "status": status}
        if posting.external_id in changed:
            full.append({**values, **base, "version": (row["version"] or 0) + 1, "last_changed_at": at})
        else:
            light.append({**{n: values[n] for n in _VOLATILE_COLUMNS}, **base})
    for rows in (full, light):
        if rows:
            names = [n for n in rows[0] if n != "id"]
            db.conn.executemany(f"UPDATE postings SET {', '.join(f'{n} = :{n}' for n in names)}, missed_runs = 0 "
                                "WHERE id = :id", rows)


def _insert_versions(db: Database, versions: list[tuple[int, int, Posting]], run_id: int, at: str) -> None:
    insert_rows(db, "posting_versions", [{**_columns(p), "posting_id": pid, "version": version, "run_id": run_id,
                                          "seen_at": at} for pid, version, p in versions])


def _set_status(db: Database, ids: list[int], status: str) -> None:
    db.conn.executemany("UPDATE postings SET status = ? WHERE id = ?", [(status, i) for i in ids])


def _count_misses(db: Database, source: str, present: set[str], stored: dict[str, Any],
                  threshold: int) -> list[int]:
    """Absent from a complete run: one more miss; enough misses in a row close the posting."""
    missing = [row for ext, row in stored.items() if ext not in present and row["status"] != "closed"]
    db.conn.executemany("UPDATE postings SET missed_runs = missed_runs + 1 WHERE id = ?",
                        [(row["id"],) for row in missing])
    closing = [row["id"] for row in missing if (row["missed_runs"] or 0) + 1 >= threshold]
    _set_status(db, closing, "closed")
    return closing


def _freshness(db: Database, source: str, present: set[str], stale_after: timedelta,
               now: datetime) -> list[tuple[int, str, str]]:
    """Listed postings without recent evidence of life become stale; fresh evidence revives them."""
    cutoff = iso(now - stale_after)
    today = iso(now)
    changes: list[tuple[int, str, str]] = []
    rows = db.query(
        "SELECT id, external_id, status, posted_at, liveness_confirmed_at, valid_through FROM postings "
        "WHERE source = ? AND status IN ('active', 'stale')", [source])
    for row in rows:
        if row["external_id"] not in present:
            continue
        evidence = max(filter(None, [row["posted_at"], row["liveness_confirmed_at"]]), default=None)
        expired = bool(row["valid_through"]) and row["valid_through"] < today
        stale = expired or (evidence is not None and evidence < cutoff)
        if stale and row["status"] == "active":
            why = f"valid through {row['valid_through'][:10]}" if expired else f"no sign of life since {evidence[:10]}"
            changes.append((row["id"], "stale", why))
        elif not stale and row["status"] == "stale":
            changes.append((row["id"], "active", f"fresh again: last sign of life {evidence[:10] if evidence else '?'}"))
    for kind in ("stale", "active"):
        _set_status(db, [pid for pid, k, _ in changes if k == kind], kind)
    return changes
