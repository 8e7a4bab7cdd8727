"""Subscriptions: which events go to which channels, by event kind and a filter on the posting.

`matches` reads an event row joined with its posting (or a postings row, for
`hirewatch postings --subscription`); the posting columns it reads are FILTER_COLUMNS.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from functools import lru_cache
from typing import Any, Iterable, Mapping

from crawler.normalize.salary import yearly
from notify.render import TemplateSpec

FILTER_COLUMNS = ("source", "title", "description", "company", "location", "city", "region", "country",
                  "workplace", "employment_type", "seniority", "salary_min", "salary_max", "salary_period",
                  "posted_at", "first_seen_at")
# Stale and closed postings are old by nature: `max_age` would hide every one of them.
AGELESS_KINDS = frozenset({"stale", "closed", "source_health"})


@dataclass(frozen=True)
class Subscription:
    name: str
    channels: tuple[str, ...]
    events: frozenset[str]
    filter: Mapping[str, Any] = field(default_factory=dict)
    mode: str = "instant"
    schedule: Mapping[str, Any] | None = None  # digest mode: {"every": seconds} or {"cron": "..."}
    first_window: timedelta = timedelta(days=1)  # what a first digest looks back over
    template: TemplateSpec | None = None


@lru_cache(maxsize=512)
def _word(term: str) -> re.Pattern[str]:
    # Whole words, any case; "machine learning" also matches across a line break; "C++" and ".NET" work.
    body = r"\s+".join(re.escape(part) for part in term.split())
    return re.compile(rf"(?<!\w){body}(?!\w)", re.I)


def _text(flt: Mapping[str, Any], e: Mapping[str, Any]) -> str:
    fields = flt.get("keywords_in") or ("title", "description")
    return "\n".join(str(e.get(name) or "") for name in fields)


def _salary_ok(flt: Mapping[str, Any], e: Mapping[str, Any]) -> bool:
    low, high = e.get("salary_min"), e.get("salary_max")
    if low is None and high is None:
        return not flt.get("require_salary")
    if flt.get("salary_min") is None:
        return True
    # The range reaches the minimum: its top, made yearly, is at least salary_min.
    top = yearly(high if high is not None else low, e.get("salary_period"))
    return top is not None and top >= flt["salary_min"]


def _parse_time(value: Any) -> datetime | None:
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(str(value))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


def _young_enough(flt: Mapping[str, Any], e: Mapping[str, Any], now: datetime | None) -> bool:
    max_age = flt.get("max_age")
    if max_age is None or e.get("kind") in AGELESS_KINDS:
        return True
    if not isinstance(max_age, timedelta):
        max_age = timedelta(seconds=float(max_age))
    born = _parse_time(e.get("posted_at")) or _parse_time(e.get("first_seen_at"))
    return born is None or born >= (now or datetime.now(timezone.utc)) - max_age


def _one_of(wanted: Iterable[str] | None, value: Any) -> bool:
    if not wanted:
        return True
    return value is not None and str(value).casefold() in {w.casefold() for w in wanted}


def matches(flt: Mapping[str, Any], e: Mapping[str, Any], now: datetime | None = None) -> bool:
    """Does the event's posting pass the filter? `source_health` events pass unless `sources` leaves them out.

    A filter on a field the posting does not state (no workplace, no seniority) leaves it out:
    a filter says what you want to see, and "unknown" is not that."""
    if flt.get("sources") and e.get("source") not in flt["sources"]:
        return False
    if e.get("kind") == "source_health":
        return True
    text = _text(flt, e)
    keywords = flt.get("keywords") or ()
    if keywords:
        found = [bool(_word(k).search(text)) for k in keywords]
        if not (all(found) if flt.get("keywords_mode") == "all" else any(found)):
            return False
    if any(_word(k).search(text) for k in flt.get("exclude_keywords") or ()):
        return False
    if not _one_of(flt.get("companies"), e.get("company")):
        return False
    places = flt.get("locations")
    if places:
        where = " / ".join(str(e.get(k) or "") for k in ("location", "city", "region"))
        if not any(_word(p).search(where) for p in places):
            return False
    return (_one_of(flt.get("countries"), e.get("country"))
            and _one_of(flt.get("workplace"), e.get("workplace"))
            and _one_of(flt.get("employment_types"), e.get("employment_type"))
            and _one_of(flt.get("seniority"), e.get("seniority"))
            and _salary_ok(flt, e)
            and _young_enough(flt, e, now))


def wants(sub: Subscription, e: Mapping[str, Any], now: datetime | None = None) -> bool:
    return e["kind"] in sub.events and matches(sub.filter, e, now)


def route(subscriptions: Iterable[Subscription], events: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """Instant subscriptions: channel → the events it should get, each marked with the subscription that
    wants it (the outbox renders it with that subscription's template). An event reaches a channel once,
    for the first subscription that wants it there."""
    out: dict[str, dict[int, dict[str, Any]]] = {}
    now = datetime.now(timezone.utc)
    for sub in subscriptions:
        if sub.mode != "instant":
            continue
        for e in events:
            if wants(sub, e, now):
                for channel in sub.channels:
                    out.setdefault(channel, {}).setdefault(e["id"], {**e, "subscription": sub.name})
    return {channel: list(by_id.values()) for channel, by_id in out.items()}
