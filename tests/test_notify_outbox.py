"""The outbox: retries with backoff, exactly-once per (event, channel), crashes, folding big runs."""
from __future__ import annotations

import copy
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Iterator

import apprise
import pytest

from notify.channels import Channel, scrub, secrets
from notify.outbox import LEASE, Policy, enqueue, outbox_summary, send_pending
from notify.subscriptions import Subscription, route
from snapshots.store import Store
from tests.conftest import Board, Project, Receiver, fixture_json
from tests.notify_servers import NOW, add_event, deliveries, open_store

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    store = open_store(tmp_path)
    yield store
    store.close()


def queue(store: Store, event_ids: list[int], channels: list[str]) -> None:
    with store.atomic():
        enqueue(store.db, store.events(event_ids), channels, NOW)


def test_receiver_down_twice_then_up_gets_exactly_one_delivery(store: Store, receiver: Receiver) -> None:
    receiver.fail_next = 2
    channels = {"hook": Channel("hook", receiver.apprise_url)}
    policy = Policy(max_attempts=5, backoff=10)
    queue(store, [add_event(store)], ["hook"])
    assert send_pending(store.db, channels, policy, NOW).retrying == 1
    assert send_pending(store.db, channels, policy, NOW + timedelta(seconds=9)).retrying == 0  # backing off
    assert send_pending(store.db, channels, policy, NOW + timedelta(seconds=10)).retrying == 1
    assert outbox_summary(store.db)["retrying"] == 1
    assert send_pending(store.db, channels, policy, NOW + timedelta(seconds=29)).sent == 0  # 10 s, then 20 s
    assert send_pending(store.db, channels, policy, NOW + timedelta(seconds=30)).sent == 1
    for later in (31, 3600, 86400):
        assert send_pending(store.db, channels, policy, NOW + timedelta(seconds=later)).sent == 0
    assert receiver.attempts == 3 and len(receiver.received) == 1
    [row] = deliveries(store)
    assert (row["status"], row["attempts"], row["sent_at"]) == ("sent", 3, "2026-11-20T12:00:30+00:00")


def test_gives_up_after_max_attempts_and_status_reports_it(store: Store, receiver: Receiver) -> None:
    receiver.fail_next = 10
    channels = {"hook": Channel("hook", receiver.apprise_url)}
    policy = Policy(max_attempts=3, backoff=1)
    queue(store, [add_event(store)], ["hook"])
    reports = [send_pending(store.db, channels, policy, NOW + timedelta(seconds=s)) for s in (0, 1, 3, 100)]
    assert [(r.retrying, r.failed) for r in reports] == [(1, 0), (1, 0), (0, 1), (0, 0)]
    assert receiver.attempts == 3
    summary = outbox_summary(store.db)
    assert (summary["pending"], summary["failed"], summary["sent"]) == (0, 1, 0)
    assert "500" in summary["last_failures"][0]["last_error"]


def test_an_event_reaches_a_channel_once(store: Store, receiver: Receiver) -> None:
    event_id = add_event(store)
    queue(store, [event_id], ["hook"])
    queue(store, [event_id], ["hook", "other"])  # a replayed run, or a second subscription
    subs = [Subscription("a", ("hook",), frozenset({"new"})), Subscription("b", ("hook",), frozenset({"new"}))]
    with store.atomic():
        for channel, routed in route(subs, store.events([event_id])).items():
            enqueue(store.db, routed, [channel], NOW)
    assert sorted((d["event_id"], d["channel"]) for d in deliveries(store)) == [(event_id, "hook"),
                                                                               (event_id, "other")]
    with pytest.raises(sqlite3.IntegrityError):
        store.db.execute("INSERT INTO deliveries (event_id, channel, status) VALUES (?, 'hook', 'pending')",
                         [event_id])
    channels = {"hook": Channel("hook", receiver.apprise_url), "other": Channel("other", receiver.apprise_url)}
    assert send_pending(store.db, channels, Policy(), NOW).sent == 2
    assert len(receiver.received) == 2


def test_baseline_events_wait_for_notify_on_first_run(store: Store) -> None:
    quiet, loud = add_event(store, baseline=1), add_event(store, baseline=1)
    with store.atomic():
        assert enqueue(store.db, store.events([quiet]), ["hook"], NOW) == 0
        assert enqueue(store.db, store.events([loud]), ["hook"], NOW, include_baseline=True) == 1


def test_a_channel_removed_from_the_config_fails_its_deliveries(store: Store) -> None:
    queue(store, [add_event(store)], ["gone"])
    report = send_pending(store.db, {}, Policy(max_attempts=5), NOW)
    assert report.failed == 1 and report.errors == ["channel 'gone' is no longer configured"]


def _python(code: str, db: Path, *args: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-c", textwrap.dedent(code), str(db), *args], cwd=ROOT)


def test_killed_between_commit_and_send_sends_once_after_restart(tmp_path: Path, receiver: Receiver) -> None:
    db = tmp_path / "hirewatch.db"
    child = _python("""
        import os, signal, sys
        from datetime import datetime, timezone
        from notify.outbox import enqueue
        from snapshots.store import Store
        from tests.notify_servers import add_event
        store = Store(sys.argv[1])
        event_id = add_event(store)
        with store.atomic():  # the run's transaction: events and their deliveries
            enqueue(store.db, store.events([event_id]), ["hook"], datetime.now(timezone.utc))
        os.kill(os.getpid(), signal.SIGKILL)  # the crash: committed, nothing sent
    """, db)
    assert child.wait(60) == -signal.SIGKILL
    assert receiver.received == []
    restarted = Store(db)
    channels = {"hook": Channel("hook", receiver.apprise_url)}
    assert send_pending(restarted.db, channels).sent == 1
    assert send_pending(restarted.db, channels).sent == 0
    assert len(receiver.received) == 1
    restarted.close()


def test_killed_while_sending_is_retried_after_the_lease_once(tmp_path: Path, board: Board,
                                                               receiver: Receiver) -> None:
    """A sender killed mid-send leaves its claimed rows alone until the lease runs out: a second sender
    running meanwhile must not send them too."""
    db = tmp_path / "hirewatch.db"
    store = Store(db)
    queue(store, [add_event(store)], ["hook"])
    board.set_status("/stuck", 0)  # accepts the request and never answers
    child = _python("""
        import sys
        from notify.channels import Channel
        from notify.outbox import send_pending
        from snapshots.store import Store
        send_pending(Store(sys.argv[1]).db, {"hook": Channel("hook", sys.argv[2])})
    """, db, board.url.replace("http://", "json://") + "/stuck")
    deadline = time.monotonic() + 30
    while "/stuck" not in board.hits and time.monotonic() < deadline:
        time.sleep(0.05)
    assert "/stuck" in board.hits
    os.kill(child.pid, signal.SIGKILL)
    child.wait(10)
    channels = {"hook": Channel("hook", receiver.apprise_url)}  # restarted with a working hook
    now = datetime.now(timezone.utc)
    assert send_pending(store.db, channels, Policy(), now).sent == 0
    assert send_pending(store.db, channels, Policy(), now + LEASE + timedelta(seconds=1)).sent == 1
    assert send_pending(store.db, channels, Policy(), now + 2 * LEASE).sent == 0
    assert len(receiver.received) == 1
    store.close()


def test_a_big_batch_folds_into_one_summary(store: Store, receiver: Receiver) -> None:
    ids = [add_event(store, title=f"Engineer {n:02}", external_id=str(n)) for n in range(30)]
    queue(store, ids, ["hook"])
    report = send_pending(store.db, {"hook": Channel("hook", receiver.apprise_url)}, Policy(max_per_message=20), NOW)
    assert report.sent == 30
    [message] = receiver.messages()
    assert message["title"] == "hirewatch: 30 new"
    lines = message["message"].splitlines()
    assert lines[:3] == ["🆕 New (30)", "Pinboard",
                         "  • Engineer 00 — Toronto, ON, CA — 178,000–258,000 USD /year"]
    assert sum(line.startswith("  • ") for line in lines) == 25
    assert lines[-1] == "… and 5 more (hirewatch events)"


def test_secrets_are_scrubbed_from_errors() -> None:
    url = "json://alerts:Pa55word9@127.0.0.1:9/hook?+X-Api-Key=key-abcdef123"
    service = apprise.Apprise.instantiate(url)
    error = f"failed for {service.url()} with key key-abcdef123 and password Pa55word9"
    cleaned = scrub(error, secrets(service))
    assert "Pa55word9" not in cleaned and "key-abcdef123" not in cleaned
    assert "127.0.0.1" in cleaned and "failed for json://alerts:****@" in cleaned


def test_a_first_crawl_with_many_postings_is_one_message(project: Project, board: Board,
                                                        receiver: Receiver) -> None:
    payload = fixture_json("greenhouse/board.json")
    template = payload["jobs"][1]
    payload["jobs"] = []
    for n in range(40):
        job = copy.deepcopy(template)
        job.update(id=8000000 + n, title=f"Data Analyst {n}",
                   absolute_url=f"https://boards.greenhouse.io/pinboard/jobs/{8000000 + n}")
        payload["jobs"].append(job)
    payload["meta"]["total"] = 40
    board.set_json("/v1/boards/pinboard/jobs", payload)
    project.write_config([{"name": "pinboard", "kind": "greenhouse", "board": "pinboard", "base_url": board.url,
                           "notify_on_first_run": True}], channels={"hook": receiver.apprise_url})
    result = project.run("crawl")
    assert result.exit_code == 0, result.output
    assert "40 postings" in result.stdout
    [message] = receiver.messages()
    assert message["title"] == "hirewatch: 40 new"
    assert "… and 15 more (hirewatch events)" in message["message"]
    assert len(project.json("events")) == 40
