"""`hirewatch events`, `history`, `jobs` and `stats` on a database built by real crawls."""
from __future__ import annotations

import csv
import io
from datetime import datetime, timezone
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from tests.query_data import QueryData

pytest_plugins = ["tests.query_data"]  # its session fixture: one crawled database for every query test


def kinds(data: QueryData, *args: str) -> list[tuple[str, str | None]]:
    return [(e["kind"], e["title"]) for e in data.project.json("events", *args)]


def test_events_since_a_duration_leave_out_older_ones(query_data: QueryData) -> None:
    everything = query_data.project.json("events")
    assert {e["source"] for e in everything} == {"pinboard", "orbit", "pinboard-careers"}
    recent = query_data.project.json("events", "--since", "7d")
    assert "orbit" not in {e["source"] for e in recent}  # orbit's run was ten days back
    assert len(recent) == len(everything) - 3
    assert query_data.project.json("events", "--since", "2099-01-01T00:00:00Z") == []


def test_events_by_kind_and_source(query_data: QueryData) -> None:
    assert kinds(query_data, "--kind", "updated") == [("updated", "Senior Software Engineer, Backend")]
    assert kinds(query_data, "--kind", "closed", "--kind", "updated") == [
        ("updated", "Senior Software Engineer, Backend"), ("closed", "Office Manager")]
    orbit = kinds(query_data, "--source", "orbit")
    assert sorted(orbit) == [("new", "Platform Engineer"), ("new", "Senior Security Engineer"),
                             ("new", "Support Engineer")]
    assert kinds(query_data, "--limit", "1") == [("closed", "Office Manager")]  # the newest


def test_events_of_a_subscription_pass_its_kinds_and_filter(query_data: QueryData) -> None:
    assert kinds(query_data, "--subscription", "remote-python") == [("new", "Python Developer")]
    big = kinds(query_data, "--subscription", "big-pay")
    assert ("updated", "Senior Software Engineer, Backend") in big
    assert ("new", "Python Developer") not in big and ("new", "Platform Engineer") not in big
    assert {kind for kind, _ in big} <= {"new", "updated"}
    result = query_data.project.run("events", "--subscription", "nope")
    assert result.exit_code == 2
    assert "no subscription named 'nope'; subscriptions: remote-python, big-pay" in result.output


def test_events_table_shows_changes(query_data: QueryData, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "200")
    out = query_data.project.run("events", "--kind", "updated").stdout
    assert "salary_max 258,000 → 270,000" in out


def test_history_shows_versions_diffs_events_and_the_linked_posting(query_data: QueryData,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    posting_id = query_data.ids()["Senior Software Engineer, Backend"]
    found = query_data.project.json("history", str(posting_id))
    assert [v["version"] for v in found["versions"]] == [1, 2]
    assert found["diffs"] == [{"version": 2, "seen_at": found["versions"][1]["seen_at"], "changes": {
        "salary_max": [258000.0, 270000.0],
        "salary_text": ["178000–258000 USD per year", "178000–270000 USD per year"]}}]
    assert [e["kind"] for e in found["events"]] == ["new", "updated"]
    linked = {p["source"]: p for p in found["job"]["postings"]}
    assert set(linked) == {"pinboard", "pinboard-careers"}
    other = linked["pinboard-careers"]
    assert other["strength"] in {"exact", "strong", "possible"} and other["evidence"]

    monkeypatch.setenv("COLUMNS", "200")
    out = query_data.project.run("history", str(posting_id)).stdout
    assert f"#{posting_id} Senior Software Engineer, Backend — Pinboard — Toronto, ON, CA [active]" in out
    assert "v2 (" in out and "salary_max 258,000 → 270,000" in out
    assert "1 other posting" in out and "pinboard-careers" in out and other["strength"] in out


def test_history_of_an_unknown_posting(query_data: QueryData) -> None:
    result = query_data.project.run("history", "99999")
    assert result.exit_code == 1 and "no posting with id 99999" in result.output


def test_jobs_lists_cross_board_jobs_with_their_postings(query_data: QueryData,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    found = query_data.project.json("jobs")
    assert len(found) == 1
    job = found[0]
    assert (job["title"], job["company"], job["posting_count"], job["sources"]) == (
        "Senior Software Engineer, Backend", "Pinboard", 2, 2)
    assert {p["source"] for p in job["postings"]} == {"pinboard", "pinboard-careers"}
    assert len(query_data.project.json("jobs", "--all")) == 8  # every other posting is a job of its own
    assert query_data.project.json("jobs", "--company", "orbit") == []
    rows = list(csv.DictReader(io.StringIO(query_data.project.run("jobs", "--format", "csv").stdout)))
    assert [r["source"] for r in rows] == ["pinboard", "pinboard-careers"]
    monkeypatch.setenv("COLUMNS", "200")
    out = query_data.project.run("jobs").stdout
    assert f"job #{job['id']}: Senior Software Engineer, Backend — Pinboard (2 postings on 2 boards)" in out
    assert "why linked" in out


def test_stats(query_data: QueryData, monkeypatch: pytest.MonkeyPatch) -> None:
    found = query_data.project.json("stats", "--days", "3")
    by_source = {r["source"]: r for r in found["postings_by_source"]}
    assert by_source["pinboard"] == {"source": "pinboard", "active": 3, "stale": 1, "closed": 1, "total": 5}
    assert by_source["orbit"]["total"] == 3
    days = found["events_per_day"]
    today = datetime.now(timezone.utc).date().isoformat()
    assert len(days) == 3 and days[-1]["day"] == today
    assert days[-1]["updated"] == 1 and days[-1]["closed"] == 1  # baseline runs are left out
    salaries = {(r["company"], r["currency"]): r for r in found["salary_by_company"]}
    assert salaries[("Pinboard", "USD")]["median"] == 224000  # middle of 178k–270k
    assert salaries[("Orbit", "EUR")]["postings"] == 1

    monkeypatch.setenv("COLUMNS", "120")
    out = query_data.project.run("stats").stdout
    assert "postings by source" in out and "events per day" in out and "median yearly salary" in out
    assert "█" in out
