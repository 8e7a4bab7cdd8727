"""The benchmarks at a toy size, so their code cannot rot: every benchmark runs end to end on
127.0.0.1 (urlwatch is left out: installing it needs PyPI), and the data they build is checked."""
from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

from benchmarks.__main__ import main
from benchmarks.data import revision_of, run_of
from benchmarks.ingest import T0, detect_run, fill
from benchmarks.measure import Row, table
from snapshots.store import Store


def test_every_benchmark_runs_at_toy_size(tmp_path: Path, capsys) -> None:
    main(["--size", "toy", "--no-urlwatch", "--work", str(tmp_path)])
    out = capsys.readouterr().out
    rows = [Row(**r) for r in json.loads((tmp_path / "results.json").read_text())]
    metrics = " | ".join(r.metric for r in rows)
    for expected in ("crawl html", "crawl api", "ingest+detect", "peak RSS", "detect µs/posting", "daemon RSS",
                     "one check", "reported exactly", "DB bytes per posting-version"):
        assert expected in metrics
    assert table(rows) in out
    exact = next(r for r in rows if r.metric.startswith("reported exactly"))
    assert exact.ok is True and "salary_min" in exact.hirewatch and "description" in exact.hirewatch
    daemon = next(r for r in rows if r.metric.startswith("daemon RSS"))
    assert float(daemon.hirewatch) > 20  # a real RSS in MB, read from /proc


def test_a_filled_source_is_what_the_detector_would_have_stored(tmp_path: Path) -> None:
    store = Store(tmp_path / "fill.db")
    fill(store, "a", run_of("a", 500, 0.02, 0), T0)
    _, unchanged = detect_run(store, "a", run_of("a", 500, 0.02, 0), T0 + timedelta(hours=1))
    assert unchanged == {}
    _, changed = detect_run(store, "a", run_of("a", 500, 0.02, 1), T0 + timedelta(hours=2))
    assert changed == {"updated": 10}


def test_each_run_changes_a_fresh_two_percent_and_changes_stay() -> None:
    size = 100
    for run in range(1, 60):
        before = [revision_of(i, run - 1, size, 0.02) for i in range(size)]
        after = [revision_of(i, run, size, 0.02) for i in range(size)]
        assert sum(a != b for a, b in zip(before, after)) == 2
