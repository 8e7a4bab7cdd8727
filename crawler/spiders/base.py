"""The base of every source spider: source options in, RawPostings out, listing health counted."""
from __future__ import annotations

import json
from datetime import datetime, timezone
from typing import Any, Callable, Iterable

import scrapy
from twisted.python.failure import Failure

LISTING_PAGES = "hirewatch/listing_pages"
LISTING_ERRORS = "hirewatch/listing_errors"
PARSE_ERRORS = "hirewatch/parse_errors"


class JobSpider(scrapy.Spider):
    """One crawl of one source. `source` is the source's config as a dict."""

    kind: str = ""
    default_base_url: str | None = None
    requires: tuple[str, ...] = ()  # config keys this kind cannot run without

    def __init__(self, source: dict[str, Any] | str, *args: Any, **kwargs: Any) -> None:
        if isinstance(source, str):
            source = json.loads(source)
        self.source = source
        self.name = source["name"]
        self.fetched_at = datetime.now(timezone.utc)
        super().__init__(*args, **kwargs)

    @property
    def base_url(self) -> str:
        return (self.source.get("base_url") or self.default_base_url or "").rstrip("/")

    def listing_request(self, url: str, callback: Callable, **kwargs: Any) -> scrapy.Request:
        """A request whose failure makes the run incomplete (it can hide postings)."""
        return scrapy.Request(url, callback=self._counted(callback), errback=self.listing_failed,
                              dont_filter=True, **kwargs)

    def _counted(self, callback: Callable) -> Callable:
        def wrapped(response: scrapy.http.Response, **kw: Any) -> Iterable[Any]:
            self.crawler.stats.inc_value(LISTING_PAGES)
            return callback(response, **kw)

        return wrapped

    def listing_failed(self, failure: Failure) -> None:
        self.crawler.stats.inc_value(LISTING_ERRORS)
        request = getattr(failure, "request", None)
        url = request.url if request is not None else "?"
        self.logger.error("listing request failed: %s: %s", url, failure.getErrorMessage())

    def parse_error(self, what: str, exc: BaseException) -> None:
        """A malformed payload or posting: logged and counted, the rest of the page kept."""
        self.crawler.stats.inc_value(PARSE_ERRORS)
        self.logger.error("could not parse %s: %s: %s", what, type(exc).__name__, exc)

    def load_json(self, response: scrapy.http.Response) -> Any:
        try:
            return json.loads(response.text)
        except ValueError as exc:
            self.parse_error(f"JSON from {response.url}", exc)
            return None
