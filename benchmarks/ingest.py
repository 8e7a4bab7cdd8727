"""Ingest and detect on generated postings: hirewatch's `Store.record_run` against a bare
`sqlite-utils` `upsert_all` of the same rows, how detection scales, and the database's size.

Big databases are filled with `fill`, which writes a source's first run the way the detector
does (postings, their first version, jobs, `new` events, the run) in bulk: a million postings
through the detector would take longer than the whole benchmark may. The smoke test checks
that the detector sees a filled source as unchanged.
"""
from __future__ import annotations

import json
import shutil
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from benchmarks.data import run_of
from crawler.posting import Posting, content_hash
from snapshots.completeness import Outcome
from snapshots.detect import Rules, iso
from snapshots.identity import keys
from snapshots.schema import POSTING_COLUMNS, VERSION_FIELDS
from snapshots.sqlutil import insert_rows
from snapshots.store import Store

T0 = datetime(2026, 11, 1, 6, tzinfo=timezone.utc)
COMPLETE = Outcome("complete", "finished cleanly", 1, 0)
CHANGED = 0.02


def _fresh(path: Path) -> Path:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


def _version_columns(p: Posting) -> dict[str, Any]:
    values = {name: getattr(p, name) for name in VERSION_FIELDS}
    values["tags"] = json.dumps(p.tags)
    return values


def fill(store: Store, source: str, postings: list[Posting], now: datetime) -> None:
    """Write a source's first complete run in bulk, as the detector would have written it."""
    db, at = store.db, iso(now)
    run_id = store.start_run(source, now)
    with store.atomic():
        first = (db.execute("SELECT max(id) FROM postings").fetchone()[0] or 0) + 1
        first_job = (db.execute("SELECT max(id) FROM jobs").fetchone()[0] or 0) + 1
        for p in postings:
            p.content_hash = content_hash(p)
        ids = range(first, first + len(postings))
        posting_keys = [keys(p) for p in postings]
        insert_rows(db, "postings", [
            {**_version_columns(p), **posting_keys[n], "id": pid, "source": source, "external_id": p.external_id,
             "first_seen_at": at, "last_seen_at": at, "last_changed_at": at, "status": "active", "missed_runs": 0,
             "version": 1, "job_id": first_job + n} for n, (pid, p) in enumerate(zip(ids, postings))])
        insert_rows(db, "jobs", [{"id": first_job + n, "company": p.company, "title_key": posting_keys[n]["title_key"],
                                  "title": p.title, "created_at": at, "founder_id": pid}
                                 for n, (pid, p) in enumerate(zip(ids, postings))])
        insert_rows(db, "job_links", [{"job_id": first_job + n, "posting_id": pid, "strength": "exact",
                                       "evidence": '{"first_posting": true}', "other_posting_id": None,
                                       "linked_at": at} for n, pid in enumerate(ids)])
        insert_rows(db, "posting_versions", [{**_version_columns(p), "posting_id": pid, "version": 1,
                                              "run_id": run_id, "seen_at": at} for pid, p in zip(ids, postings)])
        insert_rows(db, "events", [{"kind": "new", "posting_id": pid, "job_id": first_job + n, "source": source,
                                    "run_id": run_id, "at": at, "changes": None, "baseline": 1, "note": None}
                                   for n, pid in enumerate(ids)])
        db["runs"].update(run_id, {"finished_at": at, "status": "complete", "pages": 1, "items": len(postings),
                                   "errors": 0, "finish_reason": "finished", "reason": COMPLETE.reason,
                                   "stats": "{}"})
        db["sources"].upsert({"name": source, "kind": "greenhouse", "last_run_id": run_id, "last_status": "complete",
                              "last_run_at": at, "healthy": 1, "consecutive_failures": 0,
                              "last_complete_items": len(postings), "last_complete_at": at}, pk="name")


def detect_run(store: Store, source: str, postings: list[Posting], now: datetime) -> tuple[float, dict[str, int]]:
    """One run through the detector; its seconds and event counts."""
    started = time.perf_counter()
    run_id = store.start_run(source, now)
    with store.atomic():
        detection = store.record_run(run_id, source, postings, COMPLETE, {}, Rules(), now)
    return time.perf_counter() - started, detection.counts


def _prefilled(work: str, name: str, sources: dict[str, int]) -> Path:
    """A database holding these sources' first runs, built once per work dir and copied for each use."""
    template = Path(work) / f"{name}-template.db"
    if not template.exists():
        building = _fresh(Path(work) / f"{name}-building.db")
        store = Store(building)
        for n, (source, size) in enumerate(sources.items()):
            fill(store, source, run_of(source, size, CHANGED, 0), T0 + timedelta(minutes=n))
        store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        store.close()
        building.rename(template)
    copy = _fresh(Path(work) / f"{name}.db")
    shutil.copyfile(template, copy)
    return copy


def _filler_sources(total: int, runs: int, measured: int) -> dict[str, int]:
    """`runs` sources holding `total` postings, the first (measured) one with `measured` of them."""
    others = runs - 1
    each, extra = divmod(total - measured, others)
    return {"measured": measured, **{f"other{n:02d}": each + (1 if n < extra else 0) for n in range(others)}}


def hirewatch_ingest(work: str, total: int, runs: int, size: int) -> dict[str, Any]:
    """A run of `size` postings (2% changed) into a database holding `total` postings from `runs` runs."""
    store = Store(_prefilled(work, f"ingest-{total}-{runs}-{size}", _filler_sources(total, runs, size)))
    postings = run_of("measured", size, CHANGED, 1)
    seconds, counts = detect_run(store, "measured", postings, T0 + timedelta(days=1))
    total_rows = store.db.execute("SELECT count(*) FROM postings").fetchone()[0]
    return {"seconds": seconds, "events": counts, "postings_in_db": total_rows}


def _bare_row(p: Posting) -> dict[str, Any]:
    return {**{name: getattr(p, name) for name in VERSION_FIELDS}, "tags": json.dumps(p.tags),
            "source": p.source, "external_id": p.external_id}


def bare_upsert(work: str, total: int, runs: int, size: int) -> dict[str, Any]:
    """The floor: the same rows upserted with sqlite-utils into a plain table of `total` postings."""
    path = Path(work) / f"bare-{total}-{runs}-{size}.db"
    template = Path(f"{path}.template")
    if not template.exists():
        db = Database(_fresh(path))
        columns = {n: POSTING_COLUMNS[n] for n in ("source", "external_id", *VERSION_FIELDS)}
        db["postings"].create(columns, pk=("source", "external_id"))
        with db.conn:
            for source, count in _filler_sources(total, runs, size).items():
                insert_rows(db, "postings", [_bare_row(p) for p in run_of(source, count, CHANGED, 0)])
        db.close()
        path.rename(template)
    shutil.copyfile(template, _fresh(path))
    db = Database(path)
    rows = [_bare_row(p) for p in run_of("measured", size, CHANGED, 1)]
    started = time.perf_counter()
    with db.conn:
        db["postings"].upsert_all(rows, pk=("source", "external_id"), batch_size=500)
    return {"seconds": time.perf_counter() - started}


def scaling(work: str, sizes: list[int]) -> dict[str, Any]:
    """Detection time per posting of a run with 2% changed, for each source size."""
    per_posting = {}
    for size in sizes:
        store = Store(_prefilled(work, f"scale-{size}", {f"scale{size}": size}))
        postings = run_of(f"scale{size}", size, CHANGED, 1)
        seconds, _ = detect_run(store, f"scale{size}", postings, T0 + timedelta(days=1))
        per_posting[str(size)] = seconds / size
        store.close()
        Path(store.path).unlink()
    return {"per_posting": per_posting}


def db_size(work: str, size: int, days: int) -> dict[str, Any]:
    """Bytes per posting-version after `days` daily runs of `size` postings, 2% changing each day."""
    store = Store(_fresh(Path(work) / f"dbsize-{size}-{days}.db"))
    source = "daily"
    fill(store, source, run_of(source, size, CHANGED, 0), T0)
    updated = 0
    for day in range(1, days):
        _, counts = detect_run(store, source, run_of(source, size, CHANGED, day), T0 + timedelta(days=day))
        updated += counts.get("updated", 0)
    store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    versions = store.db.execute("SELECT count(*) FROM posting_versions").fetchone()[0]
    store.close()
    size_bytes = store.path.stat().st_size
    return {"bytes": size_bytes, "versions": versions, "updated": updated}
