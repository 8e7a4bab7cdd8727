"""Digests: exactly the matching events since the last digest, once, grouped, through the outbox."""
from __future__ import annotations

import json
import signal
import subprocess
import sys
import textwrap
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Iterator

import pytest

from notify.channels import Channel
from notify.digest import last_digest_at, send_digest
from notify.outbox import send_pending
from notify.subscriptions import Subscription
from snapshots.store import Store
from tests.conftest import Project, Receiver
from tests.notify_servers import NOW, SMTPServer, add_event, open_store, parts

ROOT = Path(__file__).resolve().parent.parent
DAILY = Subscription("daily", ("hook",), frozenset({"new", "closed"}), {"keywords": ["backend"]}, mode="digest",
                     schedule={"every": 86400}, first_window=timedelta(days=1))


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    store = open_store(tmp_path)
    yield store
    store.close()


def titles(message: dict) -> list[str]:
    return [line.split(" — ")[0][4:] for line in message["message"].splitlines() if line.startswith("  • ")]


def test_digest_covers_exactly_the_events_since_the_last_digest(store: Store, receiver: Receiver) -> None:
    channels = {"hook": Channel("hook", receiver.apprise_url)}
    add_event(store, title="Backend Engineer, old", at=NOW - timedelta(days=3))  # before the first window
    first = add_event(store, title="Backend Engineer, Ads", at=NOW - timedelta(hours=5))
    add_event(store, title="Office Manager", description="Run the office.")  # filtered out
    add_event(store, "updated", title="Backend Engineer, Search")  # a kind it does not want
    add_event(store, title="Backend Engineer, Baseline", baseline=1)  # a source's silent first run

    result = send_digest(store.db, DAILY, channels, NOW)
    assert (result.events, result.sent.sent) == (1, 1)
    [message] = receiver.messages()
    assert message["title"] == "hirewatch digest (daily): 1 new"
    assert titles(message) == ["Backend Engineer, Ads"]
    assert json.loads(store.db["digests"].get(result.digest_id)["event_ids"]) == [first]

    closed = add_event(store, "closed", title="Backend Engineer, Ads", at=NOW + timedelta(hours=2))
    later = add_event(store, title="Backend Lead", company="Acme", at=NOW + timedelta(hours=3))
    second = send_digest(store.db, DAILY, channels, NOW + timedelta(days=1))
    assert second.events == 2
    message = receiver.messages()[1]
    assert message["title"] == "hirewatch digest (daily): 1 new, 1 closed"
    assert message["message"].splitlines()[:3] == [
        "1 new, 1 closed (2026-11-20T12:00:00+00:00 → 2026-11-21T12:00:00+00:00)", "🆕 New (1)", "Acme"]
    assert titles(message) == ["Backend Lead", "Backend Engineer, Ads"]
    assert json.loads(store.db["digests"].get(second.digest_id)["event_ids"]) == [closed, later]

    quiet = send_digest(store.db, DAILY, channels, NOW + timedelta(days=2))
    assert (quiet.events, quiet.sent.sent) == (0, 0)
    assert len(receiver.messages()) == 2
    assert last_digest_at(store.db, "daily") == NOW + timedelta(days=2)


def test_a_digest_left_unsent_by_a_crash_is_sent_once_not_rebuilt(tmp_path: Path, receiver: Receiver) -> None:
    db = tmp_path / "hirewatch.db"
    store = Store(db)
    add_event(store, title="Backend Engineer", at=NOW - timedelta(hours=1))
    store.close()
    child = subprocess.Popen([sys.executable, "-c", textwrap.dedent("""
        import os, signal, sys
        from notify.digest import build_digest
        from snapshots.store import Store
        from tests.notify_servers import NOW
        from tests.test_notify_digest import DAILY
        build_digest(Store(sys.argv[1]).db, DAILY, NOW)
        os.kill(os.getpid(), signal.SIGKILL)  # recorded and queued, never sent
    """), str(db)], cwd=ROOT)
    assert child.wait(60) == -signal.SIGKILL
    store = Store(db)
    channels = {"hook": Channel("hook", receiver.apprise_url)}
    assert send_pending(store.db, channels, now=NOW + timedelta(minutes=1)).sent == 1
    after = send_digest(store.db, DAILY, channels, NOW + timedelta(days=1))
    assert after.events == 0
    assert [titles(m) for m in receiver.messages()] == [["Backend Engineer"]]
    assert store.db["digests"].count == 2
    store.close()


def test_digest_email_groups_by_kind_and_company(store: Store) -> None:
    smtp = SMTPServer().start()
    try:
        sub = Subscription("weekly", ("mail",), frozenset({"new", "closed"}), mode="digest")
        add_event(store, title="Backend Engineer", company="Pinboard")
        add_event(store, title="Platform Engineer", company="Acme")
        add_event(store, "closed", title="Office Manager", company="Pinboard")
        result = send_digest(store.db, sub, {"mail": Channel("mail", smtp.url())}, NOW + timedelta(minutes=1))
        assert result.sent.sent == 1
        [message] = smtp.messages
    finally:
        smtp.stop()
    assert message["Subject"] == "hirewatch digest (weekly): 2 new, 1 closed"
    html = parts(message)["text/html"]
    order = [html.index(s) for s in ("🆕 New (2)", ">Platform Engineer<", ">Backend Engineer<", "🚫 Closed (1)",
                                     ">Office Manager<")]
    assert order == sorted(order)
    assert "subscription weekly" in html


DIGEST_CONFIG = {"subscriptions": [
    {"name": "daily", "channels": ["hook"], "events": ["new"], "mode": "digest", "digest": {"every": "1d"}},
    {"name": "now", "channels": ["hook"], "events": ["closed"]},
]}


def test_digest_command(project: Project, receiver: Receiver) -> None:
    project.write_config([], channels={"hook": receiver.apprise_url}, notify=DIGEST_CONFIG)
    store = Store(project.db_path)
    add_event(store, title="Backend Engineer", at=datetime.now(timezone.utc) - timedelta(hours=1))
    add_event(store, title="Data Analyst", at=datetime.now(timezone.utc) - timedelta(hours=2))
    store.close()
    receiver.fail_next = 1
    failed = project.run("digest")
    assert failed.exit_code == 1
    assert "daily: 2 events -> hook: pending: " in failed.stdout and "500" in failed.stdout
    later = project.run("digest")
    assert later.exit_code == 0 and "daily: not due until" in later.stdout
    forced = project.run("digest", "--subscription", "daily", "--force")
    assert forced.exit_code == 0, forced.output
    assert "daily: no new events since the last digest" in forced.stdout
    assert len(receiver.messages()) == 0  # the queued digest waits for its backoff
    wrong = project.run("digest", "--subscription", "now")
    assert wrong.exit_code == 2 and "subscription 'now' is instant, not a digest" in wrong.stderr
