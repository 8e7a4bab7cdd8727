"""What Datasette shows about the snapshot database: table and column descriptions, canned queries.

Datasette names a database after its file's stem, so the metadata is built for that name."""
from __future__ import annotations

from typing import Any

from snapshots.views import since_sql, yearly_sql

TABLES: dict[str, dict[str, Any]] = {
    "postings": {
        "description": "One row per (source, external_id): the posting as last seen, normalised.",
        "sort_desc": "first_seen_at",
        "columns": {
            "source": "The configured source (board) it was seen on.",
            "external_id": "The board's own id for the posting.",
            "url": "The posting's page, tracking parameters removed.",
            "apply_url": "Where to apply, when the board gives a separate link.",
            "workplace": "remote, hybrid or onsite (empty when the board does not say).",
            "country": "ISO 3166 alpha-2 code, from the location.",
            "salary_min": "Lower end of the advertised range, in salary_currency per salary_period.",
            "salary_max": "Upper end of the advertised range.",
            "salary_period": "year, month, week, day or hour.",
            "salary_source": "structured (an API field), header or body (read from the text).",
            "salary_text": "The salary as the board printed it.",
            "posted_at": "When the board says it was posted (UTC).",
            "posted_precision": "exact, or relative when read from text such as '3 days ago'.",
            "valid_through": "The board's closing date, if any.",
            "liveness_confirmed_at": "Latest sign from the board that the posting is still open.",
            "tags": "JSON list of the board's tags or departments.",
            "content_hash": "Hash of the meaningful fields; a new version is stored when it changes.",
            "first_seen_at": "First crawl that saw it (UTC).",
            "last_seen_at": "Latest crawl that saw it (UTC).",
            "last_changed_at": "Latest meaningful change (UTC).",
            "status": "active, stale (listed but no sign of life for detection.stale_after) or closed "
                      "(missing from complete runs).",
            "missed_runs": "Complete runs in a row it was absent from.",
            "version": "Its latest version number in posting_versions.",
            "job_id": "The real-world job it belongs to (jobs); postings of one job on several boards share it.",
        },
    },
    "posting_versions": {
        "description": "A row each time a posting's meaningful content changed (version 1: first sighting).",
        "columns": {"run_id": "The run that saw this version.", "seen_at": "When (UTC)."},
    },
    "events": {
        "description": "What happened: new, also_posted, updated, stale, closed, reopened, source_health.",
        "sort_desc": "id",
        "columns": {
            "kind": "new, also_posted (a known job on another board), updated, stale, closed, reopened, "
                    "source_health.",
            "changes": "For updated: JSON {field: [old, new]}.",
            "baseline": "1 when it came from a source's first complete run (not alerted by default).",
            "note": "Why, in words: a partial run's reason, a possible cross-board match.",
        },
    },
    "runs": {
        "description": "Every crawl of a source. Only a complete run may make postings absent.",
        "sort_desc": "id",
        "columns": {
            "status": "running, complete, partial or failed.",
            "pages": "Listing pages fetched.",
            "items": "Postings the crawl produced.",
            "errors": "Errors logged by the crawl.",
            "reason": "Why it was not complete.",
            "stats": "The crawler's final stats (JSON).",
        },
    },
    "sources": {
        "description": "The configured sources and their health.",
        "columns": {
            "healthy": "0 after a failed or partial run, until a complete one.",
            "consecutive_failures": "Failed or partial runs in a row.",
            "last_complete_items": "Postings in the last complete run; a run with less than half is partial.",
        },
    },
    "jobs": {"description": "Real-world jobs; each groups the postings of one job across boards."},
    "job_links": {
        "description": "Why a posting belongs to a job.",
        "columns": {"strength": "exact (same requisition id), strong, possible or repost.",
                    "evidence": "JSON: what matched (requisition id, description similarity, conflicts)."},
    },
    "deliveries": {
        "description": "The alert outbox: one row per event (or digest) and channel.",
        "columns": {"status": "pending, sent or failed."},
    },
    "digests": {"description": "Digest messages: the events each one collected."},
    "meta": {"description": "Schema version."},
    "active_postings": {"description": "View: active postings, with salaries also as yearly figures."},
    "recent_events": {"description": "View: the last 7 days of events with their posting's title and company."},
    "source_health": {"description": "View: each source's health and its latest run."},
}

_WEEK = since_sql("-7 days")
_MIDDLE = yearly_sql("(coalesce(salary_min, salary_max) + coalesce(salary_max, salary_min)) / 2.0")

QUERIES: dict[str, dict[str, str]] = {
    "new_this_week": {
        "title": "New this week",
        "description": "Postings first seen in the last 7 days, newest first.",
        "sql": f"""select id, title, company, location, workplace, salary_min, salary_max, salary_currency,
  salary_period, status, source, first_seen_at, url
from postings where first_seen_at >= {_WEEK}
order by first_seen_at desc, id desc""",
    },
    "closed_this_week": {
        "title": "Closed this week",
        "description": "Postings that closed in the last 7 days, and how long they were open.",
        "sql": f"""select p.id, p.title, p.company, p.location, e.at as closed_at,
  cast(julianday(e.at) - julianday(p.first_seen_at) as integer) as days_seen, p.source, p.url
from events e join postings p on p.id = e.posting_id
where e.kind = 'closed' and e.at >= {_WEEK}
order by e.at desc""",
    },
    "salary_by_company": {
        "title": "Salary by company",
        "description": "Median yearly salary (middle of each range) of active postings, per company and currency.",
        "sql": f"""with s as (
  select company, salary_currency as currency, {_MIDDLE} as yearly
  from postings where status = 'active' and coalesce(salary_min, salary_max) is not null
), r as (
  select *, row_number() over (partition by company, currency order by yearly) as n,
    count(*) over (partition by company, currency) as postings,
    min(yearly) over (partition by company, currency) as low,
    max(yearly) over (partition by company, currency) as high
  from s where yearly is not null
)
select company, currency, postings, round(avg(yearly)) as median_yearly, low, high
from r where n in ((postings + 1) / 2, (postings + 2) / 2)
group by company, currency order by currency, median_yearly desc""",
    },
    "stale_postings": {
        "title": "Stale postings",
        "description": "Still listed, but no sign of life (posted or confirmed live) for a long time.",
        "sql": """select id, title, company, location, posted_at, liveness_confirmed_at, valid_through,
  first_seen_at, last_seen_at, source, url
from postings where status = 'stale'
order by coalesce(liveness_confirmed_at, posted_at, first_seen_at)""",
    },
    "sources_health": {
        "title": "Sources' health",
        "description": "Each source's last run, failures in a row and active postings.",
        "sql": """select name, kind, healthy, last_status, last_run_at, consecutive_failures, last_items,
  last_complete_items, last_errors, last_reason, active_postings
from source_health order by healthy, name""",
    },
}


def metadata(database: str) -> dict[str, Any]:
    """Datasette metadata for the database named DATABASE (the file's stem)."""
    return {
        "title": "hirewatch",
        "description": "Job postings seen by hirewatch: every run, version and change event.",
        "databases": {database: {"tables": TABLES, "queries": QUERIES}},
    }
