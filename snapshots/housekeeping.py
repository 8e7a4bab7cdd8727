"""Keeping the database small and sound: retention, VACUUM, rebuilding the search index."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

from sqlite_utils import Database

from snapshots.schema import ensure_schema

# Events an alert still needs: those of pending deliveries and of pending digests, and those
# after the point where the slowest digest subscription stopped (its next digest reads them).
_STILL_NEEDED = """
SELECT event_id FROM deliveries WHERE status = 'pending' AND event_id IS NOT NULL
UNION
SELECT j.value FROM digests g JOIN deliveries d ON d.digest_id = g.id AND d.status = 'pending',
       json_each(coalesce(g.event_ids, '[]')) j
UNION
SELECT id FROM events WHERE id > (SELECT min(reached) FROM
    (SELECT max(through_event_id) AS reached FROM digests GROUP BY subscription))
"""


@dataclass
class Pruned:
    versions: int = 0
    events: int = 0
    deliveries: int = 0


def _cutoff(age: timedelta, now: datetime) -> str:
    return (now - age).isoformat(timespec="seconds")


def prune(db: Database, versions_older_than: timedelta | None, events_older_than: timedelta | None,
          now: datetime | None = None) -> Pruned:
    """Delete versions and events older than the given ages. A posting's latest version is always
    kept, and so is every event an unsent alert still needs. Call inside a write transaction."""
    now = now or datetime.now(timezone.utc)
    pruned = Pruned()
    if versions_older_than is not None:
        pruned.versions = db.execute(
            "DELETE FROM posting_versions WHERE seen_at < ? AND version < "
            "(SELECT max(v.version) FROM posting_versions v WHERE v.posting_id = posting_versions.posting_id)",
            [_cutoff(versions_older_than, now)]).rowcount
    if events_older_than is not None:
        db.execute("CREATE TEMP TABLE IF NOT EXISTS pruned_events (id INTEGER PRIMARY KEY)")
        db.execute("DELETE FROM temp.pruned_events")
        db.execute(f"INSERT INTO temp.pruned_events SELECT id FROM events WHERE at < ? "
                   f"AND id NOT IN ({_STILL_NEEDED})", [_cutoff(events_older_than, now)])
        # Their sent or failed deliveries go too: a delivery row is only the record of an event's alert.
        pruned.deliveries = db.execute(
            "DELETE FROM deliveries WHERE event_id IN (SELECT id FROM temp.pruned_events)").rowcount
        pruned.events = db.execute("DELETE FROM events WHERE id IN (SELECT id FROM temp.pruned_events)").rowcount
        db.execute("DROP TABLE temp.pruned_events")
    return pruned


def size(path: Path) -> int:
    """Bytes on disk: the database file and its write-ahead log."""
    return sum(p.stat().st_size for p in (path, Path(f"{path}-wal")) if p.exists())


def vacuum(db: Database) -> None:
    """Merge the search index, rewrite the file without free pages, and empty the WAL.
    VACUUM cannot run inside a transaction, so call this outside one."""
    if "postings_fts" in db.table_names():
        db.execute("INSERT INTO postings_fts(postings_fts) VALUES ('optimize')")
    db.execute("VACUUM")
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def rebuild_fts(db: Database) -> int:
    """Rebuild the full-text index from the postings (recreating it if it is missing); returns the
    number of postings indexed. Call inside a write transaction."""
    if "postings_fts" in db.table_names():
        db["postings"].rebuild_fts()
    else:
        # Its triggers outlive a dropped index, and would break every write to postings.
        for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' "
                                  "AND sql LIKE '%postings_fts%'").fetchall():
            db.execute(f'DROP TRIGGER "{name}"')
        ensure_schema(db)
    return db.execute("SELECT count(*) FROM postings_fts").fetchone()[0]
