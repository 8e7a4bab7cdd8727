"""Boards with no API and no JSON-LD, read with the CSS/XPath selectors of the source's config.

With `listing.links`, the start URLs (and the pages `listing.next` leads to) are listing pages and
`fields` are read on each linked posting page; without it, the start URLs are posting pages.
"""
from __future__ import annotations

from typing import Any, Iterable

from crawler.items import RawPosting
from crawler.pipelines import clean_url
from crawler.spiders import register, selectors
from crawler.spiders.base import JobSpider

# How a field that matched several times is read as one string; the others take their first value.
_JOINED = {"title": " ", "location": "; ", "liveness": " ", "closed": " ", "description": "\n"}


@register
class HtmlSpider(JobSpider):
    kind = "html"
    requires = ("start_urls", "fields")

    @classmethod
    def check_options(cls, options: dict[str, Any]) -> None:
        if "title" not in options.get("fields", {}):
            raise ValueError("an html source needs a 'title' selector in 'fields'")
        listing = options.get("listing") or {}
        if listing and not listing.get("links"):
            raise ValueError("an html source's 'listing' needs 'links', the selector of the posting links")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields = {name: selectors.spec(value) for name, value in self.source["fields"].items()}
        listing = self.source.get("listing") or {}
        self.links = selectors.spec(listing["links"]) if listing.get("links") else None
        self.next = selectors.spec(listing["next"]) if listing.get("next") else None
        self.listings_seen: set[str] = set()

    async def start(self):
        for url in self.source["start_urls"]:
            self.listings_seen.add(url)
            yield self.listing_request(url, self.parse_listing if self.links else self.parse_posting)

    def parse_listing(self, response) -> Iterable[Any]:
        assert self.links is not None
        urls = dict.fromkeys(response.urljoin(href) for href in selectors.select(response, self.links))
        own_ids = "external_id" not in self.fields
        for url in urls:
            yield self.detail_request(url, self.parse_posting, external_id=clean_url(url) if own_ids else None)
        if self.next is not None:
            for href in selectors.select(response, self.next)[:1]:
                url = response.urljoin(href)
                if url not in self.listings_seen:  # a "next" that leads back must not loop
                    self.listings_seen.add(url)
                    yield self.listing_request(url, self.parse_listing)

    def parse_posting(self, response) -> Iterable[RawPosting]:
        values = {name: selectors.select(response, spec, keep_html=name == "description")
                  for name, spec in self.fields.items()}
        title = " ".join(values["title"])
        if not title:
            self.parse_error(f"posting page {response.url}", ValueError("the 'title' selector found nothing"))
            return
        joined = {name: sep.join(values.get(name, [])) or None for name, sep in _JOINED.items()}

        def first(name: str) -> str | None:
            return next(iter(values.get(name) or []), None)

        apply_url = first("apply_url")
        tags = values.get("tags") or []
        yield RawPosting(
            # The link's URL, as the listing gave it: a redirect must not change the posting's id.
            external_id=first("external_id") or response.meta.get("external_id") or clean_url(response.url),
            title=title,
            url=response.url,
            apply_url=response.urljoin(apply_url) if apply_url else response.url,
            company=first("company") or self.source.get("company"),
            location=joined["location"],
            workplace_hints=values.get("workplace", []),
            employment_type=first("employment_type"),
            seniority=first("seniority"),
            salary_text=first("salary"),
            posted=first("posted"),
            valid_through=first("valid_through"),
            liveness=joined["liveness"],
            tags=tags[0] if len(tags) == 1 else tags,  # one string may be a separated or glued list
            teams=values.get("teams"),
            description_html=joined["description"],
            requisition_id=first("requisition_id"),
            # A closed notice usually sits where the liveness badge does.
            closed_text=joined["closed"] or joined["liveness"],
        )
