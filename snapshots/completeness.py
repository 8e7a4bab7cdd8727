"""Is a crawl complete enough to prove that a missing posting is gone?

Only a complete run may make postings absent. `finish_reason == "finished"` is not
enough: a parser exception or retries that gave up still finish.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

COMPLETE, PARTIAL, FAILED = "complete", "partial", "failed"


@dataclass(frozen=True)
class Outcome:
    status: str
    reason: str
    pages: int
    errors: int


def classify(stats: dict[str, Any], items: int, last_complete_items: int | None,
             crashed: str | None = None) -> Outcome:
    """Classify a crawl from its Scrapy stats, its item count and the source's history."""
    pages = int(stats.get("hirewatch/listing_pages", 0))
    listing_errors = int(stats.get("hirewatch/listing_errors", 0))
    errors = int(stats.get("log_count/ERROR", 0))
    if crashed:
        return Outcome(FAILED, crashed, pages, errors + 1)
    finish = stats.get("finish_reason")
    if pages == 0:
        why = "no listing page could be read" if listing_errors or errors else "the crawl read no listing page"
        return Outcome(FAILED, why, pages, errors)
    problems: list[str] = []
    if finish != "finished":
        problems.append(f"finish_reason {finish!r}")
    if listing_errors:
        problems.append(f"{listing_errors} listing page(s) failed")
    if stats.get("retry/max_reached"):
        problems.append("retries gave up")
    exceptions = sum(v for k, v in stats.items() if k.startswith("spider_exceptions/"))
    if exceptions:
        problems.append(f"{exceptions} spider exception(s)")
    if int(stats.get("hirewatch/parse_errors", 0)):
        problems.append(f"{stats['hirewatch/parse_errors']} payload(s) could not be parsed")
    # A listed posting whose detail page could not be read is still listed: a run that missed
    # it must not count towards closing it.
    if int(stats.get("hirewatch/detail_errors", 0)):
        problems.append(f"{stats['hirewatch/detail_errors']} detail page(s) could not be read")
    if stats.get("hirewatch/listing_truncated"):
        problems.append("the board's listing was cut short (more postings than it pages through)")
    if errors and not problems:
        problems.append(f"{errors} error(s) logged")
    if last_complete_items and items * 2 < last_complete_items:
        problems.append(f"item count fell from {last_complete_items} to {items}")
    if problems:
        return Outcome(PARTIAL, "; ".join(problems), pages, errors)
    return Outcome(COMPLETE, "finished cleanly", pages, errors)
