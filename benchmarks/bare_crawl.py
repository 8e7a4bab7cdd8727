"""The baseline crawl: a bare Scrapy spider that fetches and yields raw pages, nothing else.

`python -m benchmarks.bare_crawl JOB.json` runs it in its own process, as `crawler.run` runs
hirewatch's spiders, and writes its items with the same JSON-lines feed export.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any, Iterator

import scrapy
from scrapy.crawler import CrawlerProcess


class BareSpider(scrapy.Spider):
    """`html`: the listing, then every linked page yielded as it came. `api`: each raw record of the board."""
    name = "bare"

    def __init__(self, start_url: str, mode: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.start_urls = [start_url]
        self.mode = mode

    def parse(self, response: scrapy.http.Response, **kwargs: Any) -> Iterator[Any]:
        if self.mode == "api":
            yield from response.json()["jobs"]
            return
        for href in response.css("a.job::attr(href)").getall():
            yield response.follow(href, self.page)

    def page(self, response: scrapy.http.Response) -> Iterator[dict[str, Any]]:
        yield {"url": response.url, "body": response.text}


def main() -> None:
    job = json.loads(Path(sys.argv[1]).read_text())
    process = CrawlerProcess({
        **job["settings"], "TELNETCONSOLE_ENABLED": False, "LOG_LEVEL": "INFO",
        "FEEDS": {Path(job["items_path"]).as_uri(): {"format": "jsonlines", "encoding": "utf8", "overwrite": True}},
    })
    process.crawl(BareSpider, start_url=job["start_url"], mode=job["mode"])
    process.start()


if __name__ == "__main__":
    main()
