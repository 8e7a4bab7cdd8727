"""Careers sites that embed schema.org `JobPosting` JSON-LD (as Google for Jobs asks them to).

Start URLs are listing pages (or posting pages: their own JSON-LD is read too); links matching the
`follow` regex (or `listing.links`) are posting pages; `listing.next` pages through a listing.
Sitemaps (`sitemap_urls`, indexes included) list posting pages, filtered by `follow` when given.
"""
from __future__ import annotations

import re
from typing import Any, Iterable, Iterator
from urllib.parse import urljoin

import parsel
from lxml.etree import LxmlError
from scrapy.utils.gz import gunzip

from crawler.items import RawPosting, StructuredSalary
from crawler.pipelines import clean_url
from crawler.spiders import register, selectors
from crawler.spiders.base import RECORD_ERRORS, JobSpider, record_id

NO_POSTING = "hirewatch/pages_without_posting"


def _name(value: Any) -> str | None:
    """A schema.org value that may be a string, a Thing with a name, or a list of them."""
    if isinstance(value, list):
        value = next((v for v in value if v), None)
    if isinstance(value, dict):
        value = value.get("name") or value.get("@value")
    return str(value) if value not in (None, "") else None


def _is_job_posting(node: dict[str, Any]) -> bool:
    kinds = node.get("@type")
    return "JobPosting" in (kinds if isinstance(kinds, list) else [kinds])


def job_postings(data: Any) -> Iterator[dict[str, Any]]:
    """Every JobPosting in extracted JSON-LD, also inside @graph, ItemList and other wrappers."""
    if isinstance(data, list):
        for item in data:
            yield from job_postings(item)
    elif isinstance(data, dict):
        if _is_job_posting(data):
            yield data
            return
        for value in data.values():
            if isinstance(value, (dict, list)):
                yield from job_postings(value)


def _place(place: Any) -> str | None:
    if isinstance(place, str):
        return place
    if not isinstance(place, dict):
        return None
    address = place.get("address", place)
    if isinstance(address, str):
        return address
    if not isinstance(address, dict):
        return None
    parts = [_name(address.get(key)) for key in ("addressLocality", "addressRegion", "addressCountry")]
    return ", ".join(p for p in parts if p) or _name(place)


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [] if value is None else [value]


def _salary(base: Any) -> StructuredSalary | None:
    if not isinstance(base, dict):
        return None
    value = base.get("value")
    if isinstance(value, dict):
        single = value.get("value")
        low, high = value.get("minValue", single), value.get("maxValue", single)
        unit = value.get("unitText")
    else:
        low = high = value
        unit = base.get("unitText")
    return StructuredSalary(min=low, max=high, currency=base.get("currency"), period=unit)


@register
class JsonLdSpider(JobSpider):
    kind = "jsonld"

    @classmethod
    def check_options(cls, options: dict[str, Any]) -> None:
        if not options.get("start_urls") and not options.get("sitemap_urls"):
            raise ValueError("a jsonld source needs 'start_urls' or 'sitemap_urls'")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.follow = re.compile(self.source["follow"]) if self.source.get("follow") else None
        listing = self.source.get("listing") or {}
        self.links = selectors.spec(listing["links"]) if listing.get("links") else None
        self.next = selectors.spec(listing["next"]) if listing.get("next") else None
        self.listings_seen: set[str] = set()
        # Imported here: extruct loads all of its extractors (a quarter second) for every process
        # that imports it, and every crawl and CLI call imports this module to register the kind.
        from extruct.jsonld import JsonLdExtractor
        self.extractor = JsonLdExtractor()

    async def start(self):
        for url in self.source.get("start_urls") or []:
            self.listings_seen.add(url)
            yield self.listing_request(url, self.parse_listing)
        for url in self.source.get("sitemap_urls") or []:
            yield self.listing_request(url, self.parse_sitemap)

    def parse_listing(self, response) -> Iterable[Any]:
        yield from self.postings_on(response, required=False)
        for url in self.posting_links(response):
            yield self.detail_request(url, self.parse_posting)
        if self.next is not None:
            for href in selectors.select(response, self.next)[:1]:
                url = response.urljoin(href)
                if url not in self.listings_seen:
                    self.listings_seen.add(url)
                    yield self.listing_request(url, self.parse_listing)

    def posting_links(self, response) -> list[str]:
        if self.links is not None:
            hrefs = selectors.select(response, self.links)
        elif self.follow is not None:
            hrefs = response.css("a::attr(href)").getall()
        else:
            return []  # nothing says which links are postings: only the page itself is read
        urls = (response.urljoin(h) for h in hrefs)
        return list(dict.fromkeys(u for u in urls if self.follow is None or self.follow.search(u)))

    def parse_sitemap(self, response) -> Iterable[Any]:
        body = response.body
        if body[:2] == b"\x1f\x8b":
            body = gunzip(body)
        try:
            sitemap = parsel.Selector(body=body, type="xml")
        except ValueError as exc:
            self.parse_error(f"sitemap {response.url}", exc)
            return
        sitemap.remove_namespaces()
        root = sitemap.xpath("name(/*)").get()
        if root not in ("urlset", "sitemapindex"):
            self.parse_error(f"sitemap {response.url}", ValueError(f"root element {root!r} is not a sitemap"))
            return
        for loc in sitemap.xpath("/sitemapindex/sitemap/loc/text()").getall():
            yield self.listing_request(loc.strip(), self.parse_sitemap)
        for loc in sitemap.xpath("/urlset/url/loc/text()").getall():
            if self.follow is None or self.follow.search(loc.strip()):
                yield self.detail_request(loc.strip(), self.parse_posting)

    def parse_posting(self, response) -> Iterable[RawPosting]:
        yield from self.postings_on(response, required=True)

    def postings_on(self, response, required: bool) -> Iterator[RawPosting]:
        try:
            data = self.extractor.extract(response.body, base_url=response.url, encoding=response.encoding)
        except (ValueError, TypeError, LxmlError) as exc:  # LxmlError: an empty or unparsable page
            self.parse_error(f"JSON-LD on {response.url}", exc)
            return
        found = list(job_postings(data))
        if not found and required:
            # Google's way to expire a posting is to drop its markup: the posting is missed, not an error.
            self.crawler.stats.inc_value(NO_POSTING)
            self.logger.info("no JobPosting on %s", response.url)
        for index, node in enumerate(found):
            try:
                yield self.posting(node, response.url, index)
            except RECORD_ERRORS as exc:
                self.parse_error(f"JobPosting {record_id(node, 'identifier', 'title')!r} on {response.url}", exc)

    def posting(self, node: dict[str, Any], page_url: str, index: int) -> RawPosting:
        identifier = node.get("identifier")
        ident = _name(identifier.get("value") if isinstance(identifier, dict) else identifier)
        url = urljoin(page_url, node["url"]) if isinstance(node.get("url"), str) else page_url
        places = [p for p in map(_place, _as_list(node.get("jobLocation"))) if p]
        regions = [r for r in map(_name, _as_list(node.get("applicantLocationRequirements"))) if r]
        location = "; ".join(places or regions) or None
        kinds = _as_list(node.get("employmentType"))
        return RawPosting(
            # Without an identifier the URL is the id, less its tracking parameters.
            external_id=ident or (f"{clean_url(url)}#{index}" if index and url == page_url else clean_url(url)),
            title=node["title"],
            url=url,
            apply_url=url,
            company=_name(node.get("hiringOrganization")) or self.source.get("company"),
            location=location,
            # TELECOMMUTE reads as remote; some sites set it for hybrid roles too, and then so does this.
            workplace_hints=[" ".join(map(str, _as_list(node.get("jobLocationType")))), *places],
            employment_type=str(kinds[0]) if kinds else None,
            salary=_salary(node.get("baseSalary")),
            posted=node.get("datePosted"),
            valid_through=node.get("validThrough"),
            description_html=node.get("description"),
            requisition_id=ident,
        )
