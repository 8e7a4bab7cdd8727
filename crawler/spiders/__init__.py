"""Spiders, one module per source kind, registered by their `kind` name.

Adding a kind is one new module with a class decorated by `@register`; import it below.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from crawler.spiders.base import JobSpider

SPIDERS: dict[str, type["JobSpider"]] = {}


def register(cls: type["JobSpider"]) -> type["JobSpider"]:
    if cls.kind in SPIDERS:
        raise ValueError(f"source kind {cls.kind!r} registered twice")
    # Scrapyd (and `scrapy list`) knows spiders by a class-level name: the kind. Each crawl
    # still takes its source's name at init, which the items and stats carry.
    cls.name = cls.kind
    SPIDERS[cls.kind] = cls
    return cls


def spider_for(kind: str) -> type["JobSpider"]:
    try:
        return SPIDERS[kind]
    except KeyError:
        raise KeyError(f"unknown source kind {kind!r}; known: {', '.join(sorted(SPIDERS))}") from None


from crawler.spiders import (  # noqa: E402,F401  (registration side effect)
    ashby, feed, greenhouse, html, jsonld, lever, recruitee, smartrecruiters, workable, workday,
)
