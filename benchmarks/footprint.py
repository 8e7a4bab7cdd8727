"""Daemon footprint: RSS of `hirewatch run`'s own process (crawl children are separate processes
and not counted) when its scheduler is up, and after N finished runs of fast-scheduled sources."""
from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from benchmarks.crawl import api_source, write_config
from benchmarks.measure import ROOT, rss_mb


def _finished_runs(db: Path) -> int:
    if not db.exists():
        return 0
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5) as conn:
            return conn.execute("SELECT count(*) FROM runs WHERE status != 'running'").fetchone()[0]
    except sqlite3.OperationalError:  # the schema is not there yet
        return 0


def daemon_rss(work: Path, board: str, checkpoints: list[int], sources: int = 4,
               limit: float = 900.0) -> dict[str, Any]:
    """RSS (MB) of the daemon when its first run finishes ("idle") and once each checkpoint of runs is reached."""
    work = work.resolve()
    work.mkdir(parents=True, exist_ok=True)
    srcs = [{**api_source(f"s{n}", board, 20), "schedule": {"every": "1s"}} for n in range(sources)]
    config = write_config(work, "daemon", srcs, daemon={"workers": sources})
    db = work / "daemon.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    log = (work / "daemon.log").open("w")
    proc = subprocess.Popen([sys.executable, "-m", "hirewatch", "--config", str(config), "run"], cwd=ROOT,
                            stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    rss: dict[str, float] = {}
    deadline = time.monotonic() + limit
    try:
        todo = ["idle", *checkpoints]
        while todo:
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the daemon stopped or stalled; see {work / 'daemon.log'}")
            runs = _finished_runs(db)
            want = 1 if todo[0] == "idle" else todo[0]
            if runs >= want:
                rss[str(todo.pop(0))] = rss_mb(proc.pid)
            time.sleep(0.2)
        return {"rss": rss, "runs": _finished_runs(db)}
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(60)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()
