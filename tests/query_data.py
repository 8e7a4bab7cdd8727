"""One snapshot database for the query tests, built once per session by real crawls of fixture boards.

Three sources on a local board: `pinboard` (Greenhouse, five jobs), `orbit` (Lever, three postings)
and `pinboard-careers` (Lever, Pinboard's own careers site listing one of the Greenhouse jobs again,
so the two are linked as one job). Then pinboard raises a salary and drops the Office Manager job
for two runs (updated, closed). Dates are relative to today so the data never ages into `stale`.
Orbit's postings and events are moved ten days back, as if crawled earlier.
"""
from __future__ import annotations

import copy
import html
import shutil
import sqlite3
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Iterator

import pytest

from tests.conftest import Board, Project, fixture_json

GH_PATH = "/v1/boards/pinboard/jobs"
NOW = datetime.now(timezone.utc)


def ago(days: float) -> datetime:
    return NOW - timedelta(days=days)


def _greenhouse_job(base: dict[str, Any], job_id: int, title: str, location: str, workplace: str | None,
                    content: str, days_ago: float, pay: tuple[int, int, str] | None = None) -> dict[str, Any]:
    job = copy.deepcopy(base)
    stamp = ago(days_ago).isoformat(timespec="seconds")
    job.update(id=job_id, internal_job_id=job_id - 1500000, title=title, location={"name": location},
               absolute_url=f"https://boards.greenhouse.io/pinboard/jobs/{job_id}", first_published=stamp,
               updated_at=stamp, requisition_id=None, content=html.escape(content))
    job["metadata"] = ([{"id": 11, "name": "Location Type", "value_type": "single_select", "value": workplace}]
                       if workplace else None)
    job.pop("pay_input_ranges", None)
    if pay:
        job["pay_input_ranges"] = [{"min_cents": pay[0] * 100, "max_cents": pay[1] * 100, "currency_type": pay[2],
                                    "title": "Zone 1", "blurb": "Base salary"}]
    return job


def greenhouse_board() -> dict[str, Any]:
    payload = fixture_json("greenhouse/board.json")
    jobs = payload["jobs"]
    for job, days in zip(jobs, (5, 2, 1)):
        stamp = ago(days).isoformat(timespec="seconds")
        job.update(first_published=stamp, updated_at=stamp)
    jobs.append(_greenhouse_job(jobs[1], 7001004, "Python Developer", "Berlin, Germany", "Remote",
                                "<p>Build our internal tools in Python and SQL.</p>", 3, (120000, 140000, "EUR")))
    jobs.append(_greenhouse_job(jobs[1], 7001005, "Site Reliability Engineer", "London, UK", "On-site",
                                "<p>Keep our Python backend services healthy and fast.</p>", 40))
    payload["meta"]["total"] = len(jobs)
    return payload


def lever_board() -> list[dict[str, Any]]:
    postings = fixture_json("lever/postings.json")
    for posting, days in zip(postings, (8, 6, 1)):
        posting["createdAt"] = int(ago(days).timestamp() * 1000)
    return postings


def careers_board(greenhouse: dict[str, Any]) -> list[dict[str, Any]]:
    """Pinboard's own Lever site, listing the backend job with the Greenhouse description."""
    backend = greenhouse["jobs"][0]
    return [{
        "id": "5c1b2a90-7d4e-4f3a-8b6c-000000000001", "text": backend["title"],
        "categories": {"location": "Toronto, ON, CA", "commitment": "Full-time", "team": "Engineering"},
        "country": "CA", "workplaceType": "hybrid", "createdAt": int(ago(4).timestamp() * 1000),
        "description": html.unescape(backend["content"]), "lists": [], "additional": "",
        "hostedUrl": "https://jobs.lever.co/pinboard-careers/5c1b2a90-7d4e-4f3a-8b6c-000000000001",
        "applyUrl": "https://jobs.lever.co/pinboard-careers/5c1b2a90-7d4e-4f3a-8b6c-000000000001/apply",
    }]


SUBSCRIPTIONS = [
    {"name": "remote-python", "channels": ["log"], "events": ["new", "updated", "closed"],
     "filter": {"keywords": ["python"], "workplace": ["remote", "hybrid"]}},
    {"name": "big-pay", "channels": ["log"], "events": ["new", "updated"], "filter": {"salary_min": 150000}},
]


@dataclass
class QueryData:
    project: Project
    board: Board

    def copy(self, root: Path) -> Project:
        """A private copy of the database and config, for tests that change them."""
        root.mkdir(parents=True, exist_ok=True)
        source = sqlite3.connect(self.project.db_path)
        target = sqlite3.connect(root / "hirewatch.db")
        source.backup(target)
        source.close()
        target.close()
        copied = Project(root)
        copied.config_path.write_text(self.project.config_path.read_text().replace(
            str(self.project.db_path), str(copied.db_path)))
        return copied

    def ids(self) -> dict[str, int]:
        """Posting id by title (titles are unique in this data, except the linked backend job)."""
        return {p["title"]: p["id"] for p in self.project.json("postings", "--source", "pinboard", "--source", "orbit")}


def _backdate(db_path: Path, source: str, days: float) -> None:
    at = ago(days).isoformat(timespec="seconds")
    with sqlite3.connect(db_path) as conn:
        conn.execute("UPDATE postings SET first_seen_at = ?, last_changed_at = ? WHERE source = ?", [at, at, source])
        conn.execute("UPDATE posting_versions SET seen_at = ? WHERE posting_id IN "
                     "(SELECT id FROM postings WHERE source = ?)", [at, source])
        conn.execute("UPDATE events SET at = ? WHERE source = ?", [at, source])
    conn.close()


def _crawl(project: Project, *args: str) -> None:
    result = project.run("crawl", *args)
    assert result.exit_code == 0, result.output


def build(root: Path) -> QueryData:
    board = Board()
    project = Project(root)
    greenhouse = greenhouse_board()
    board.set_json(GH_PATH, greenhouse)
    board.set_json("/v0/postings/orbit", lever_board())
    board.set_json("/v0/postings/pinboard-careers", careers_board(greenhouse))
    project.write_config(
        [{"name": "pinboard", "kind": "greenhouse", "board": "pinboard", "base_url": board.url},
         {"name": "orbit", "kind": "lever", "board": "orbit", "company": "Orbit", "base_url": board.url},
         {"name": "pinboard-careers", "kind": "lever", "board": "pinboard-careers", "company": "Pinboard",
          "base_url": board.url}],
        channels={"log": "console://"}, notify={"subscriptions": SUBSCRIPTIONS})
    _crawl(project)
    _backdate(project.db_path, "orbit", 10)

    changed = copy.deepcopy(greenhouse)
    changed["jobs"][0]["pay_input_ranges"][0]["max_cents"] = 27000000
    del changed["jobs"][2]  # Office Manager: missing from two complete runs → closed
    board.set_json(GH_PATH, changed)
    _crawl(project, "--source", "pinboard")
    _crawl(project, "--source", "pinboard")
    return QueryData(project, board)


@pytest.fixture(scope="session")
def query_data(tmp_path_factory: pytest.TempPathFactory) -> Iterator[QueryData]:
    data = build(tmp_path_factory.mktemp("query"))
    yield data
    data.board.close()
    shutil.rmtree(data.project.root, ignore_errors=True)
