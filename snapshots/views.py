"""SQL views that make the common questions one SELECT (also shown in Datasette).

Times are stored as ISO strings with a 'T' and an offset, so "now" is built the same way
(`strftime('%Y-%m-%dT%H:%M:%S', ...)`): SQLite's `datetime()` writes a space instead of the
'T' and would compare wrongly on the same day.
"""
from __future__ import annotations

from sqlite_utils import Database

PER_YEAR = {"year": 1, "month": 12, "week": 52, "day": 260, "hour": 2080}


def yearly_sql(amount: str, period: str = "salary_period") -> str:
    """A SQL expression turning AMOUNT per PERIOD into a yearly figure (NULL for an unknown period),
    with the same factors the subscription filter uses."""
    cases = " ".join(f"WHEN '{name}' THEN {amount} * {factor}" for name, factor in PER_YEAR.items())
    return f"(CASE WHEN {period} IS NULL THEN {amount} ELSE (CASE {period} {cases} END) END)"


def since_sql(modifier: str) -> str:
    """An ISO timestamp for now + MODIFIER (e.g. '-7 days'), comparable with stored times."""
    return f"strftime('%Y-%m-%dT%H:%M:%S', 'now', '{modifier}')"


VIEWS: dict[str, str] = {
    "active_postings": f"""
SELECT id, source, title, company, location, country, workplace, employment_type, seniority,
       salary_min, salary_max, salary_currency, salary_period,
       {yearly_sql('salary_min')} AS yearly_salary_min, {yearly_sql('salary_max')} AS yearly_salary_max,
       posted_at, first_seen_at, last_seen_at, last_changed_at, url, job_id
FROM postings WHERE status = 'active'""",
    "recent_events": f"""
SELECT e.id, e.at, e.kind, e.source, e.posting_id, e.job_id, p.title, p.company, p.location,
       e.changes, e.note, e.baseline
FROM events e LEFT JOIN postings p ON p.id = e.posting_id
WHERE e.at >= {since_sql('-7 days')}""",
    "source_health": """
SELECT s.name, s.kind, s.healthy, s.last_status, s.last_run_at, s.consecutive_failures,
       s.last_complete_items, s.last_complete_at, r.pages AS last_pages, r.items AS last_items,
       r.errors AS last_errors, r.reason AS last_reason,
       (SELECT count(*) FROM postings p WHERE p.source = s.name AND p.status = 'active') AS active_postings
FROM sources s LEFT JOIN runs r ON r.id = s.last_run_id""",
}


def create_views(db: Database) -> None:
    """(Re)create every view, so a schema upgrade also updates their definitions."""
    for name, sql in VIEWS.items():
        db.create_view(name, sql.strip(), replace=True)
