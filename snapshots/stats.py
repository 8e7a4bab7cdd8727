"""Summaries of the snapshot database for `hirewatch stats`."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from statistics import median
from typing import Any

from sqlite_utils import Database

from snapshots.views import yearly_sql

STATUSES = ("active", "stale", "closed")


def postings_by_source(db: Database) -> list[dict[str, Any]]:
    """One row per source: how many postings are active, stale, closed."""
    counts = ", ".join(f"sum(status = '{s}') AS {s}" for s in STATUSES)
    return list(db.query(f"SELECT source, {counts}, count(*) AS total FROM postings GROUP BY source ORDER BY source"))


def events_per_day(db: Database, days: int, now: datetime | None = None) -> list[dict[str, Any]]:
    """Every day of the last DAYS (empty days included) with its event count per kind.
    Baseline events are left out: a source's first run would dwarf every other day."""
    now = now or datetime.now(timezone.utc)
    first = (now - timedelta(days=days - 1)).date()
    rows = db.query("SELECT substr(at, 1, 10) AS day, kind, count(*) AS n FROM events "
                    "WHERE at >= ? AND baseline = 0 GROUP BY day, kind", [first.isoformat()])
    by_day: dict[str, dict[str, int]] = {(first + timedelta(days=i)).isoformat(): {} for i in range(days)}
    for row in rows:
        if row["day"] in by_day:
            by_day[row["day"]][row["kind"]] = row["n"]
    return [{"day": day, "total": sum(kinds.values()), **kinds} for day, kinds in by_day.items()]


def salary_by_company(db: Database, status: str = "active") -> list[dict[str, Any]]:
    """Median yearly salary (middle of each advertised range) per company and currency:
    medians across currencies would mean nothing."""
    middle = yearly_sql("(coalesce(salary_min, salary_max) + coalesce(salary_max, salary_min)) / 2.0")
    rows = db.query(f"SELECT company, salary_currency AS currency, {middle} AS yearly FROM postings "
                    "WHERE status = ? AND coalesce(salary_min, salary_max) IS NOT NULL", [status])
    groups: dict[tuple[str, str], list[float]] = {}
    for row in rows:
        if row["yearly"] is not None:
            groups.setdefault((row["company"] or "?", row["currency"] or "?"), []).append(row["yearly"])
    out = [{"company": company, "currency": currency, "postings": len(values), "median": median(values),
            "low": min(values), "high": max(values)} for (company, currency), values in groups.items()]
    return sorted(out, key=lambda r: (r["currency"], -r["median"], r["company"]))


def summary(db: Database, days: int = 14) -> dict[str, Any]:
    return {"postings_by_source": postings_by_source(db), "events_per_day": events_per_day(db, days),
            "salary_by_company": salary_by_company(db)}
