"""Item pipeline: a RawPosting as the board printed it becomes a normalised `Posting`."""
from __future__ import annotations

from datetime import datetime
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from crawler.items import RawPosting
from crawler.normalize import dates, fields, liveness, salary, text, workplace
from crawler.posting import Posting, content_hash

# Query parameters that only track the visitor; they change between fetches.
TRACKING_PARAMS = ("utm_", "gh_src", "gh_jid_src", "lever-source", "ref", "source", "trk", "fbclid", "gclid")


def clean_url(url: str | None) -> str | None:
    if not url:
        return None
    parts = urlsplit(url.strip())
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
             if not k.lower().startswith(TRACKING_PARAMS)]
    return urlunsplit(parts._replace(query=urlencode(query), fragment=""))


def iso(value: datetime | None) -> str | None:
    return value.isoformat(timespec="seconds") if value else None


def _line(value: str | None) -> str:
    """A one-line field; boards put markup (often escaped) in titles and companies too."""
    if isinstance(value, str) and ("<" in value or "&lt;" in value):
        value = text.html_to_text(value)
    return text.clean_text(value)


def normalize(raw: RawPosting, source: str, now: datetime) -> Posting:
    description = text.html_to_text(raw.get("description_html")) if raw.get("description_html") \
        else text.html_to_text(raw.get("description_text"))
    pay = _salary(raw, description)
    posted = dates.parse_posted(raw.get("posted"), now) if raw.get("posted") not in (None, "") else None
    valid = dates.parse_datetime(raw.get("valid_through")) if raw.get("valid_through") else None
    location_text = _line(raw.get("location")) or None
    place = workplace.split_location(location_text)
    title = fields.normalize_title(_line(raw.get("title"))) or ""
    hints = [h for h in raw.get("workplace_hints") or [] if h]
    closed_text = raw.get("closed_text")
    posting = Posting(
        source=source,
        external_id=str(raw["external_id"]),
        title=title,
        url=clean_url(raw.get("url")),
        apply_url=clean_url(raw.get("apply_url")),
        company=_line(raw.get("company")) or None,
        location=location_text,
        city=place.city,
        region=place.region,
        country=_country_code(raw.get("country")) or place.country
        or workplace.country_of(description[-400:] if description else None),
        workplace=workplace.workplace(*hints, description),
        employment_type=fields.employment_type(raw.get("employment_type")),
        seniority=fields.seniority(raw.get("seniority")) or fields.seniority(title),
        salary_min=pay.min if pay else None,
        salary_max=pay.max if pay else None,
        salary_currency=pay.currency if pay else None,
        salary_period=pay.period if pay else None,
        salary_source=pay.source if pay else None,
        salary_text=pay.text if pay else None,
        posted_at=iso(posted.at) if posted else None,
        posted_precision=posted.precision if posted else None,
        valid_through=iso(valid),
        liveness_confirmed_at=iso(liveness.liveness_confirmed(raw.get("liveness"), now)),
        requisition_id=text.clean_text(raw.get("requisition_id")) or None,
        tags=_tags(raw, description),
        description=description,
        closed_hint=bool(raw.get("closed")) or bool(closed_text and liveness.is_closed_text(closed_text)),
    )
    posting.content_hash = content_hash(posting)
    return posting


def _tags(raw: RawPosting, description: str) -> list[str]:
    """The board's tags, then its team list as `team:<name>` tags: kept and queryable with the
    posting, but, like tags, never a reason for an `updated` alert."""
    tags = fields.split_tags(raw.get("tags")) if raw.get("tags") else []
    teams = raw.get("teams") or fields.teams(description)
    return tags + [t for t in fields.split_tags([f"team:{name}" for name in teams]) if t not in tags]


def _country_code(value: str | None) -> str | None:
    code = (value or "").strip().upper()
    return code if len(code) == 2 and code.isalpha() else None


def _salary(raw: RawPosting, description: str) -> Any:
    """A structured field wins over a header, which wins over the description."""
    structured = raw.get("salary")
    if structured:
        pay = salary.structured_salary(
            structured.get("min"), structured.get("max"), structured.get("currency"),
            structured.get("period"), text=structured.get("text"), cents=bool(structured.get("cents")),
        )
        if pay:
            return pay
    if raw.get("salary_text"):
        pay = salary.parse_salary(raw.get("salary_text"), source="header")
        if pay:
            return pay
    return salary.find_salary(description, source="body")


class NormalizePipeline:
    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Any) -> "NormalizePipeline":
        return cls(crawler)

    def process_item(self, item: Any, spider: Any = None) -> dict[str, Any]:
        spider = self.crawler.spider
        return normalize(item, spider.name, spider.fetched_at).to_dict()
