"""Tables of the snapshot database, created (or extended) through sqlite-utils."""
from __future__ import annotations

from sqlite_utils import Database

from snapshots.views import create_views

SCHEMA_VERSION = 5

POSTING_COLUMNS: dict[str, type] = {
    "id": int,
    "source": str,
    "external_id": str,
    "url": str,
    "apply_url": str,
    "title": str,
    "company": str,
    "location": str,
    "city": str,
    "region": str,
    "country": str,
    "workplace": str,
    "employment_type": str,
    "seniority": str,
    "salary_min": float,
    "salary_max": float,
    "salary_currency": str,
    "salary_period": str,
    "salary_source": str,
    "salary_text": str,
    "posted_at": str,
    "posted_precision": str,
    "valid_through": str,
    "liveness_confirmed_at": str,
    "requisition_id": str,
    "tags": str,
    "description": str,
    "content_hash": str,
    "first_seen_at": str,
    "last_seen_at": str,
    "last_changed_at": str,
    "status": str,
    "missed_runs": int,
    "version": int,
    "job_id": int,
    "company_key": str,
    "title_key": str,
}

# The fields a version keeps: everything the board said, nothing the store derived.
VERSION_FIELDS: tuple[str, ...] = (
    "url", "apply_url", "title", "company", "location", "city", "region", "country", "workplace",
    "employment_type", "seniority", "salary_min", "salary_max", "salary_currency", "salary_period",
    "salary_source", "salary_text", "posted_at", "posted_precision", "valid_through",
    "liveness_confirmed_at", "requisition_id", "tags", "description", "content_hash",
)


def schema_is_current(db: Database) -> bool:
    if "meta" not in db.table_names():
        return False
    rows = list(db.query("SELECT value FROM meta WHERE key = 'schema_version'"))
    return bool(rows) and rows[0]["value"] == str(SCHEMA_VERSION)


def ensure_schema(db: Database) -> None:
    """Create what is missing. Call inside a write transaction."""
    db["sources"].create(
        {"name": str, "kind": str, "settings": str, "schedule": str, "healthy": int,
         "last_run_id": int, "last_status": str, "last_run_at": str, "consecutive_failures": int,
         "last_complete_items": int, "last_complete_at": str},
        pk="name", not_null={"kind"}, defaults={"healthy": 1, "consecutive_failures": 0},
        if_not_exists=True,
    )
    db["runs"].create(
        {"id": int, "source": str, "started_at": str, "finished_at": str, "status": str,
         "pages": int, "items": int, "errors": int, "finish_reason": str, "reason": str, "stats": str},
        pk="id", not_null={"source", "started_at", "status"}, if_not_exists=True,
    )
    db["jobs"].create(
        {"id": int, "company": str, "title_key": str, "title": str, "created_at": str, "founder_id": int},
        pk="id", if_not_exists=True,
    )
    db["postings"].create(
        POSTING_COLUMNS, pk="id", not_null={"source", "external_id", "title", "status"},
        defaults={"status": "active", "missed_runs": 0, "tags": "[]"}, if_not_exists=True,
    )
    db["job_links"].create(
        {"job_id": int, "posting_id": int, "strength": str, "evidence": str, "other_posting_id": int,
         "linked_at": str},
        pk=("job_id", "posting_id"), foreign_keys=[("job_id", "jobs", "id"), ("posting_id", "postings", "id")],
        if_not_exists=True,
    )
    db["posting_versions"].create(
        {"posting_id": int, "version": int, "run_id": int, "seen_at": str,
         **{name: POSTING_COLUMNS[name] for name in VERSION_FIELDS}},
        pk=("posting_id", "version"), foreign_keys=[("posting_id", "postings", "id")], if_not_exists=True,
    )
    db["events"].create(
        {"id": int, "kind": str, "posting_id": int, "job_id": int, "source": str, "run_id": int,
         "at": str, "changes": str, "baseline": int, "note": str},
        pk="id", not_null={"kind", "source", "at"}, defaults={"baseline": 0}, if_not_exists=True,
    )
    db["deliveries"].create(
        {"id": int, "event_id": int, "digest_id": int, "channel": str, "subscription": str,
         "status": str, "attempts": int, "next_attempt_at": str, "last_error": str,
         "created_at": str, "sent_at": str},
        pk="id", not_null={"channel", "status"}, defaults={"attempts": 0, "status": "pending"},
        if_not_exists=True,
    )
    db["digests"].create(
        {"id": int, "subscription": str, "created_at": str, "period_start": str, "period_end": str,
         "event_ids": str, "through_event_id": int},
        pk="id", not_null={"subscription", "created_at"}, if_not_exists=True,
    )
    db["meta"].create({"key": str, "value": str}, pk="key", if_not_exists=True)
    db["meta"].upsert({"key": "schema_version", "value": str(SCHEMA_VERSION)}, pk="key")
    # Databases made by an older version get the columns added since.
    _add_missing(db, "postings", POSTING_COLUMNS)
    _add_missing(db, "jobs", {"founder_id": int})
    _add_missing(db, "job_links", {"other_posting_id": int})
    _add_missing(db, "digests", {"through_event_id": int})  # the next digest starts after this event

    db["postings"].create_index(["source", "external_id"], unique=True, if_not_exists=True)
    db["postings"].create_index(["status"], if_not_exists=True)
    db["postings"].create_index(["company"], if_not_exists=True)
    db["postings"].create_index(["job_id"], if_not_exists=True)
    db["postings"].create_index(["company_key", "title_key"], if_not_exists=True)
    db["jobs"].create_index(["founder_id"], if_not_exists=True)
    db["events"].create_index(["run_id"], if_not_exists=True)
    db["runs"].create_index(["source", "id"], if_not_exists=True)
    db["events"].create_index(["at"], if_not_exists=True)
    db["events"].create_index(["posting_id"], if_not_exists=True)
    db["jobs"].create_index(["company", "title_key"], if_not_exists=True)
    # One alert per event per channel, ever; digests likewise.
    db.execute("CREATE UNIQUE INDEX IF NOT EXISTS deliveries_event_channel "
               "ON deliveries(event_id, channel) WHERE event_id IS NOT NULL")
    db.execute("CREATE UNIQUE INDEX IF NOT EXISTS deliveries_digest_channel "
               "ON deliveries(digest_id, channel) WHERE digest_id IS NOT NULL")
    db["deliveries"].create_index(["status"], if_not_exists=True)
    if "postings_fts" not in db.table_names():
        db["postings"].enable_fts(FTS_COLUMNS, fts_version="FTS5", create_triggers=True, tokenize="porter")
    narrow_fts_update_trigger(db)
    create_views(db)


FTS_COLUMNS = ["title", "company", "location", "description"]


def narrow_fts_update_trigger(db: Database) -> None:
    """Re-index a posting only when a searched column changes, not on every `last_seen_at` bump."""
    cols = ", ".join(f'"{c}"' for c in FTS_COLUMNS)
    old = ", ".join(f'old."{c}"' for c in FTS_COLUMNS)
    new = ", ".join(f'new."{c}"' for c in FTS_COLUMNS)
    db.execute('DROP TRIGGER IF EXISTS "postings_au"')
    db.execute(f'CREATE TRIGGER "postings_au" AFTER UPDATE OF {cols} ON "postings" BEGIN '
               f'INSERT INTO "postings_fts" ("postings_fts", rowid, {cols}) VALUES(\'delete\', old.rowid, {old}); '
               f'INSERT INTO "postings_fts" (rowid, {cols}) VALUES (new.rowid, {new}); END')


def _add_missing(db: Database, table: str, columns: dict[str, type]) -> None:
    have = db[table].columns_dict
    for name, kind in columns.items():
        if name not in have:
            db[table].add_column(name, kind)
