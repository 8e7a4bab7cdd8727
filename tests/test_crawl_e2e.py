"""The whole loop through the CLI: crawl → snapshot → detect → alert → query, on real local parts."""
from __future__ import annotations

import copy
import csv
import io
import json

from tests.conftest import Board, Project, Receiver, fixture_json

GH_PATH = "/v1/boards/pinboard/jobs"


def greenhouse_project(project: Project, board: Board, receiver: Receiver, **extra) -> dict:
    payload = fixture_json("greenhouse/board.json")
    board.set_json(GH_PATH, payload)
    project.write_config([{"name": "pinboard", "kind": "greenhouse", "board": "pinboard", "base_url": board.url}],
                         channels={"hook": receiver.apprise_url}, **extra)
    return payload


def test_first_crawl_is_a_silent_baseline(project: Project, board: Board, receiver: Receiver) -> None:
    greenhouse_project(project, board, receiver)
    result = project.run("crawl")
    assert result.exit_code == 0, result.output
    assert "pinboard: complete, 3 postings" in result.stdout
    assert receiver.received == []
    events = project.json("events")
    assert [e["kind"] for e in events] == ["new", "new", "new"]
    assert all(e["baseline"] == 1 for e in events)
    postings = {p["external_id"]: p for p in project.json("postings")}
    first = postings["7001001"]
    assert first["title"] == "Senior Software Engineer, Backend"
    assert first["company"] == "Pinboard"
    assert first["location"] == "Toronto, ON, CA"
    assert first["workplace"] == "hybrid"
    assert (first["salary_min"], first["salary_max"], first["salary_currency"]) == (178000, 258000, "USD")
    assert first["salary_source"] == "structured"
    assert first["posted_at"].startswith("2026-11-18T14:00:00")
    assert "gh_src" not in first["url"]
    assert "<" not in first["description"] and "Pinner-facing features" in first["description"]
    assert len(first["content_hash"]) == 32
    assert postings["7001002"]["workplace"] == "remote"
    assert postings["7001003"]["workplace"] == "onsite"


def test_new_updated_closed_are_alerted_once(project: Project, board: Board, receiver: Receiver) -> None:
    payload = greenhouse_project(project, board, receiver)
    assert project.run("crawl").exit_code == 0

    added = copy.deepcopy(payload)
    extra = copy.deepcopy(payload["jobs"][1])
    extra.update(id=7001009, title="Staff Platform Engineer", absolute_url="https://boards.greenhouse.io/pinboard/jobs/7001009")
    added["jobs"].append(extra)
    board.set_json(GH_PATH, added)
    assert project.run("crawl").exit_code == 0
    messages = receiver.messages()
    assert len(messages) == 1
    assert "new" in messages[0]["title"] and "Staff Platform Engineer" in messages[0]["message"]

    raised = copy.deepcopy(added)
    raised["jobs"][0]["pay_input_ranges"][0]["max_cents"] = 27000000
    board.set_json(GH_PATH, raised)
    assert project.run("crawl").exit_code == 0
    updated = project.json("events", "--kind", "updated")
    assert len(updated) == 1
    assert updated[0]["changes"] == {"salary_max": [258000.0, 270000.0]}
    assert len(receiver.messages()) == 2
    assert "salary_max: 258000.0 → 270000.0" in receiver.messages()[1]["message"]

    removed = copy.deepcopy(raised)
    del removed["jobs"][2]
    board.set_json(GH_PATH, removed)
    assert project.run("crawl").exit_code == 0
    assert project.json("events", "--kind", "closed") == []  # one missed run is not proof
    assert project.run("crawl").exit_code == 0
    closed = project.json("events", "--kind", "closed")
    assert [e["title"] for e in closed] == ["Office Manager"]
    assert [p["title"] for p in project.json("postings", "--status", "closed")] == ["Office Manager"]
    assert len(receiver.messages()) == 3

    # Replaying the same board adds nothing.
    assert project.run("crawl").exit_code == 0
    assert len(receiver.messages()) == 3
    history = project.json("history", str(updated[0]["posting_id"]))
    assert [v["version"] for v in history["versions"]] == [1, 2]
    assert [e["kind"] for e in history["events"]] == ["new", "updated"]


def test_failed_board_closes_nothing_and_exits_1(project: Project, board: Board, receiver: Receiver) -> None:
    greenhouse_project(project, board, receiver)
    assert project.run("crawl").exit_code == 0
    board.set_status(GH_PATH, 500)
    for _ in range(3):
        result = project.run("crawl")
        assert result.exit_code == 1
        assert "pinboard: failed" in result.stdout
    assert project.json("postings", "--status", "closed") == []
    assert {p["status"] for p in project.json("postings")} == {"active"}
    health = project.json("events", "--kind", "source_health")
    assert len(health) == 1  # raised once, not once per bad run
    board.set_json(GH_PATH, fixture_json("greenhouse/board.json"))
    assert project.run("crawl").exit_code == 0
    assert len(project.json("events", "--kind", "source_health")) == 2  # and one recovery
    assert project.json("events", "--kind", "closed") == []


def test_malformed_payload_is_partial(project: Project, board: Board, receiver: Receiver) -> None:
    greenhouse_project(project, board, receiver)
    assert project.run("crawl").exit_code == 0
    board.set_text(GH_PATH, '{"jobs": [', content_type="application/json")
    result = project.run("crawl")
    assert result.exit_code == 1
    assert project.json("events", "--kind", "closed") == []


def test_lever_pages_with_skip_and_limit(project: Project, board: Board, receiver: Receiver) -> None:
    postings = fixture_json("lever/postings.json")
    board.set_json("/v0/postings/orbit?mode=json&skip=0&limit=2", postings[:2])
    board.set_json("/v0/postings/orbit?mode=json&skip=2&limit=2", postings[2:])
    project.write_config([{"name": "orbit", "kind": "lever", "board": "orbit", "company": "Orbit",
                           "base_url": board.url, "page_size": 2}], channels={"hook": receiver.apprise_url})
    result = project.run("crawl")
    assert result.exit_code == 0, result.output
    assert "orbit: complete, 3 postings, 2 pages" in result.stdout
    rows = {p["title"]: p for p in project.json("postings")}
    assert set(rows) == {"Platform Engineer", "Support Engineer", "Senior Security Engineer"}
    platform = rows["Platform Engineer"]
    assert (platform["salary_min"], platform["salary_max"], platform["salary_currency"]) == (70000, 85000, "EUR")
    assert platform["salary_period"] == "year"
    assert platform["workplace"] == "hybrid"
    assert (platform["location"], platform["country"]) == ("Berlin", "DE")  # Lever's own country field
    assert platform["employment_type"] == "full_time"
    assert platform["posted_at"].startswith("2025-11-19")
    assert "3+ years with Go" in platform["description"]
    assert "lever-source" not in platform["apply_url"]
    security = rows["Senior Security Engineer"]
    assert (security["salary_min"], security["salary_currency"], security["salary_source"]) == (75000, "GBP", "header")
    assert rows["Support Engineer"]["workplace"] == "remote"
    assert rows["Support Engineer"]["employment_type"] == "part_time"


def test_postings_formats(project: Project, board: Board, receiver: Receiver, monkeypatch) -> None:
    monkeypatch.setenv("COLUMNS", "200")
    greenhouse_project(project, board, receiver)
    project.run("crawl")
    jsonl = project.run("postings", "--format", "jsonl").stdout.strip().splitlines()
    assert len(jsonl) == 3 and json.loads(jsonl[0])["source"] == "pinboard"
    rows = list(csv.DictReader(io.StringIO(project.run("postings", "--format", "csv").stdout)))
    assert len(rows) == 3 and {r["external_id"] for r in rows} == {"7001001", "7001002", "7001003"}
    assert "Pinner-facing features" in next(r for r in rows if r["external_id"] == "7001001")["description"]
    table = project.run("postings", "--status", "active").stdout
    assert "Data Analyst" in table and "178,000–258,000 USD /year" in table
    found = project.json("postings", "--search", "pinner")
    assert [p["external_id"] for p in found] == ["7001001"]
