"""`hirewatch run` as a real subprocess: schedules, timeouts, shutdown, crashes, lock, health."""
from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from scheduler.daemon import ScheduledSource
from scheduler.crawl import SourceJob
from snapshots.store import Store
from tests.conftest import Board, Project, Receiver, fixture_json, wait_for

GH = "/v1/boards/{}/jobs"


class Daemon:
    def __init__(self, project: Project, *args: str) -> None:
        self.project = project
        self.log = open(project.root / f"daemon-{time.monotonic_ns()}.log", "w+")
        self.proc = subprocess.Popen([sys.executable, "-m", "hirewatch", "--config", str(project.config_path),
                                      "run", *args], stdout=self.log, stderr=subprocess.STDOUT)

    def output(self) -> str:
        self.log.flush()
        return Path(self.log.name).read_text()

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 30) -> int:
        self.proc.send_signal(sig)
        return self.proc.wait(timeout)

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        self.log.close()


@pytest.fixture
def daemons():
    started: list[Daemon] = []

    def start(project: Project, *args: str) -> Daemon:
        started.append(Daemon(project, *args))
        return started[-1]

    yield start
    for daemon in started:
        daemon.close()


def runs(project: Project, source: str | None = None, status: str | None = None) -> list[dict[str, Any]]:
    if not project.db_path.exists():
        return []
    store = Store(project.db_path)
    try:
        sql, params = "SELECT * FROM runs WHERE 1=1", []
        if source:
            sql, params = sql + " AND source = ?", params + [source]
        if status:
            sql, params = sql + " AND status = ?", params + [status]
        return list(store.db.query(sql + " ORDER BY id", params))
    finally:
        store.close()


def crawl_children(marker: str) -> list[int]:
    """Crawl processes (python -m crawler.run .../hirewatch-SOURCE-.../job.json) still alive."""
    found = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            state = Path(f"/proc/{pid}/stat").read_text().split(") ", 1)[1][0]
        except OSError:
            continue
        if "crawler.run" in cmdline and marker in cmdline and state != "Z":
            found.append(int(pid))
    return found


def gh_source(board: Board, name: str, every: str = "1s", **extra: Any) -> dict[str, Any]:
    return {"name": name, "kind": "greenhouse", "board": name, "base_url": board.url,
            "schedule": {"every": every}, **extra}


def with_new_job(payload: dict, job_id: int, title: str) -> dict:
    job = dict(payload["jobs"][1], id=job_id, title=title, requisition_id=None,
               absolute_url=f"https://boards.example/jobs/{job_id}")
    return {"jobs": payload["jobs"] + [job], "meta": {"total": len(payload["jobs"]) + 1}}


def test_sources_run_on_their_schedules_and_stop_cleanly(project: Project, board: Board, receiver: Receiver,
                                                         daemons) -> None:
    payload = fixture_json("greenhouse/board.json")
    board.set_json(GH.format("one"), payload)
    board.set_json(GH.format("two"), payload)
    project.write_config([gh_source(board, "one", "1s"), gh_source(board, "two", "2s")],
                         channels={"hook": receiver.apprise_url}, daemon={"deliver_every": "1s", "grace": "1s"})
    daemon = daemons(project)
    wait_for(lambda: len(runs(project, "one", "complete")) >= 2 and len(runs(project, "two", "complete")) >= 1,
             60, "both sources to run repeatedly")
    board.set_json(GH.format("two"), with_new_job(payload, 7100001, "Principal Engineer"))
    message = wait_for(lambda: [m for m in receiver.messages() if "Principal Engineer" in m["message"]], 30,
                       "the new posting's alert")
    assert "new" in message[0]["title"]
    assert daemon.stop() == 0
    assert runs(project, status="running") == []
    assert "daemon stopped" in daemon.output()
    assert len([m for m in receiver.messages() if "Principal Engineer" in m["message"]]) == 1


def test_a_hanging_board_times_out_while_another_source_runs(project: Project, board: Board, daemons) -> None:
    board.set_json(GH.format("fast"), fixture_json("greenhouse/board.json"))
    board.routes[GH.format("slow")] = type(board.routes.get(GH.format("fast")))(status=0)  # hangs
    project.write_config([gh_source(board, "fast", "1s"), gh_source(board, "slow", "1s", timeout="8s")],
                         daemon={"grace": "1s"})
    daemon = daemons(project)
    failed = wait_for(lambda: runs(project, "slow", "failed"), 60, "the hanging source to time out")
    assert failed[0]["reason"].startswith("timed out")
    started, finished = (datetime.fromisoformat(failed[0][k]) for k in ("started_at", "finished_at"))
    during = [r for r in runs(project, "fast", "complete")
              if started <= datetime.fromisoformat(r["started_at"]) <= finished]
    assert len(during) >= 1  # the other source kept its schedule meanwhile
    assert daemon.stop() == 0


def test_sigterm_mid_run_aborts_after_grace_and_exits_0(project: Project, board: Board, daemons) -> None:
    board.set_json(GH.format("hang"), fixture_json("greenhouse/board.json"))
    project.write_config([gh_source(board, "hang", "1s")], daemon={"grace": "1s"})
    daemon = daemons(project)
    wait_for(lambda: runs(project, "hang", "complete"), 30, "a first complete run")
    board.routes[GH.format("hang")] = type(board.routes[GH.format("hang")])(status=0)
    wait_for(lambda: [r for r in runs(project, "hang") if r["status"] == "running"], 30, "a run in progress")
    time.sleep(1.0)  # the crawl is now waiting on the hung board
    assert daemon.stop() == 0
    last = runs(project, "hang")[-1]
    assert last["status"] == "failed" and last["reason"].startswith("aborted at shutdown")
    store = Store(project.db_path)
    assert next(store.db.query("PRAGMA integrity_check"))["integrity_check"] == "ok"
    assert store.db["postings"].count_where("status = 'closed'") == 0


def test_kill_9_then_restart_neither_loses_nor_doubles_an_alert(project: Project, board: Board,
                                                                receiver: Receiver, daemons) -> None:
    payload = fixture_json("greenhouse/board.json")
    board.set_json(GH.format("k"), payload)
    project.write_config([gh_source(board, "k", "1s")], channels={"hook": receiver.apprise_url},
                         daemon={"deliver_every": "1s", "grace": "1s"})
    daemon = daemons(project)
    wait_for(lambda: runs(project, "k", "complete"), 30, "the baseline run")
    board.set_json(GH.format("k"), with_new_job(payload, 7200001, "Staff Data Engineer"))
    before = len(runs(project, "k"))
    wait_for(lambda: len(runs(project, "k")) > before + 1, 30, "a run after the change")
    changed = board.routes[GH.format("k")]
    board.routes[GH.format("k")] = type(changed)(status=0)  # the next crawl hangs: it would outlive a dead parent
    wait_for(lambda: runs(project, "k", "running") and crawl_children("hirewatch-k-"), 30, "a hung crawl")
    time.sleep(0.5)
    daemon.stop(signal.SIGKILL)
    wait_for(lambda: not crawl_children("hirewatch-k-"), 5, "the orphaned crawl to die with the daemon")
    board.routes[GH.format("k")] = changed
    daemons(project)
    alerts = wait_for(lambda: [m for m in receiver.messages() if "Staff Data Engineer" in m["message"]], 40,
                      "the alert after restart")
    settled = len(runs(project, "k", "complete"))
    wait_for(lambda: len(runs(project, "k", "complete")) > settled, 30, "another run after the alert")
    alerts = [m for m in receiver.messages() if "Staff Data Engineer" in m["message"]]
    assert len(alerts) == 1
    assert all(r["status"] != "running" or r["id"] == runs(project, "k")[-1]["id"] for r in runs(project, "k"))


def test_a_second_daemon_on_the_same_database_refuses(project: Project, board: Board, daemons) -> None:
    board.set_json(GH.format("one"), fixture_json("greenhouse/board.json"))
    project.write_config([gh_source(board, "one", "5s")], daemon={"grace": "1s"})
    first = daemons(project)
    wait_for(lambda: runs(project, "one"), 30, "the first daemon to start")
    second = daemons(project)
    assert second.proc.wait(30) == 1
    assert "another hirewatch daemon" in second.output() and f"pid {first.proc.pid}" in second.output()
    assert first.proc.poll() is None
    assert first.stop() == 0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_health_metrics_and_json_logs(project: Project, board: Board, daemons) -> None:
    board.set_json(GH.format("one"), fixture_json("greenhouse/board.json"))
    port = free_port()
    project.write_config([gh_source(board, "one", "1s")], daemon={"health": {"port": port}, "grace": "1s"})
    daemon = daemons(project, "--log-format", "json")
    wait_for(lambda: runs(project, "one", "complete"), 30, "a complete run")
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as response:
        health = json.load(response)
    assert health["status"] == "ok" and health["sources"]["one"]["healthy"] is True
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as response:
        metrics = response.read().decode()
    assert 'hirewatch_runs{source="one",status="complete"}' in metrics
    assert 'hirewatch_postings{status="active"} 3.0' in metrics
    assert 'hirewatch_source_healthy{source="one"} 1.0' in metrics
    assert daemon.stop() == 0
    lines = [json.loads(line) for line in daemon.output().splitlines() if line.startswith("{")]
    run_lines = [line for line in lines if "run" in line]
    assert run_lines and run_lines[0]["run"]["source"] == "one" and run_lines[0]["run"]["postings"] == 3


def test_a_restart_after_hours_runs_an_overdue_source_once(project: Project, board: Board, daemons) -> None:
    board.set_json(GH.format("one"), fixture_json("greenhouse/board.json"))
    project.write_config([gh_source(board, "one", "1h")], daemon={"grace": "1s"})
    store = Store(project.db_path)
    run_id = store.start_run("one", datetime.now(timezone.utc) - timedelta(hours=3))
    store.db["runs"].update(run_id, {"status": "complete"})
    store.close()
    daemon = daemons(project)
    wait_for(lambda: runs(project, "one", "complete")[1:], 30, "the overdue run")
    time.sleep(3)
    assert len(runs(project, "one")) == 2  # once, not three times
    assert daemon.stop() == 0


def test_next_run_is_derived_from_the_last_run() -> None:
    source = ScheduledSource(SourceJob("s", "greenhouse", {}, {}, 60), every=3600)
    now = datetime(2026, 11, 25, 12, tzinfo=timezone.utc)
    assert source.next_run(None, now) == now
    assert source.next_run((now - timedelta(hours=3)).isoformat(), now) == now
    assert source.next_run((now - timedelta(minutes=20)).isoformat(), now) == now + timedelta(minutes=40)
    cron = ScheduledSource(SourceJob("s", "greenhouse", {}, {}, 60), cron="0 9 * * *")
    assert cron.next_run((now - timedelta(hours=1)).isoformat(), now) == now.replace(hour=9) + timedelta(days=1)


def test_status_shows_sources_and_outbox(project: Project, board: Board) -> None:
    board.set_json(GH.format("one"), fixture_json("greenhouse/board.json"))
    board.set_status(GH.format("two"), 500)
    project.write_config([gh_source(board, "one", "1h"), gh_source(board, "two", "1h")],
                         channels={"hook": "json://127.0.0.1:9/nowhere"})
    assert project.run("crawl").exit_code == 1
    result = project.run("status", "--format", "json")
    assert result.exit_code == 0, result.output
    found = json.loads(result.stdout)
    by_name = {s["source"]: s for s in found["sources"]}
    assert by_name["one"]["status"] == "complete" and by_name["one"]["items"] == 3
    assert by_name["two"]["status"] == "failed" and by_name["two"]["failures"] == 1
    assert by_name["one"]["next_run"] > datetime.now(timezone.utc).isoformat()
    assert found["outbox"]["pending"] == 1  # the source_health alert, waiting to retry
    table = project.run("status").stdout
    assert "outbox: 1 pending (1 waiting to retry)" in table


def test_digests_are_sent_on_their_own_schedule(project: Project, board: Board, receiver: Receiver,
                                                daemons) -> None:
    payload = fixture_json("greenhouse/board.json")
    board.set_json(GH.format("one"), payload)
    project.write_config([gh_source(board, "one", "1s")], channels={"hook": receiver.apprise_url},
                         notify={"subscriptions": [{"name": "roundup", "channels": ["hook"], "events": ["new"],
                                                    "mode": "digest", "digest": {"every": "3s"}}]},
                         daemon={"grace": "1s", "deliver_every": "1s"})
    daemon = daemons(project)
    wait_for(lambda: runs(project, "one", "complete"), 30, "the baseline run")
    board.set_json(GH.format("one"), with_new_job(payload, 7300001, "Head of Platform"))
    wait_for(lambda: [m for m in receiver.messages() if "Head of Platform" in m["message"]], 40,
             "a digest with the new posting")
    board.set_json(GH.format("one"), with_new_job(with_new_job(payload, 7300001, "Head of Platform"),
                                                  7300002, "Security Lead"))
    wait_for(lambda: [m for m in receiver.messages() if "Security Lead" in m["message"]], 40, "the next digest")
    assert daemon.stop() == 0
    # Each digest holds the events since the one before: the first posting is in exactly one.
    assert len([m for m in receiver.messages() if "Head of Platform" in m["message"]]) == 1
    store = Store(project.db_path)
    assert store.db["deliveries"].count_where("digest_id IS NOT NULL AND status = 'sent'") >= 2
    assert store.db["deliveries"].count_where("event_id IS NOT NULL") == 0  # digest mode sends no instant alerts
