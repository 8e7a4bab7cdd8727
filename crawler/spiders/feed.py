"""RSS and Atom job feeds (feedparser), paged by RFC 5005 `rel="next"` links when a feed has them.

Job feeds add their own elements; `<location>`, `<region>`, `<company>` and `<salary>` are read,
with or without a namespace prefix.
"""
from __future__ import annotations

import calendar
from datetime import datetime, timezone
from typing import Any, Iterable

import feedparser

from crawler.items import RawPosting
from crawler.spiders import register
from crawler.spiders.base import JobSpider

# Complaints about a feed's declared encoding or content type: the entries are still whole.
_HARMLESS = (feedparser.CharacterEncodingOverride, feedparser.NonXMLContentType)


def _extra(entry: dict[str, Any], name: str) -> str | None:
    for key, value in entry.items():
        if (key == name or key.endswith(f"_{name}")) and isinstance(value, str) and value.strip():
            return value
    return None


def _when(entry: dict[str, Any]) -> str | None:
    parsed = entry.get("published_parsed") or entry.get("updated_parsed")
    if parsed:
        return datetime.fromtimestamp(calendar.timegm(parsed), timezone.utc).isoformat()
    return entry.get("published") or entry.get("updated")


@register
class FeedSpider(JobSpider):
    kind = "feed"
    requires = ("start_urls",)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.pages_seen: set[str] = set(self.source["start_urls"])

    async def start(self):
        for url in self.source["start_urls"]:
            yield self.listing_request(url, self.parse_feed)

    def parse_feed(self, response) -> Iterable[Any]:
        content_type = (response.headers.get("Content-Type") or b"").decode("latin-1")
        feed = feedparser.parse(response.body, response_headers={"content-type": content_type,
                                                                 "content-location": response.url})
        if feed.bozo and not isinstance(feed.bozo_exception, _HARMLESS):
            # A broken feed may still give some entries (keep them), but maybe not all of them.
            self.parse_error(f"feed {response.url}", feed.bozo_exception)
        elif not feed.version:
            self.parse_error(f"feed {response.url}", ValueError("not an RSS or Atom feed"))
            return
        yield from self.read_each(feed.entries, self.posting, lambda e: e.get("id") or e.get("title"))
        for link in feed.feed.get("links", []):
            url = response.urljoin(link.get("href", ""))
            if link.get("rel") == "next" and url not in self.pages_seen:
                self.pages_seen.add(url)
                yield self.listing_request(url, self.parse_feed)

    def posting(self, entry: dict[str, Any]) -> RawPosting:
        content = entry.get("content") or []
        location = _extra(entry, "location") or _extra(entry, "region")
        return RawPosting(
            external_id=entry.get("id") or entry["link"],
            title=entry["title"],
            url=entry.get("link"),
            apply_url=entry.get("link"),
            company=_extra(entry, "company") or entry.get("author") or self.source.get("company"),
            location=location,
            workplace_hints=[location],
            salary_text=_extra(entry, "salary"),
            posted=_when(entry),
            tags=[t["term"] for t in entry.get("tags") or [] if t.get("term")],
            description_html=content[0].get("value") if content else entry.get("summary"),
        )
