"""Detector rules on a real SQLite file, driven through `Store.record_run` as a crawl would."""
from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from crawler.posting import Posting
from snapshots.completeness import COMPLETE, FAILED, PARTIAL, Outcome
from snapshots.detect import Rules
from snapshots.store import Store

T0 = datetime(2026, 11, 1, 12, tzinfo=timezone.utc)
OK = Outcome(COMPLETE, "finished cleanly", 1, 0)
BROKEN = Outcome(PARTIAL, "1 listing page(s) failed", 1, 1)
DEAD = Outcome(FAILED, "no listing page could be read", 0, 1)


def posting(ext: str, source: str = "a", **fields) -> Posting:
    values = {"title": f"Engineer {ext}", "company": "Acme", "description": f"Build things, part {ext}.",
              "posted_at": (T0 - timedelta(days=1)).isoformat()}
    values.update(fields)
    return Posting(source=source, external_id=ext, **values)


class Harness:
    def __init__(self, path: Path, rules: Rules = Rules()) -> None:
        self.store = Store(path)
        self.rules = rules
        self.now = T0

    def run(self, source: str, postings: list[Posting], outcome: Outcome = OK, step: timedelta = timedelta(hours=1)):
        self.now += step
        run_id = self.store.start_run(source, self.now)
        with self.store.atomic():
            detection = self.store.record_run(run_id, source, [Posting(**p.to_dict()) for p in postings],
                                              outcome, {}, self.rules, self.now)
        return self.store.events(detection.events)

    def kinds(self, events) -> list[str]:
        return [e["kind"] for e in events]

    def status(self, source: str, ext: str) -> str:
        return next(self.store.db.query("SELECT status FROM postings WHERE source = ? AND external_id = ?",
                                        [source, ext]))["status"]


@pytest.fixture
def h(tmp_path: Path) -> Harness:
    return Harness(tmp_path / "h.db")


def test_baseline_then_new_updated_closed_reopened(h: Harness) -> None:
    board = [posting("1"), posting("2"), posting("3")]
    first = h.run("a", board)
    assert h.kinds(first) == ["new"] * 3 and all(e["baseline"] == 1 for e in first)
    assert h.run("a", board) == []
    board[0] = posting("1", salary_min=100000.0, salary_max=120000.0, salary_currency="USD")
    updated = h.run("a", board)
    assert h.kinds(updated) == ["updated"] and updated[0]["baseline"] == 0
    assert json.loads(updated[0]["changes"]) == {"salary_min": [None, 100000.0], "salary_max": [None, 120000.0],
                                                 "salary_currency": [None, "USD"]}
    assert h.run("a", board[:2]) == []
    closed = h.run("a", board[:2])
    assert h.kinds(closed) == ["closed"] and h.status("a", "3") == "closed"
    assert h.run("a", board[:2]) == []  # closed once
    assert h.kinds(h.run("a", board)) == ["reopened"]
    assert h.status("a", "3") == "active"


def test_bad_runs_close_nothing_and_raise_health_once(h: Harness) -> None:
    board = [posting(str(i)) for i in range(6)]
    h.run("a", board)
    for outcome in (BROKEN, DEAD, BROKEN):
        events = h.run("a", board[:1] if outcome is BROKEN else [], outcome)
        assert "closed" not in h.kinds(events)
    health = list(h.store.db.query("SELECT note FROM events WHERE kind = 'source_health'"))
    assert len(health) == 1 and "partial" in health[0]["note"]
    assert {r["status"] for r in h.store.db.query("SELECT status FROM postings")} == {"active"}
    assert h.kinds(h.run("a", board)) == ["source_health"]  # the recovery
    # Misses counted before the bad runs do not carry over: a complete run is the only evidence.
    assert h.run("a", board[:5]) == []


def test_description_diff_and_volatile_text(h: Harness) -> None:
    text = "About us\nWe build rockets.\nRequirements\n5+ years of Go\n143 applicants\nPosted 3 days ago"
    h.run("a", [posting("1", description=text)])
    same = text.replace("143 applicants", "150 applicants").replace("3 days ago", "4 days ago")
    assert h.run("a", [posting("1", description="  " + same.replace("\n", "\n  "))]) == []
    changed = h.run("a", [posting("1", description=same.replace("5+ years", "7+ years"))])
    assert h.kinds(changed) == ["updated"]
    old, new = json.loads(changed[0]["changes"])["description"]
    assert "5+ years of Go" in old and "7+ years of Go" in new
    assert "-5+ years of Go" in changed[0]["note"] and "+7+ years of Go" in changed[0]["note"]


def test_ignore_fields(tmp_path: Path) -> None:
    h = Harness(tmp_path / "i.db", Rules(ignore_fields=("description",)))
    h.run("a", [posting("1")])
    assert h.run("a", [posting("1", description="Totally new text")]) == []
    assert h.kinds(h.run("a", [posting("1", description="x", title="Principal Engineer")])) == ["updated"]


def test_stale_once_and_fresh_again(tmp_path: Path) -> None:
    h = Harness(tmp_path / "s.db", Rules(stale_after=timedelta(days=30)))
    old = (T0 - timedelta(days=40)).isoformat()
    board = [posting("1", posted_at=old), posting("2")]
    first = h.run("a", board)
    assert sorted(h.kinds(first)) == ["new", "new", "stale"]
    assert h.status("a", "1") == "stale"
    assert h.run("a", board) == []  # stale once
    live = (h.now + timedelta(hours=1) - timedelta(hours=24)).isoformat()
    revived = h.run("a", [posting("1", posted_at=old, liveness_confirmed_at=live), board[1]])
    assert h.kinds(revived) == ["updated"]
    assert json.loads(revived[0]["changes"]) == {"status": ["stale", "active"]}
    assert h.status("a", "1") == "active"
    expired = (h.now - timedelta(days=1)).isoformat()
    assert h.kinds(h.run("a", [posting("1", posted_at=old, liveness_confirmed_at=live), posting("2", valid_through=expired)]))[-1] == "stale"


def test_closed_page_hint_needs_a_complete_run(h: Harness) -> None:
    h.run("a", [posting("1"), posting("2")])
    gone = Posting(source="a", external_id="2", title="", closed_hint=True)
    assert "closed" not in h.kinds(h.run("a", [posting("1"), gone], BROKEN))
    events = h.run("a", [posting("1"), gone])
    assert h.kinds(events) == ["closed", "source_health"]  # closed, and the source recovered
    assert "no longer accepts" in events[0]["note"]
    title = next(h.store.db.query("SELECT title FROM postings WHERE external_id = '2'"))["title"]
    assert title == "Engineer 2"  # the hint carries no content and overwrites none


SEED_A = ("About Pinterest:\nMillions of people around the world come to our platform to find creative ideas.\n"
          "What you’ll do:\n• Partner with design, product, and backend teams to build end-to-end functionality\n"
          "• Put on your Pinner hat to suggest new product ideas and features\n"
          "• Employ automated testing to build features with a high degree of technical quality\n"
          "What we’re looking for:\n• 5+ years of industry backend development experience\n"
          "• Proficiency in common backend tech stacks for RESTful API, online service, storage, caching\n"
          "• Strong collaboration and communication skills")
SEED_B = ("We are looking for inquisitive, well-rounded Backend engineers.\nWhat we’re looking for:\n"
          "• 4+ years of industry backend development experience\n"
          "• Proficiency in common backend tech stacks for RESTful API, online service, storage, caching\n"
          "• Strong collaboration and communication skills\nAbout Pinterest:\nOur new progressive work model is PinFlex.\n"
          "What you’ll do:\n• Partner with design, product, and engineering teams to build end-to-end functionality\n"
          "• Put on your Pinner hat to suggest new product ideas and features\n"
          "• Employ automated testing to build features with a high degree of technical quality\n"
          "This position is not eligible for relocation assistance.")


def test_cross_board_possible_match_is_linked_not_hidden(h: Harness) -> None:
    h.run("a", [posting("x")])
    h.run("b", [posting("y", source="b")])
    a = posting("1", title="Senior Software Engineer, Backend", company="Pinterest", location="Toronto, ON, CA",
                country="CA", workplace="hybrid", description=SEED_A)
    b = posting("9", source="b", title="Senior Software Engineer, Backend", company="Pinterest Inc.",
                location="United States", country="US", workplace="remote", description=SEED_B,
                salary_min=178000.0, salary_max=258000.0, salary_currency="USD", salary_period="year")
    assert h.kinds(h.run("a", [posting("x"), a])) == ["new"]
    second = h.run("b", [posting("y", source="b"), b])
    assert h.kinds(second) == ["new"]
    assert second[0]["note"].startswith("possibly the same job as #")
    assert "different opening?" in second[0]["note"]
    rows = list(h.store.db.query("SELECT p.job_id, l.strength, l.evidence FROM postings p JOIN job_links l "
                                 "ON l.posting_id = p.id WHERE p.company_key = 'pinterest' ORDER BY p.id"))
    assert rows[0]["job_id"] == rows[1]["job_id"]
    assert rows[1]["strength"] == "possible"
    evidence = json.loads(rows[1]["evidence"])
    assert evidence["shared_lines"] >= 4 and evidence["location_conflict"] == ["Toronto, ON, CA", "United States"]


def test_exact_and_strong_matches_are_also_posted(h: Harness) -> None:
    h.run("a", [posting("x")])
    h.run("b", [posting("y", source="b")])
    h.run("c", [posting("z", source="c")])
    original = posting("1", title="Data Engineer", requisition_id="REQ-7", description=SEED_A)
    assert h.kinds(h.run("a", [posting("x"), original])) == ["new"]
    same_req = posting("2", source="b", title="Data Engineer II", requisition_id="REQ-7", description="short")
    exact = h.run("b", [posting("y", source="b"), same_req])
    assert h.kinds(exact) == ["also_posted"] and "exact match" in exact[0]["note"]
    copy = posting("3", source="c", title="Data Engineer", description=SEED_A + " Apply now.")
    strong = h.run("c", [posting("z", source="c"), copy])
    assert h.kinds(strong) == ["also_posted"] and "strong match" in strong[0]["note"]
    jobs = {r["job_id"] for r in h.store.db.query("SELECT job_id FROM postings WHERE title LIKE 'Data Engineer%'")}
    assert len(jobs) == 1


def test_disjoint_salary_or_other_company_never_links(h: Harness) -> None:
    h.run("a", [posting("x")])
    h.run("b", [posting("y", source="b")])
    pay = {"salary_currency": "USD", "salary_period": "year"}
    h.run("a", [posting("x"), posting("1", title="SRE", description=SEED_A, salary_min=90000.0, salary_max=110000.0, **pay)])
    other = h.run("b", [posting("y", source="b"), posting("2", source="b", title="SRE", description=SEED_A,
                                                         salary_min=200000.0, salary_max=250000.0, **pay),
                        posting("3", source="b", title="SRE", company="Globex", description=SEED_A)])
    assert h.kinds(other) == ["new", "new"] and all(e["note"] is None for e in other)


def test_repost_links_to_the_closed_posting(h: Harness) -> None:
    board = [posting("1", title="Staff Engineer"), posting("2")]
    h.run("a", board)
    h.run("a", board[1:])
    h.run("a", board[1:])
    assert h.status("a", "1") == "closed"
    events = h.run("a", [board[1], posting("77", title="Staff Engineer")])
    assert h.kinds(events) == ["new"] and events[0]["note"].startswith("reposted")
    jobs = {r["job_id"] for r in h.store.db.query("SELECT job_id FROM postings WHERE title = 'Staff Engineer'")}
    assert len(jobs) == 1


def test_two_open_postings_of_one_title_on_one_board_stay_apart(h: Harness) -> None:
    h.run("a", [posting("1", title="Nurse", location="Boston"), posting("2", title="Nurse", location="Denver")])
    jobs = {r["job_id"] for r in h.store.db.query("SELECT job_id FROM postings")}
    assert len(jobs) == 2


def test_a_killed_run_leaves_the_database_as_it_was(tmp_path: Path) -> None:
    h = Harness(tmp_path / "k.db")
    h.run("a", [posting("1"), posting("2")])
    before = {t: h.store.db[t].count for t in ("postings", "posting_versions", "events", "jobs", "job_links")}
    script = textwrap.dedent(f"""
        import os, signal
        from datetime import datetime, timezone
        from crawler.posting import Posting
        from snapshots.completeness import Outcome
        from snapshots.detect import Rules
        from snapshots.store import Store
        store = Store({str(tmp_path / 'k.db')!r})
        run_id = store.start_run("a")
        store.db.conn.execute("BEGIN IMMEDIATE")
        store.record_run(run_id, "a", [Posting(source="a", external_id=str(i), title="T" + str(i)) for i in range(500)],
                         Outcome("complete", "", 1, 0), {{}}, Rules(), datetime.now(timezone.utc))
        os.kill(os.getpid(), signal.SIGKILL)
    """)
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert proc.returncode == -9, proc.stderr
    after = Store(tmp_path / "k.db")
    assert {t: after.db[t].count for t in before} == before
    assert after.fail_stale_runs() == 1  # the interrupted run is recorded as failed on restart
