"""Read-only questions the CLI asks of the snapshot database."""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from functools import lru_cache
from typing import Any, Iterator, Sequence

from sqlite_utils import Database

from snapshots.schema import VERSION_FIELDS
from snapshots.views import yearly_sql

POSTING_LIST_COLUMNS = (
    "id", "source", "external_id", "url", "apply_url", "title", "company", "location", "city", "region",
    "country", "workplace", "employment_type", "seniority", "salary_min", "salary_max", "salary_currency",
    "salary_period", "salary_source", "salary_text", "posted_at", "posted_precision", "valid_through",
    "liveness_confirmed_at", "requisition_id", "tags", "description", "content_hash", "first_seen_at",
    "last_seen_at", "last_changed_at", "status", "job_id",
)
EVENT_KINDS = ("new", "also_posted", "updated", "stale", "closed", "reopened", "source_health")
SORTS = ("first_seen", "posted", "salary", "company")

# The top of the advertised range, per year: what `salary_min` filters and `salary` sorts compare.
_YEARLY_TOP = yearly_sql("coalesce(p.salary_max, p.salary_min)", "p.salary_period")
_ORDER = {
    "first_seen": "p.first_seen_at DESC, p.id DESC",
    "posted": "p.posted_at IS NULL, p.posted_at DESC, p.id DESC",
    "salary": f"{_YEARLY_TOP} IS NULL, {_YEARLY_TOP} DESC, p.id DESC",
    "company": "p.company IS NULL, p.company COLLATE NOCASE, p.title COLLATE NOCASE, p.id",
    "rank": "rank, p.id",
}
# Search weights per FTS column (title, company, location, description): a word in the
# title says far more about a posting than the same word somewhere in its description.
_BM25 = "bm25(postings_fts, 10.0, 5.0, 2.0, 1.0)"

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


@dataclass(frozen=True)
class PostingFilter:
    """The subscription filter's questions, plus status and dates. Empty means "any"."""
    statuses: Sequence[str] = ()
    sources: Sequence[str] = ()
    companies: Sequence[str] = ()
    keywords: Sequence[str] = ()  # any of them, as a whole word, in the title or description
    exclude_keywords: Sequence[str] = ()
    workplace: Sequence[str] = ()
    countries: Sequence[str] = ()
    salary_min: float | None = None  # yearly; postings that state no salary do not pass
    posted_since: str | None = None
    first_seen_since: str | None = None

    def where(self) -> tuple[list[str], list[Any]]:
        where: list[str] = []
        params: list[Any] = []

        def one_of(column: str, values: Sequence[str], nocase: bool = False) -> None:
            if values:
                collate = " COLLATE NOCASE" if nocase else ""
                where.append(f"{column}{collate} IN ({','.join('?' * len(values))})")
                params.extend(values)

        one_of("p.status", self.statuses)
        one_of("p.source", self.sources)
        one_of("p.company", self.companies, nocase=True)
        one_of("p.workplace", self.workplace)
        one_of("p.country", self.countries, nocase=True)
        text = "coalesce(p.title, '') || char(10) || coalesce(p.description, '')"
        if self.keywords:
            where.append("(" + " OR ".join(f"hw_has_word({text}, ?)" for _ in self.keywords) + ")")
            params.extend(self.keywords)
        for word in self.exclude_keywords:
            where.append(f"NOT hw_has_word({text}, ?)")
            params.append(word)
        if self.salary_min is not None:
            where.append(f"{_YEARLY_TOP} >= ?")
            params.append(self.salary_min)
        if self.posted_since:
            where.append("p.posted_at >= ?")
            params.append(self.posted_since)
        if self.first_seen_since:
            where.append("p.first_seen_at >= ?")
            params.append(self.first_seen_since)
        return where, params


@lru_cache(maxsize=256)
def _word(term: str) -> re.Pattern[str]:
    # The same whole-word rule as subscription keywords: "go" does not match "good".
    return re.compile(rf"(?<!\w){re.escape(term)}(?!\w)", re.I)


def _register_functions(db: Database) -> None:
    db.conn.create_function("hw_has_word", 2, lambda text, term: int(bool(_word(term).search(text or ""))),
                            deterministic=True)


def _fts_query(text: str) -> str:
    """User words → an FTS5 query: every word must match; `word*` is a prefix. Quoting each word
    keeps user text (hyphens, colons, quotes) from being read as FTS5 syntax."""
    terms = []
    for word in text.split():
        prefix = word.endswith("*") and len(word) > 1
        word = word.rstrip("*") if prefix else word
        terms.append('"' + word.replace('"', '""') + '"' + ("*" if prefix else ""))
    return " ".join(terms)


def _decode_posting(row: dict[str, Any]) -> dict[str, Any]:
    row["tags"] = json.loads(row["tags"] or "[]")
    return row


def postings(db: Database, flt: PostingFilter = PostingFilter(), search: str | None = None,
             sort: str | None = None, limit: int | None = None,
             marks: tuple[str, str] | None = None) -> list[dict[str, Any]]:
    """Postings passing FLT; with SEARCH, only full-text matches, best first (unless SORT says
    otherwise), each with its `rank` (bm25, lower is better) and, given MARKS, a `snippet` whose
    matched words are wrapped in the two marks."""
    _register_functions(db)
    where, params = flt.where()
    columns = [f"p.{c}" for c in POSTING_LIST_COLUMNS]
    join = ""
    if search:
        if not search.split():
            raise ValueError("the search text is empty")
        join = "JOIN postings_fts ON postings_fts.rowid = p.id"
        columns.append(f"{_BM25} AS rank")
        if marks:
            columns.append("snippet(postings_fts, -1, ?, ?, '…', 12) AS snippet")
            params = [*marks, *params]
        where.append("postings_fts MATCH ?")
        params.append(_fts_query(search))
    order = _ORDER[sort or ("rank" if search else "first_seen")]
    sql = (f"SELECT {', '.join(columns)} FROM postings p {join} "
           f"{'WHERE ' + ' AND '.join(where) if where else ''} ORDER BY {order}")
    if limit is not None:
        sql += " LIMIT ?"
        params.append(limit)
    return [_decode_posting(row) for row in db.query(sql, params)]


def events(db: Database, since: str | None = None, kind: Sequence[str] = (), source: Sequence[str] = (),
           posting_id: int | None = None, limit: int | None = None) -> list[dict[str, Any]]:
    """Events with their posting's title, company, location and URL, oldest first (the newest LIMIT
    of them when limited)."""
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
           f"{'WHERE ' + ' AND '.join(where) if where else ''}")
    if limit is not None:
        sql = f"SELECT * FROM ({sql} ORDER BY e.id DESC LIMIT ?) ORDER BY id"
        params.append(limit)
    else:
        sql += " ORDER BY e.id"
    rows = list(db.query(sql, params))
    for row in rows:
        row["changes"] = json.loads(row["changes"]) if row["changes"] else None
    return rows


def version_diffs(versions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """What changed from each version to the next: `{version, seen_at, changes: {field: [old, new]}}`."""
    fields = [f for f in VERSION_FIELDS if f != "content_hash"]
    return [{"version": new["version"], "seen_at": new["seen_at"],
             "changes": {f: [old.get(f), new.get(f)] for f in fields if old.get(f) != new.get(f)}}
            for old, new in zip(versions, versions[1:])]


def job_postings(db: Database, job_ids: Sequence[int]) -> dict[int, list[dict[str, Any]]]:
    """Each job's postings with how (and why) they were linked to it."""
    if not job_ids:
        return {}
    rows = db.query(
        "SELECT p.job_id, p.id, p.source, p.external_id, p.title, p.company, p.location, p.status, p.url, "
        "p.first_seen_at, l.strength, l.evidence, l.linked_at FROM postings p "
        "LEFT JOIN job_links l ON l.job_id = p.job_id AND l.posting_id = p.id "
        f"WHERE p.job_id IN ({','.join('?' * len(job_ids))}) ORDER BY p.job_id, p.first_seen_at, p.id",
        list(job_ids))
    out: dict[int, list[dict[str, Any]]] = {}
    for row in rows:
        row["evidence"] = json.loads(row["evidence"]) if row["evidence"] else None
        out.setdefault(row.pop("job_id"), []).append(row)
    return out


def history(db: Database, posting_id: int) -> dict[str, Any] | None:
    """A posting with its versions, what changed between them, its events and its job's other postings."""
    rows = list(db.query("SELECT * FROM postings WHERE id = ?", [posting_id]))
    if not rows:
        return None
    posting = _decode_posting(rows[0])
    versions = list(db.query("SELECT * FROM posting_versions WHERE posting_id = ? ORDER BY version", [posting_id]))
    job = None
    if posting.get("job_id") is not None:
        found = list(db.query("SELECT id, company, title, created_at FROM jobs WHERE id = ?", [posting["job_id"]]))
        if found:
            job = found[0]
            job["postings"] = job_postings(db, [job["id"]]).get(job["id"], [])
    return {"posting": posting, "versions": versions, "diffs": version_diffs(versions),
            "events": events(db, posting_id=posting_id), "job": job}


def jobs(db: Database, company: Sequence[str] = (), min_postings: int = 2,
         limit: int | None = None) -> list[dict[str, Any]]:
    """Cross-board jobs (those with at least MIN_POSTINGS postings), most recently seen first."""
    where, params = [], []
    if company:
        where.append(f"j.company COLLATE NOCASE IN ({','.join('?' * len(company))})")
        params.extend(company)
    sql = ("SELECT j.id, j.company, j.title, j.created_at, count(p.id) AS posting_count, "
           "count(DISTINCT p.source) AS sources, max(p.last_seen_at) AS last_seen_at "
           "FROM jobs j JOIN postings p ON p.job_id = j.id "
           f"{'WHERE ' + ' AND '.join(where) if where else ''} "
           "GROUP BY j.id HAVING count(p.id) >= ? ORDER BY last_seen_at DESC, j.id DESC")
    params.append(min_postings)
    if limit is not None:
        sql += " LIMIT ?"
        params.append(limit)
    found = list(db.query(sql, params))
    linked = job_postings(db, [j["id"] for j in found])
    for job in found:
        job["postings"] = linked.get(job["id"], [])
    return found


def posting_versions(db: Database, flt: PostingFilter = PostingFilter()) -> Iterator[dict[str, Any]]:
    """Every version of every posting passing FLT, with the posting's identity and status."""
    _register_functions(db)
    where, params = flt.where()
    fields = ", ".join(f"v.{f}" for f in VERSION_FIELDS)
    yield from db.query(
        "SELECT p.id AS posting_id, p.source, p.external_id, p.status, p.first_seen_at, p.last_seen_at, "
        f"v.version, v.seen_at, v.run_id, {fields} FROM posting_versions v JOIN postings p ON p.id = v.posting_id "
        f"{'WHERE ' + ' AND '.join(where) if where else ''} ORDER BY p.id, v.version", params)


def postings_with_history(db: Database, flt: PostingFilter = PostingFilter(),
                          chunk: int = 500) -> Iterator[dict[str, Any]]:
    """Postings passing FLT, each with its `versions` and `events`, a CHUNK at a time."""
    rows = postings(db, flt, sort="company")
    for start in range(0, len(rows), chunk):
        batch = {row["id"]: row for row in rows[start:start + chunk]}
        marks = ",".join("?" * len(batch))
        for row in batch.values():
            row.update(versions=[], events=[])
        for version in db.query(f"SELECT * FROM posting_versions WHERE posting_id IN ({marks}) "
                                "ORDER BY posting_id, version", list(batch)):
            batch[version["posting_id"]]["versions"].append(version)
        for event in db.query(f"SELECT * FROM events WHERE posting_id IN ({marks}) ORDER BY id", list(batch)):
            event["changes"] = json.loads(event["changes"]) if event["changes"] else None
            batch[event["posting_id"]]["events"].append(event)
        yield from batch.values()
