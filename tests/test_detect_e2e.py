"""Detector rules end to end through `hirewatch crawl` against fixture boards on 127.0.0.1."""
from __future__ import annotations

import copy
import html
from datetime import datetime, timedelta, timezone

from tests.conftest import Board, Project, Receiver, fixture_json
from tests.test_detect import SEED_A, SEED_B


def lever_posting(n: int, **extra) -> dict:
    base = {"id": f"00000000-0000-4000-8000-{n:012d}", "text": f"Engineer {n}",
            "categories": {"location": "Berlin", "commitment": "Full-time"}, "workplaceType": "hybrid",
            "createdAt": int(datetime.now(timezone.utc).timestamp() * 1000) - 86_400_000,
            "description": f"<p>Role number {n}.</p>", "lists": [], "additional": "",
            "hostedUrl": f"https://jobs.lever.co/orbit/{n}", "applyUrl": f"https://jobs.lever.co/orbit/{n}/apply"}
    base.update(extra)
    return base


def serve_lever(board: Board, company: str, postings: list[dict], page_size: int) -> None:
    for skip in range(0, len(postings) + 1, page_size):
        board.set_json(f"/v0/postings/{company}?mode=json&skip={skip}&limit={page_size}", postings[skip:skip + page_size])


def lever_source(board: Board, name: str, page_size: int = 100, **extra) -> dict:
    return {"name": name, "kind": "lever", "board": name, "company": extra.pop("company", name.title()),
            "base_url": board.url, "page_size": page_size, **extra}


def as_html(text: str) -> str:
    parts = []
    for line in text.splitlines():
        parts.append(f"<li>{html.escape(line[2:])}</li>" if line.startswith("• ") else f"<p>{html.escape(line)}</p>")
    return "".join(parts)


def test_error_on_page_2_of_3_closes_nothing(project: Project, board: Board, receiver: Receiver) -> None:
    postings = [lever_posting(n) for n in range(6)]
    serve_lever(board, "orbit", postings, 2)
    project.write_config([lever_source(board, "orbit", 2)], channels={"hook": receiver.apprise_url})
    assert project.run("crawl").exit_code == 0
    board.set_status("/v0/postings/orbit?mode=json&skip=2&limit=2", 500)
    for _ in range(3):
        result = project.run("crawl")
        assert result.exit_code == 1
        assert "orbit: partial" in result.stdout and "listing page(s) failed" in result.stdout
    assert project.json("events", "--kind", "closed") == []
    assert {p["status"] for p in project.json("postings")} == {"active"}
    assert [m["title"] for m in receiver.messages()] == ["hirewatch: source_health"]


def test_a_board_that_suddenly_shrinks_closes_nothing(project: Project, board: Board, receiver: Receiver) -> None:
    postings = [lever_posting(n) for n in range(200)]
    serve_lever(board, "orbit", postings, 100)
    project.write_config([lever_source(board, "orbit")], channels={"hook": receiver.apprise_url})
    assert project.run("crawl").exit_code == 0
    board.routes.clear()
    serve_lever(board, "orbit", postings[:10], 100)
    for _ in range(2):
        result = project.run("crawl")
        assert result.exit_code == 1 and "item count fell from 200 to 10" in result.stdout
    assert project.json("postings", "--status", "closed") == []
    health = [m for m in receiver.messages() if "source_health" in m["title"]]
    assert len(health) == 1 and "item count fell" in health[0]["message"]
    assert len(receiver.messages()) == 1


def test_the_seed_job_on_two_boards_is_one_job_both_alerted(project: Project, board: Board,
                                                            receiver: Receiver) -> None:
    gh = fixture_json("greenhouse/board.json")
    gh["jobs"] = gh["jobs"][1:2]
    board.set_json("/v1/boards/pinterest/jobs", gh)
    serve_lever(board, "pinterest-careers", [lever_posting(1)], 100)
    project.write_config([
        {"name": "board-a", "kind": "greenhouse", "board": "pinterest", "base_url": board.url},
        lever_source(board, "pinterest-careers", company="Pinterest"),
    ], channels={"hook": receiver.apprise_url})
    assert project.run("crawl").exit_code == 0  # both baselines, silent
    assert receiver.messages() == []

    seed_a = copy.deepcopy(gh["jobs"][0])
    seed_a.update(id=7009001, title="Sr. Software Engineer, Backend", company_name="Pinterest", requisition_id=None,
                  internal_job_id=None, location={"name": "Toronto, ON, CA"},
                  metadata=[{"id": 1, "name": "Location Type", "value_type": "single_select", "value": "Hybrid"}],
                  content=html.escape(as_html(SEED_A)), absolute_url="https://boards.example/jobs/7009001")
    board.set_json("/v1/boards/pinterest/jobs", {"jobs": gh["jobs"] + [seed_a], "meta": {"total": 2}})
    assert project.run("crawl", "--source", "board-a").exit_code == 0
    seed_b = lever_posting(2, text="Senior Software Engineer, Backend", workplaceType="remote",
                           categories={"location": "Remote - US", "commitment": "Full-time", "level": "Senior"},
                           description=as_html(SEED_B),
                           salaryRange={"min": 178000, "max": 258000, "currency": "USD", "interval": "per-year-salary"})
    serve_lever(board, "pinterest-careers", [lever_posting(1), seed_b], 100)
    assert project.run("crawl", "--source", "pinterest-careers").exit_code == 0

    messages = receiver.messages()
    assert len(messages) == 2 and all("hirewatch: new" in m["title"] for m in messages)
    assert "possibly the same job as #" in messages[1]["message"]
    new = project.json("events", "--kind", "new", "--since", "1h")
    annotated = [e for e in new if e["note"]]
    assert len(annotated) == 1 and annotated[0]["source"] == "pinterest-careers"
    rows = [p for p in project.json("postings") if "Software Engineer" in p["title"]]
    assert len(rows) == 2 and len({p["job_id"] for p in rows}) == 1
    assert {p["title"] for p in rows} == {"Senior Software Engineer, Backend"}
    assert {p["workplace"] for p in rows} == {"hybrid", "remote"}


def test_an_exact_duplicate_is_new_once_then_also_posted(project: Project, board: Board,
                                                         receiver: Receiver) -> None:
    gh = fixture_json("greenhouse/board.json")
    board.set_json("/v1/boards/one/jobs", {"jobs": gh["jobs"][1:2], "meta": {"total": 1}})
    board.set_json("/v1/boards/two/jobs", {"jobs": gh["jobs"][2:3], "meta": {"total": 1}})
    project.write_config([
        {"name": "one", "kind": "greenhouse", "board": "one", "base_url": board.url},
        {"name": "two", "kind": "greenhouse", "board": "two", "base_url": board.url},
    ], channels={"hook": receiver.apprise_url})
    assert project.run("crawl").exit_code == 0
    job = gh["jobs"][0]
    board.set_json("/v1/boards/one/jobs", {"jobs": gh["jobs"][1:2] + [job], "meta": {"total": 2}})
    assert project.run("crawl", "--source", "one").exit_code == 0
    mirrored = copy.deepcopy(job)
    mirrored.update(id=8800001, absolute_url="https://boards.example/two/8800001")
    board.set_json("/v1/boards/two/jobs", {"jobs": gh["jobs"][2:3] + [mirrored], "meta": {"total": 2}})
    assert project.run("crawl", "--source", "two").exit_code == 0
    kinds = [(e["source"], e["kind"]) for e in project.json("events") if e["title"] == job["title"]]
    assert kinds == [("one", "new"), ("two", "also_posted")]


def test_stale_then_fresh_again(project: Project, board: Board, receiver: Receiver) -> None:
    gh = fixture_json("greenhouse/board.json")
    old = (datetime.now(timezone.utc) - timedelta(days=45)).isoformat()
    gh["jobs"][1]["first_published"] = old
    board.set_json("/v1/boards/pinboard/jobs", gh)
    project.write_config([{"name": "pinboard", "kind": "greenhouse", "board": "pinboard", "base_url": board.url}],
                         channels={"hook": receiver.apprise_url}, detection={"stale_after": "30d"})
    assert project.run("crawl").exit_code == 0
    stale = project.json("events", "--kind", "stale")
    assert [e["title"] for e in stale] == ["Data Analyst"] and stale[0]["baseline"] == 1
    assert [p["title"] for p in project.json("postings", "--status", "stale")] == ["Data Analyst"]
    gh["jobs"][1]["first_published"] = datetime.now(timezone.utc).isoformat()
    board.set_json("/v1/boards/pinboard/jobs", gh)
    assert project.run("crawl").exit_code == 0
    revived = project.json("events", "--kind", "updated")
    assert revived[0]["changes"] == {"status": ["stale", "active"]}
    assert "fresh again" in revived[0]["note"]
    assert [m["title"] for m in receiver.messages()] == ["hirewatch: updated — Data Analyst"]
