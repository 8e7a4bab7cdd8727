"""What a spider yields: the posting as the board printed it, before normalisation.

Spiders stay thin (fetch and parse); `crawler.pipelines.NormalizePipeline` turns a
RawPosting into a `Posting`. Every key is optional except external_id and title.
"""
from __future__ import annotations

from typing import Any, TypedDict


class StructuredSalary(TypedDict, total=False):
    min: float | None
    max: float | None
    currency: str | None
    period: str | None
    cents: bool
    text: str | None


class RawPosting(TypedDict, total=False):
    external_id: str
    title: str
    url: str | None
    apply_url: str | None
    company: str | None
    location: str | None
    country: str | None  # an API's own ISO 3166-1 alpha-2 code; wins over what the location text says
    workplace_hints: list[str | None]  # most explicit first: API field, then location, then text
    employment_type: str | None
    seniority: str | None
    salary: StructuredSalary | None  # an API's own salary fields; wins over any text
    salary_text: str | None  # a salary as a board header prints it
    posted: Any  # ISO string, epoch number, "Posted February 25, 2026", "10 months ago"
    valid_through: Any
    liveness: str | None  # "Confirmed live in the last 24 hours"
    tags: list[str] | str | None
    description_html: str | None
    description_text: str | None
    requisition_id: str | None
    closed_text: str | None  # page text that may say "no longer accepting applications"
    closed: bool  # the board itself says the posting is closed (a 404 page, SmartRecruiters active:false)
    teams: list[str] | None  # team names a board lists; else they are read from the description
