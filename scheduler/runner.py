"""Runners start a crawl of one source and hand back its items and stats.

`LocalRunner` runs each crawl as a child process (`python -m crawler.run`), as Scrapyd
does: the daemon keeps no Twisted reactor, a hung crawl is really stopped (SIGTERM,
grace, SIGKILL of the process group) and a crash costs one run, not the daemon.
"""
from __future__ import annotations

import ctypes
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol


@dataclass
class CrawlResult:
    items: list[dict[str, Any]] = field(default_factory=list)
    stats: dict[str, Any] = field(default_factory=dict)
    crashed: str | None = None  # why the crawl did not finish, if it did not
    seconds: float = 0.0


class Runner(Protocol):
    def crawl(self, source: dict[str, Any], settings: dict[str, Any], timeout: float,
              stop: threading.Event | None = None) -> CrawlResult: ...


class LocalRunner:
    def __init__(self, grace: float = 10.0, poll: float = 0.1) -> None:
        self.grace = grace
        self.poll = poll

    def crawl(self, source: dict[str, Any], settings: dict[str, Any], timeout: float,
              stop: threading.Event | None = None) -> CrawlResult:
        started = time.monotonic()
        with tempfile.TemporaryDirectory(prefix=f"hirewatch-{source['name']}-") as tmp:
            work = Path(tmp)
            job = {"source": source, "settings": settings,
                   "items_path": str(work / "items.jsonl"), "stats_path": str(work / "stats.json")}
            (work / "job.json").write_text(json.dumps(job, default=str))
            with open(work / "crawl.log", "wb") as log:
                proc = subprocess.Popen([sys.executable, "-m", "crawler.run", str(work / "job.json")],
                                        stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                        start_new_session=True, preexec_fn=die_with_parent)
                crashed = self._wait(proc, started + timeout, stop)
            result = CrawlResult(items=_read_items(work / "items.jsonl"), crashed=crashed)
            stats_file = work / "stats.json"
            if stats_file.exists():
                result.stats = json.loads(stats_file.read_text())
            elif not crashed:
                result.crashed = "the crawler wrote no stats"
            if result.crashed and proc.returncode not in (None, 0):
                tail = (work / "crawl.log").read_text(errors="replace").strip().splitlines()[-3:]
                result.crashed += ": " + " | ".join(tail) if tail else ""
            result.seconds = time.monotonic() - started
            return result

    def _wait(self, proc: subprocess.Popen, deadline: float, stop: threading.Event | None) -> str | None:
        """Wait for the child; stop it on timeout or shutdown. Returns why it was stopped, if it was."""
        stop_deadline: float | None = None
        while True:
            try:
                code = proc.wait(timeout=self.poll)
                return None if code == 0 else f"the crawler exited with code {code}"
            except subprocess.TimeoutExpired:
                pass
            now = time.monotonic()
            if now >= deadline:
                self._kill(proc)
                return "timed out"
            if stop is not None and stop.is_set():
                # Shutdown: let the crawl finish within the grace period, then abort it.
                stop_deadline = stop_deadline or now + self.grace
                if now >= stop_deadline:
                    self._kill(proc)
                    return "aborted at shutdown"

    def _kill(self, proc: subprocess.Popen) -> None:
        for sig, wait in ((signal.SIGTERM, self.grace), (signal.SIGKILL, 5.0)):
            try:
                os.killpg(proc.pid, sig)
            except ProcessLookupError:
                return
            try:
                proc.wait(timeout=wait)
                return
            except subprocess.TimeoutExpired:
                continue


def die_with_parent() -> None:
    """`preexec_fn` for a child process: it gets SIGKILL when its parent dies, even by SIGKILL (Linux only)."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def _read_items(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    items = []
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            items.append(json.loads(line))
        except ValueError:  # the last line of a killed crawl may be cut short
            continue
    return items
