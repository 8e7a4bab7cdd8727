"""Real parts for the notify tests: an SMTP server (aiosmtpd) on 127.0.0.1, and a store with events in it."""
from __future__ import annotations

import email
import email.policy
import json
import socket
import threading
from datetime import datetime, timezone
from email.message import Message
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult

from notify.outbox import iso
from snapshots.store import Store

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=timezone.utc)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class _Inbox:
    def __init__(self) -> None:
        self.messages: list[Message] = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 (aiosmtpd's name)
        with self.lock:
            self.messages.append(email.message_from_bytes(envelope.original_content or envelope.content,
                                                        policy=email.policy.default))
        return "250 OK"


class SMTPServer:
    """aiosmtpd on a free port of 127.0.0.1. With a password, it wants AUTH (over plain text: tests only)."""

    def __init__(self, password: str | None = None) -> None:
        self.port = free_port()
        self.inbox = _Inbox()
        self.auth_attempts = 0
        options: dict[str, Any] = {}
        if password is not None:
            def authenticate(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> AuthResult:
                self.auth_attempts += 1
                return AuthResult(success=getattr(data, "password", b"") == password.encode(), handled=False)
            options = {"authenticator": authenticate, "auth_require_tls": False, "auth_required": True}
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port, **options)
        self.running = False

    def start(self) -> "SMTPServer":
        self.controller.start()
        self.running = True
        return self

    def stop(self) -> None:
        if self.running:
            self.controller.stop()
            self.running = False

    def url(self, userinfo: str = "", **params: str) -> str:
        query = "&".join(f"{k}={v}" for k, v in {"from": "alerts@hirewatch.test", "to": "me@hirewatch.test",
                                                  **params}.items())
        return f"mailto://{userinfo + '@' if userinfo else ''}127.0.0.1:{self.port}?{query}"

    @property
    def messages(self) -> list[Message]:
        with self.inbox.lock:
            return list(self.inbox.messages)


def parts(message: Message) -> dict[str, str]:
    """content type → decoded text of each part."""
    return {p.get_content_type(): p.get_payload(decode=True).decode(p.get_content_charset() or "utf-8")
            for p in message.walk() if not p.is_multipart()}


POSTING = {"source": "pinboard", "title": "Senior Software Engineer, Backend", "company": "Pinboard",
           "location": "Toronto, ON, CA", "city": "Toronto", "region": "ON", "country": "CA", "workplace": "hybrid",
           "employment_type": "full_time", "seniority": "senior", "salary_min": 178000.0, "salary_max": 258000.0,
           "salary_currency": "USD", "salary_period": "year", "url": "https://boards.example.com/pinboard/jobs/1",
           "description": "Build the backend for Pinner-facing features in Python.", "status": "active",
           "posted_at": "2026-11-18T14:00:00+00:00", "first_seen_at": "2026-11-18T15:00:00+00:00"}


def open_store(tmp_path: Path) -> Store:
    return Store(tmp_path / "hirewatch.db")


def add_event(store: Store, kind: str = "new", at: datetime = NOW, baseline: int = 0,
              changes: dict[str, Any] | None = None, **posting: Any) -> int:
    """A posting (unless posting_id is given) and one event about it, committed, as a run would leave them."""
    with store.atomic():
        posting_id = posting.pop("posting_id", None)
        if posting_id is None:
            row = {**POSTING, **posting}
            row.setdefault("external_id", f"{row['title']}-{store.db['postings'].count}")
            posting_id = store.db["postings"].insert(row).last_pk
        return store.db["events"].insert({
            "kind": kind, "posting_id": posting_id, "source": posting.get("source", POSTING["source"]),
            "run_id": None, "at": iso(at), "baseline": baseline,
            "changes": json.dumps(changes) if changes else None}).last_pk


def deliveries(store: Store) -> list[dict[str, Any]]:
    return list(store.db.query("SELECT * FROM deliveries ORDER BY id"))
