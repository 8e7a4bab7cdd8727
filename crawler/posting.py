"""The normalised job posting: what every spider's pipeline produces.

A plain dataclass so that `snapshots/` and tests can use it without importing Scrapy.
"""
from __future__ import annotations

import dataclasses
import hashlib
import json
import re
from dataclasses import dataclass, field
from typing import Any, Iterable

# Fields whose change is a real change of the posting. Anything else (fetch times,
# relative ages, liveness badges) is volatile and must never produce an `updated` event.
MEANINGFUL_FIELDS: tuple[str, ...] = (
    "title",
    "company",
    "location",
    "workplace",
    "employment_type",
    "seniority",
    "salary_min",
    "salary_max",
    "salary_currency",
    "salary_period",
    "description",
    "apply_url",
    "valid_through",
)


@dataclass
class Posting:
    source: str
    external_id: str
    title: str
    url: str | None = None
    apply_url: str | None = None
    company: str | None = None
    location: str | None = None
    city: str | None = None
    region: str | None = None
    country: str | None = None
    workplace: str | None = None
    employment_type: str | None = None
    seniority: str | None = None
    salary_min: float | None = None
    salary_max: float | None = None
    salary_currency: str | None = None
    salary_period: str | None = None
    salary_source: str | None = None
    salary_text: str | None = None
    posted_at: str | None = None
    posted_precision: str | None = None
    valid_through: str | None = None
    liveness_confirmed_at: str | None = None
    requisition_id: str | None = None
    tags: list[str] = field(default_factory=list)
    description: str = ""
    closed_hint: bool = False
    content_hash: str = ""

    def to_dict(self) -> dict[str, Any]:
        # Shallow on purpose: dataclasses.asdict deep-copies and dominates a 50k-posting run.
        values = {name: getattr(self, name) for name in POSTING_FIELDS}
        values["tags"] = list(self.tags)
        return values

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Posting":
        known = {f.name for f in dataclasses.fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in known})


POSTING_FIELDS: tuple[str, ...] = tuple(f.name for f in dataclasses.fields(Posting))


# Text boards print into descriptions that changes without the posting changing.
_VOLATILE = re.compile(
    r"(?im)("
    r"\b(?:over\s+|be among the first\s+)?\d[\d,.]*\+?\s*k?\s+(?:applicants?|applications)"
    r"(?:\s+(?:have\s+)?applied)?"
    r"|\b\d[\d,.]*\+?\s+(?:candidates|people)\s+(?:have\s+)?(?:applied|clicked apply)"
    r"|\b(?:re)?(?:posted|updated|active)\s+(?:\d+\+?\s+\w+\s+ago|today|yesterday|just now)"
    r"|\b\d+\+?\s+(?:second|minute|hour|day|week|month|year)s?\s+ago"
    r"|confirmed live in the last \d+ \w+"
    r"|\bviewed\s+\d[\d,]*\s+times"
    r")"
)


_VOLATILE_HINTS = ("applica", "ago", "posted", "updated", "active", "confirmed live", "viewed", "applied")


def stable_text(text: str) -> str:
    """Description text without volatile phrases and whitespace differences, for comparing."""
    lowered = text.lower()
    if any(hint in lowered for hint in _VOLATILE_HINTS):  # the regex is the costly part of a big run
        text = _VOLATILE.sub(" ", text)
    return " ".join(text.split())


def content_hash(values: dict[str, Any] | Posting, ignore: Iterable[str] = ()) -> str:
    """Hash of the meaningful fields only, so volatile text never looks like a change."""
    skip = set(ignore)
    get = values.__getattribute__ if isinstance(values, Posting) else values.get
    payload = {name: get(name) for name in MEANINGFUL_FIELDS if name not in skip}
    if payload.get("description"):
        payload["description"] = stable_text(payload["description"])
    blob = json.dumps(payload, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()[:32]
