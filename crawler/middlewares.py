"""Downloader middlewares for a polite monitor: retries that wait as the board asks, and an HTTP
cache that only ever saves bandwidth (a 304), never answers for a board that did not answer.
"""
from __future__ import annotations

import logging
import time
from datetime import timezone
from email.utils import parsedate_to_datetime
from typing import Any

from scrapy import Request
from scrapy.downloadermiddlewares.httpcache import HttpCacheMiddleware
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.extensions.httpcache import RFC2616Policy
from scrapy.http import Response
from scrapy.settings import BaseSettings
from scrapy.utils.asyncio import sleep
from scrapy.utils.httpobj import urlparse_cached
from scrapy.utils.response import response_status_message

logger = logging.getLogger(__name__)


def retry_after_seconds(value: bytes | str | None, now: float) -> float | None:
    """A Retry-After header (seconds, or an HTTP date) as seconds from `now`; None when absent or unreadable."""
    if not value:
        return None
    text = value.decode("latin-1") if isinstance(value, bytes) else value
    text = text.strip()
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return max(0.0, when.timestamp() - now)


def _slot(request: Request) -> str:
    return request.meta.get("download_slot") or urlparse_cached(request).hostname or ""


class PoliteRetryMiddleware(RetryMiddleware):
    """Retries 429/5xx and dropped connections after a wait: the board's Retry-After when it sends
    one, else an exponential backoff (RETRY_BACKOFF_BASE doubling up to RETRY_BACKOFF_MAX seconds).

    While a board asked for a pause, every request to its domain waits, not only the retried one.
    A Retry-After longer than RETRY_AFTER_MAX is not waited out: the request fails, so the run is
    incomplete and the board is asked again on the next run.
    """

    def __init__(self, settings: BaseSettings) -> None:
        super().__init__(settings)
        self.backoff_base = settings.getfloat("RETRY_BACKOFF_BASE", 1.0)
        self.backoff_max = settings.getfloat("RETRY_BACKOFF_MAX", 60.0)
        self.retry_after_max = settings.getfloat("RETRY_AFTER_MAX", 120.0)
        self.paused_until: dict[str, float] = {}

    async def process_request(self, request: Request) -> None:
        wait = self.paused_until.get(_slot(request), 0.0) - time.monotonic()
        if wait > 0:
            await sleep(wait)

    def process_response(self, request: Request, response: Response) -> Request | Response:
        if request.meta.get("dont_retry", False) or response.status not in self.retry_http_codes:
            return response
        asked = retry_after_seconds(response.headers.get(b"Retry-After"), time.time())
        if asked is not None and asked > self.retry_after_max:
            self.crawler.stats.inc_value("retry/retry_after_too_long")
            logger.warning("%s asks to retry after %.0f s (more than RETRY_AFTER_MAX %.0f s): not retried",
                           request.url, asked, self.retry_after_max)
            return response
        retry = self._retry(request, response_status_message(response.status))
        if retry is None:
            return response
        return self._paused(retry, asked)

    def process_exception(self, request: Request, exception: Exception) -> Request | Response | None:
        retry = super().process_exception(request, exception)
        return self._paused(retry, None) if isinstance(retry, Request) else retry

    def _paused(self, retry: Request, asked: float | None) -> Request:
        wait = asked if asked is not None else min(
            self.backoff_max, self.backoff_base * 2 ** (retry.meta.get("retry_times", 1) - 1))
        slot = _slot(retry)
        self.paused_until[slot] = max(self.paused_until.get(slot, 0.0), time.monotonic() + wait)
        self.crawler.stats.inc_value("retry/paused_seconds", int(round(wait)))
        return retry


class RevalidatePolicy(RFC2616Policy):
    """RFC 2616 validators for a monitor: keep only responses that carry an ETag or Last-Modified,
    and revalidate them on every request. A page comes from the cache only when the board itself
    answered 304 — never because a heuristic called it fresh, never in place of a 5xx."""

    def should_cache_response(self, response: Response, request: Request) -> bool:
        return (response.status == 200 and b"no-store" not in self._parse_cachecontrol(response)
                and (b"ETag" in response.headers or b"Last-Modified" in response.headers))

    def is_cached_response_fresh(self, cachedresponse: Response, request: Request) -> bool:
        self._set_conditional_validators(request, cachedresponse)
        return False

    def is_cached_response_valid(self, cachedresponse: Response, response: Response, request: Request) -> bool:
        return response.status == 304


class RevalidatingCacheMiddleware(HttpCacheMiddleware):
    """Scrapy's cache middleware, minus its "error recovery": a board that cannot be reached must
    fail the run, not be replaced by its last copy."""

    def process_exception(self, request: Request, exception: Exception) -> Any:
        request.meta.pop("cached_response", None)
        return None
