"""Politeness and efficiency: conditional requests that make an unchanged board cost a 304,
retries that wait as long as the board asks (Retry-After) or back off, robots.txt, the User-Agent."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from email.utils import format_datetime

from crawler.middlewares import retry_after_seconds
from hirewatch.config import loads
from hirewatch.wiring import scrapy_settings
from tests.conftest import Project
from tests.spider_servers import Page, RecordingBoard, fixture_text, last_run, recording  # noqa: F401
from tests.test_spiders_api import crawl

GH = "/v1/boards/pinboard/jobs"
FAST_RETRIES = {"RETRY_BACKOFF_BASE": 0.3}


def greenhouse(server: RecordingBoard, **extra) -> dict:
    return {"name": "pinboard", "kind": "greenhouse", "board": "pinboard", "base_url": server.url, **extra}


def test_unchanged_board_is_a_304_and_still_a_complete_run(project: Project,
                                                           recording: RecordingBoard) -> None:  # noqa: F811
    recording.pages["/jobs.rss"] = Page(fixture_text("feed/jobs-page2.rss").encode(), "application/rss+xml",
                                        etag='"rss-v1"')
    recording.pages["/jobs.atom"] = Page(fixture_text("feed/jobs.atom").encode(), "application/atom+xml",
                                         last_modified="Tue, 24 Nov 2026 10:00:00 GMT")
    project.write_config([{"name": "harbor", "kind": "feed", "start_urls": [f"{recording.url}/jobs.rss",
                                                                            f"{recording.url}/jobs.atom"],
                           "settings": FAST_RETRIES}],
                         crawl={"http_cache": True, "cache_dir": str(project.root / "cache")})
    assert "harbor: complete, 2 postings" in crawl(project)
    first = project.json("postings")

    assert "harbor: complete, 2 postings" in crawl(project)
    rss, atom = recording.requests("/jobs.rss")[-1], recording.requests("/jobs.atom")[-1]
    assert rss.headers.get("If-None-Match") == '"rss-v1"'
    assert atom.headers.get("If-Modified-Since") == "Tue, 24 Nov 2026 10:00:00 GMT"
    stats = last_run(project, "harbor")["stats"]
    assert stats["httpcache/revalidate"] == 2 and "httpcache/invalidate" not in stats
    again = project.json("postings")
    assert [p["content_hash"] for p in again] == [p["content_hash"] for p in first]  # every posting, unchanged
    assert all(p["last_seen_at"] > q["last_seen_at"] for p, q in zip(again, first))  # and seen in this run
    assert project.json("events", "--kind", "updated") == []

    # A cached copy never stands in for a board that fails: the run is not complete.
    recording.pages["/jobs.rss"].before = [(503, None), (503, None)]
    assert "harbor: partial" in crawl(project, expect=1)
    assert last_run(project, "harbor")["stats"]["hirewatch/listing_errors"] == 1
    recording.close()  # nor for one that cannot be reached at all
    assert "harbor: failed" in crawl(project, expect=1)
    assert "httpcache/errorrecovery" not in last_run(project, "harbor")["stats"]
    assert project.json("events", "--kind", "closed") == []


def test_retry_after_is_waited_out_then_backoff(project: Project, recording: RecordingBoard) -> None:  # noqa: F811
    recording.pages[GH] = Page(fixture_text("greenhouse/board.json").encode(), before=[(429, "1"), (503, None)])
    project.write_config([greenhouse(recording, settings=FAST_RETRIES)], crawl={"retry_times": 2})
    assert "pinboard: complete, 3 postings" in crawl(project)
    tries = recording.requests(GH)
    assert len(tries) == 3
    assert tries[1].at - tries[0].at >= 0.95  # Retry-After: 1
    assert tries[2].at - tries[1].at >= 0.55  # no Retry-After: 0.3 s doubled for the second retry
    assert last_run(project, "pinboard")["stats"]["retry/count"] == 2


def test_retry_after_too_long_is_not_waited_for(project: Project, recording: RecordingBoard) -> None:  # noqa: F811
    recording.pages[GH] = Page(fixture_text("greenhouse/board.json").encode(), before=[(429, "3600")])
    project.write_config([greenhouse(recording)], crawl={"retry_times": 2})
    assert "pinboard: failed" in crawl(project, expect=1)
    assert len(recording.requests(GH)) == 1
    assert last_run(project, "pinboard")["stats"]["retry/retry_after_too_long"] == 1


def test_robots_txt_is_obeyed_unless_the_source_says_not(project: Project,
                                                         recording: RecordingBoard) -> None:  # noqa: F811
    recording.robots = "User-agent: *\nDisallow: /v1/\n"
    recording.pages[GH] = Page(fixture_text("greenhouse/board.json").encode())
    project.write_config([greenhouse(recording)], crawl={"contact": "https://example.org/hirewatch-contact"})
    assert "pinboard: failed" in crawl(project, expect=1)
    assert recording.requests(GH) == []
    agent = recording.requests("/robots.txt")[0].headers["User-Agent"]
    assert agent == "hirewatch/0.1 (job-posting monitor) (+https://example.org/hirewatch-contact)"

    project.write_config([greenhouse(recording, robots=False)], crawl={"contact": "https://example.org/c"})
    assert "pinboard: complete, 3 postings" in crawl(project)
    assert recording.requests(GH)[0].headers["User-Agent"].endswith("(+https://example.org/c)")


def test_polite_defaults() -> None:
    config = loads("sources:\n  - {name: pinboard, kind: greenhouse, board: pinboard}\n")
    settings = scrapy_settings(config, config.sources[0])
    assert settings["ROBOTSTXT_OBEY"] and settings["AUTOTHROTTLE_ENABLED"] and settings["HTTPCACHE_ENABLED"]
    assert settings["CONCURRENT_REQUESTS_PER_DOMAIN"] == 2
    assert settings["HTTPCACHE_DIR"].endswith("pinboard")


def test_retry_after_values() -> None:
    now = datetime(2026, 11, 25, 12, 0, tzinfo=timezone.utc)
    in_two_minutes = format_datetime(now + timedelta(minutes=2), usegmt=True)
    assert retry_after_seconds(b"120", now.timestamp()) == 120
    assert retry_after_seconds(in_two_minutes, now.timestamp()) == 120
    assert retry_after_seconds("Tue, 24 Nov 2026 10:00:00 GMT", now.timestamp()) == 0  # already past
    assert retry_after_seconds(None, now.timestamp()) is None
    assert retry_after_seconds(b"soon", now.timestamp()) is None
