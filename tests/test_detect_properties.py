"""Invariants of the detector over random sequences of board states and crawl failures (hypothesis)."""
from __future__ import annotations

import json
import tempfile
from datetime import timedelta
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from crawler.posting import Posting
from snapshots.completeness import COMPLETE, FAILED, PARTIAL, Outcome
from snapshots.detect import Rules
from tests.test_detect import T0

OUTCOMES = {COMPLETE: Outcome(COMPLETE, "ok", 1, 0), PARTIAL: Outcome(PARTIAL, "page 2 failed", 1, 1),
            FAILED: Outcome(FAILED, "down", 0, 1)}
STATUS_AFTER = {"new": "active", "also_posted": "active", "reopened": "active", "closed": "closed", "stale": "stale"}


def make(ext: int, variant: int) -> Posting:
    return Posting(source="board", external_id=str(ext), title=f"Role {ext}", company="Acme",
                   description=f"Duties of role {ext}, revision {variant}.",
                   salary_min=100000.0 + 1000 * variant, salary_currency="USD", salary_period="year",
                   posted_at=(T0 - timedelta(days=ext * 9)).isoformat())


boards = st.dictionaries(st.integers(0, 6), st.integers(0, 2), max_size=7)
runs = st.lists(st.tuples(boards, st.sampled_from(sorted(OUTCOMES))), min_size=1, max_size=12)


class Run:
    def __init__(self, path: Path) -> None:
        from snapshots.store import Store
        self.store = Store(path)
        self.now = T0
        self.rules = Rules(closed_after_missed_runs=2, stale_after=timedelta(days=30))

    def apply(self, board: dict[int, int], outcome: str, run_id: int | None = None) -> tuple[int, list[str]]:
        self.now += timedelta(hours=6)
        run_id = run_id or self.store.start_run("board", self.now)
        items = [make(ext, v) for ext, v in sorted(board.items())] if outcome != FAILED else []
        with self.store.atomic():
            detection = self.store.record_run(run_id, "board", items, OUTCOMES[outcome], {}, self.rules, self.now)
        return run_id, [e["kind"] for e in self.store.events(detection.events)]


@settings(max_examples=80, deadline=None)
@given(runs)
def test_detector_invariants(sequence: list[tuple[dict[int, int], str]]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        run = Run(Path(tmp) / "p.db")
        for board, outcome in sequence:
            run_id, kinds = run.apply(board, outcome)
            if outcome != COMPLETE:
                assert "closed" not in kinds, "a partial or failed run closed a posting"
            # Replaying a run adds nothing.
            assert run.apply(board, outcome, run_id)[1] == []

        # An unchanged board, once settled, produces no events.
        final = sequence[-1][0]
        for _ in range(run.rules.closed_after_missed_runs + 1):
            run.apply(final, COMPLETE)
        kinds = run.apply(final, COMPLETE)[1]
        assert kinds == [], f"events from an unchanged board: {kinds}"

        # Every posting's status agrees with its last status-changing event.
        expected: dict[int, str] = {}
        for e in run.store.db.query("SELECT kind, posting_id, changes FROM events WHERE posting_id IS NOT NULL ORDER BY id"):
            if e["kind"] in STATUS_AFTER:
                expected[e["posting_id"]] = STATUS_AFTER[e["kind"]]
            elif e["kind"] == "updated" and "status" in json.loads(e["changes"] or "{}"):
                expected[e["posting_id"]] = json.loads(e["changes"])["status"][1]
        actual = {r["id"]: r["status"] for r in run.store.db.query("SELECT id, status FROM postings")}
        assert actual == expected
        # Every listed posting is active or stale; absent ones are closed once settled.
        for ext in range(7):
            row = list(run.store.db.query("SELECT status FROM postings WHERE external_id = ?", [str(ext)]))
            if ext in final:
                assert row and row[0]["status"] in ("active", "stale")
            elif row:
                assert row[0]["status"] == "closed"
