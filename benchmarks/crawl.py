"""Crawl throughput: `hirewatch crawl` (spider, normalise, store, detect) against a bare Scrapy
spider at the same concurrency, on an HTML board and a Greenhouse-shaped API board on 127.0.0.1.

Each side crawls twice and the second crawl is timed: the steady state a daemon lives in (for
hirewatch that includes revalidating its HTTP cache, and detection finding nothing changed).
"""
from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import yaml

from benchmarks.measure import Watched, watch

CONCURRENCY = 16

HTML_FIELDS = {"title": "h1::text", "company": ".company::text", "location": ".location::text",
               "salary": ".salary::text", "description": ".description"}


def html_source(name: str, board: str) -> dict[str, Any]:
    return {"name": name, "kind": "html", "start_urls": [f"{board}/pages/"],
            "listing": {"links": "a.job::attr(href)"}, "fields": HTML_FIELDS}


def api_source(name: str, board: str, size: int) -> dict[str, Any]:
    return {"name": name, "kind": "greenhouse", "board": f"jobs{size}", "base_url": board}


def write_config(work: Path, name: str, sources: list[dict[str, Any]], **extra: Any) -> Path:
    """A hirewatch config of these sources, fast but still real: no throttling, CONCURRENCY per domain."""
    config = {"database": str(work / f"{name}.db"), "sources": sources,
              "crawl": {"autothrottle": False, "concurrent_requests_per_domain": CONCURRENCY,
                        "cache_dir": str(work / f"{name}-cache")}, **extra}
    path = work / f"{name}.yaml"
    path.write_text(yaml.safe_dump(config, sort_keys=False))
    return path


def hirewatch(config: Path, *args: str) -> Watched:
    done = watch([sys.executable, "-m", "hirewatch", "--config", str(config), *args])
    if done.returncode != 0:
        raise RuntimeError(f"hirewatch {' '.join(args)} exited {done.returncode}:\n{done.stdout[-1500:]}"
                           f"{done.stderr[-1500:]}")
    return done


def bare(work: Path, start_url: str, mode: str) -> Watched:
    job = work / f"bare-{mode}.json"
    items = work / f"bare-{mode}.jsonl"
    job.write_text(json.dumps({"start_url": start_url, "mode": mode, "items_path": str(items),
                               "settings": {"CONCURRENT_REQUESTS": CONCURRENCY,
                                            "CONCURRENT_REQUESTS_PER_DOMAIN": CONCURRENCY,
                                            "ROBOTSTXT_OBEY": True, "AUTOTHROTTLE_ENABLED": False}}))
    done = watch([sys.executable, "-m", "benchmarks.bare_crawl", str(job)])
    if done.returncode != 0:
        raise RuntimeError(f"bare crawl exited {done.returncode}:\n{done.stderr[-1500:]}")
    return done


def throughput(work: Path, board: str, pages: int, api_size: int, warm: bool = True) -> dict[str, Any]:
    """Seconds of the second crawl of each side (the first, with `warm`), for the HTML and the API board."""
    work = work.resolve()
    work.mkdir(parents=True, exist_ok=True)
    html_cfg = write_config(work, "crawl-html", [html_source("pages", board)])
    api_cfg = write_config(work, "crawl-api", [api_source("api", board, api_size)])
    out: dict[str, Any] = {"pages": pages + 1, "postings": api_size}
    for name, run in (("html_hirewatch", lambda: hirewatch(html_cfg, "crawl")),
                      ("html_bare", lambda: bare(work, f"{board}/pages/", "html")),
                      ("api_hirewatch", lambda: hirewatch(api_cfg, "crawl")),
                      ("api_bare", lambda: bare(work, f"{board}/v1/boards/jobs{api_size}/jobs", "api"))):
        if warm:
            run()
        out[name] = run().seconds
    return out
