"""Run one crawl of one source in this process, then exit: `python -m crawler.run JOB.json`.

The job file names the source (its config as a dict) and where to write the items
(JSON lines) and the final Scrapy stats. One process per crawl, as Scrapyd does: the
daemon keeps no reactor, and a hung crawl can be killed from outside.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings

from crawler.spiders import spider_for


def crawl_settings(job: dict[str, Any]) -> Settings:
    settings = Settings()
    settings.setmodule("crawler.settings", priority="project")
    items = Path(job["items_path"])
    settings.set("FEEDS", {items.as_uri(): {"format": "jsonlines", "encoding": "utf8", "overwrite": True}},
                 priority="cmdline")
    settings.update(job.get("settings") or {}, priority="cmdline")
    return settings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("job", type=Path)
    args = parser.parse_args(argv)
    job = json.loads(args.job.read_text())
    source = job["source"]
    process = CrawlerProcess(crawl_settings(job))
    crawler = process.create_crawler(spider_for(source["kind"]))
    process.crawl(crawler, source=source)
    process.start()
    stats = crawler.stats.get_stats() if crawler.stats else {}
    Path(job["stats_path"]).write_text(json.dumps(stats, default=str, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
