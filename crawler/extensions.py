"""Scrapy extensions of ours."""
from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from w3lib.url import file_uri_to_path


class StatsBesideFeed:
    """Writes the crawl's final stats next to each file feed: `<job>.jl` gets `<job>.stats.json`.

    On Scrapyd the items feed is the only file the central daemon can fetch (its `items_dir` is
    served over HTTP), and `listjobs.json` has no stats; the stats decide whether a run is
    complete, so they go where the items are. Written when the engine has stopped, after the feed
    is closed, and renamed into place: a stats file present means the items are whole.
    Enabled by HIREWATCH_STATS_BESIDE_FEED.
    """

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> "StatsBesideFeed":
        if not crawler.settings.getbool("HIREWATCH_STATS_BESIDE_FEED"):
            raise NotConfigured
        extension = cls(crawler)
        crawler.signals.connect(extension.engine_stopped, signal=signals.engine_stopped)
        return extension

    def engine_stopped(self) -> None:
        stats = self.crawler.stats.get_stats() if self.crawler.stats else {}
        targets = [path.with_name(path.stem + ".stats.json") for path in self._feed_files()]
        if not targets:
            raise RuntimeError("HIREWATCH_STATS_BESIDE_FEED needs a file feed (Scrapyd's items_dir)")
        for target in targets:
            partial = target.with_name(target.name + ".part")
            partial.write_text(json.dumps(stats, default=str, indent=1), encoding="utf-8")
            os.replace(partial, target)

    def _feed_files(self) -> list[Path]:
        feeds: dict[str, Any] = self.crawler.settings.getdict("FEEDS")
        return [Path(file_uri_to_path(uri)) for uri in feeds if str(uri).startswith("file://")]
