"""Subscriptions: which events go to which channels, by event kind and a filter on the posting."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping

from crawler.normalize.salary import yearly


@dataclass(frozen=True)
class Subscription:
    name: str
    channels: tuple[str, ...]
    events: frozenset[str]
    filter: Mapping[str, Any] = field(default_factory=dict)
    mode: str = "instant"


def _words(terms: Iterable[str]) -> list[re.Pattern[str]]:
    return [re.compile(rf"(?<!\w){re.escape(t)}(?!\w)", re.I) for t in terms]


def matches(flt: Mapping[str, Any], e: Mapping[str, Any]) -> bool:
    """Does the event's posting pass the filter? source_health events pass unless sources exclude them."""
    if flt.get("sources") and e.get("source") not in flt["sources"]:
        return False
    if e.get("kind") == "source_health":
        return True
    text = f"{e.get('title') or ''}\n{e.get('description') or ''}"
    if flt.get("keywords") and not any(p.search(text) for p in _words(flt["keywords"])):
        return False
    if flt.get("exclude_keywords") and any(p.search(text) for p in _words(flt["exclude_keywords"])):
        return False
    if flt.get("companies") and (e.get("company") or "").casefold() not in {c.casefold() for c in flt["companies"]}:
        return False
    if flt.get("workplace") and e.get("workplace") not in flt["workplace"]:
        return False
    if flt.get("salary_min") is not None:
        top = e.get("salary_max") if e.get("salary_max") is not None else e.get("salary_min")
        if top is not None and (yearly(top, e.get("salary_period")) or 0) < flt["salary_min"]:
            return False
    return True


def route(subscriptions: Iterable[Subscription], events: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """Instant subscriptions: channel → the events it should get (each event at most once per channel)."""
    out: dict[str, dict[int, dict[str, Any]]] = {}
    for sub in subscriptions:
        if sub.mode != "instant":
            continue
        for e in events:
            if e["kind"] in sub.events and matches(sub.filter, e):
                for channel in sub.channels:
                    out.setdefault(channel, {})[e["id"]] = e
    return {channel: list(by_id.values()) for channel, by_id in out.items()}
