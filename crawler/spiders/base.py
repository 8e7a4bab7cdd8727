"""The base of every source spider: source options in, RawPostings out, listing health counted."""
from __future__ import annotations

import json
from datetime import datetime, timezone
from typing import Any, Callable, Iterable, Iterator, TypeVar

import scrapy
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from crawler.items import RawPosting

T = TypeVar("T")

LISTING_PAGES = "hirewatch/listing_pages"
LISTING_ERRORS = "hirewatch/listing_errors"
PARSE_ERRORS = "hirewatch/parse_errors"
DETAIL_PAGES = "hirewatch/detail_pages"
DETAIL_ERRORS = "hirewatch/detail_errors"
DETAIL_GONE = "hirewatch/detail_gone"

# What a malformed record raises while it is read; anything else is a bug and should surface.
RECORD_ERRORS = (KeyError, TypeError, ValueError, AttributeError, IndexError)


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

    @classmethod
    def check_options(cls, options: dict[str, Any]) -> None:
        """Raise ValueError naming what is wrong with a source's options; called by the config."""

    @property
    def base_url(self) -> str:
        return (self.source.get("base_url") or self.default_base_url or "").rstrip("/")

    def listing_request(self, url: str, callback: Callable, **kwargs: Any) -> scrapy.Request:
        """A request whose failure makes the run incomplete (it can hide postings)."""
        return scrapy.Request(url, callback=self._counted(callback, LISTING_PAGES), errback=self.listing_failed,
                              dont_filter=True, **kwargs)

    def detail_request(self, url: str, callback: Callable, external_id: str | None = None,
                       **kwargs: Any) -> scrapy.Request:
        """A posting's own page. Its failure does not hide other postings, so the run stays complete;
        a 404/410 says the posting is gone (when its id is known, it is reported closed)."""
        meta = {**kwargs.pop("meta", {}), "external_id": external_id}
        return scrapy.Request(url, callback=self._counted(callback, DETAIL_PAGES), errback=self.detail_failed,
                              meta=meta, **kwargs)

    def _counted(self, callback: Callable, stat: str) -> Callable:
        def wrapped(response: scrapy.http.Response, **kw: Any) -> Iterable[Any]:
            self.crawler.stats.inc_value(stat)
            return callback(response, **kw)

        return wrapped

    def listing_failed(self, failure: Failure) -> None:
        self.crawler.stats.inc_value(LISTING_ERRORS)
        request = getattr(failure, "request", None)
        url = request.url if request is not None else "?"
        self.logger.error("listing request failed: %s: %s", url, failure.getErrorMessage())

    def detail_failed(self, failure: Failure) -> Iterator[RawPosting]:
        request = getattr(failure, "request", None)
        url = request.url if request is not None else "?"
        status = failure.value.response.status if failure.check(HttpError) else None
        external_id = request.meta.get("external_id") if request is not None else None
        if status in (404, 410):
            self.crawler.stats.inc_value(DETAIL_GONE)
            self.logger.info("posting page gone (%s): %s", status, url)
            if external_id:
                yield RawPosting(external_id=external_id, title="", url=url, closed=True)
            return
        self.crawler.stats.inc_value(DETAIL_ERRORS)
        self.logger.warning("posting page failed; the run is incomplete: %s: %s", url,
                            failure.getErrorMessage())

    def parse_error(self, what: str, exc: BaseException) -> None:
        """A malformed payload or posting: logged and counted, the rest of the page kept."""
        self.crawler.stats.inc_value(PARSE_ERRORS)
        self.logger.error("could not parse %s: %s: %s", what, type(exc).__name__, exc)

    def read_each(self, records: Iterable[Any], build: Callable[[Any], T | None],
                  ident: Callable[[Any], Any]) -> Iterator[T]:
        """Build a posting (or what leads to one) from each record; a malformed record is a parse
        error, the others are kept. `build` may return None to skip a record."""
        for record in records:
            try:
                posting = build(record)
            except RECORD_ERRORS as exc:
                self.parse_error(f"posting {ident(record)!r}", exc)
                continue
            if posting is not None:
                yield posting

    def load_json(self, response: scrapy.http.Response) -> Any:
        try:
            return response.json()  # decoded once per response, so callers may ask again
        except (ValueError, AttributeError) as exc:  # AttributeError: a binary, non-text body
            self.parse_error(f"JSON from {response.url}", exc)
            return None

    def json_list(self, response: scrapy.http.Response, key: str) -> list[Any] | None:
        """The list `payload[key]` of a JSON object response, or None (and a parse error) when it is not there."""
        data = self.load_json(response)
        if data is None:
            return None
        value = data.get(key) if isinstance(data, dict) else None
        if not isinstance(value, list):
            self.parse_error(f"payload {response.url}", ValueError(f"no {key!r} list"))
            return None
        return value


def record_id(record: Any, *keys: str) -> Any:
    """A record's id for an error message, whatever shape the record has."""
    if isinstance(record, dict):
        for key in keys:
            if record.get(key) is not None:
                return record[key]
    return str(record)[:60]
