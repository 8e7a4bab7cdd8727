"""The crawl progress reporter: a live display on a terminal, plain lines otherwise."""
from __future__ import annotations

import io

from rich.console import Console

from hirewatch.progress import CrawlProgress
from scheduler.crawl import RunSummary
from snapshots.completeness import Outcome

DONE = RunSummary("pinboard", 7, Outcome("complete", "", 2, 0), 3, {"new": 3}, 1.25)
BROKEN = RunSummary("orbit", 8, Outcome("partial", "listing page failed: HTTP 500", 1, 4), 0, {}, 0.5)


def test_plain_lines_off_a_terminal() -> None:
    out = io.StringIO()
    with CrawlProgress(["pinboard", "orbit"], Console(file=out)) as progress:
        progress.started("pinboard")
        progress.finished(DONE)
        progress.started("orbit")
        progress.finished(BROKEN)
    assert out.getvalue().splitlines() == [
        "pinboard: crawling…", DONE.line, "orbit: crawling…", BROKEN.line]
    assert "orbit: partial, 0 postings, 1 pages, no events (0.5s) — listing page failed: HTTP 500" in out.getvalue()


def test_live_display_on_a_terminal() -> None:
    out = io.StringIO()
    console = Console(file=out, force_terminal=True, width=140, color_system=None)
    with CrawlProgress(["pinboard", "orbit", "acme"], console) as progress:
        progress.started("pinboard")
        progress.finished(DONE)
        progress.started("orbit")
        progress.finished(BROKEN)
    lines = out.getvalue().splitlines()  # rich redraws the display; the last lines are the final frame
    pinboard = next(line for line in reversed(lines) if "pinboard" in line)
    orbit = next(line for line in reversed(lines) if "orbit" in line)
    acme = next(line for line in reversed(lines) if "acme" in line)
    assert "complete" in pinboard and "2 pages" in pinboard and "3 postings" in pinboard
    assert "0 errors" in pinboard and "1.2s" in pinboard and "3 new" in pinboard
    assert "partial" in orbit and "4 errors" in orbit and "listing page failed: HTTP 500" in orbit
    assert "waiting" in acme and "errors" not in acme  # never started
