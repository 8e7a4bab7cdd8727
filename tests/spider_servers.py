"""Local servers and helpers for the source-kind tests: a Workday CXS board (JSON POST paging by
offset) and a recording board that answers conditional requests, scripted Retry-After replies
and robots.txt, and keeps every request it saw."""
from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Iterator

import pytest
import sqlite_utils

from tests.conftest import FIXTURES, Project


def fixture_text(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


def last_run(project: Project, source: str) -> dict[str, Any]:
    """The newest `runs` row of a source, with its Scrapy stats decoded."""
    db = sqlite_utils.Database(project.db_path)
    row = next(db.query("SELECT * FROM runs WHERE source = ? ORDER BY id DESC LIMIT 1", [source]))
    return {**row, "stats": json.loads(row["stats"] or "{}")}


def postings_by(project: Project, key: str = "external_id") -> dict[str, dict[str, Any]]:
    return {p[key]: p for p in project.json("postings")}


@dataclass
class Seen:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes
    at: float  # time.monotonic() when the request arrived


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802
        self._serve(b"")

    def do_POST(self) -> None:  # noqa: N802
        self._serve(self.rfile.read(int(self.headers.get("Content-Length") or 0)))

    def _serve(self, body: bytes) -> None:
        server = self.server.owner  # type: ignore[attr-defined]
        seen = Seen(self.command, self.path, dict(self.headers), body, time.monotonic())
        with server.lock:
            server.seen.append(seen)
        status, headers, payload = server.answer(seen)
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args: Any) -> None:
        pass


class _Server:
    def __init__(self) -> None:
        self.seen: list[Seen] = []
        self.lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self.server.owner = self  # type: ignore[attr-defined]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def requests(self, path: str, method: str | None = None) -> list[Seen]:
        return [s for s in self.seen if s.path.split("?")[0] == path and method in (None, s.method)]

    def answer(self, seen: Seen) -> tuple[int, dict[str, str], bytes]:
        raise NotImplementedError

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


JSON = {"Content-Type": "application/json"}


class WorkdayBoard(_Server):
    """One Workday career site: `POST .../jobs` answers by the body's offset and limit (a limit
    over 20 is a 400; `total` only at offset 0), `GET .../job/...` answers a posting's detail."""

    def __init__(self, tenant: str, site: str) -> None:
        self.prefix = f"/wday/cxs/{tenant}/{site}"
        self.listed: list[dict[str, Any]] = []
        self.details: dict[str, Any] = {}  # externalPath -> detail payload, or raw text for a broken one
        super().__init__()

    def answer(self, seen: Seen) -> tuple[int, dict[str, str], bytes]:
        if seen.method == "POST" and seen.path == f"{self.prefix}/jobs":
            query = json.loads(seen.body)
            if query["limit"] > 20:
                return 400, JSON, b'{"errorCode":"HTTP_400","message":"limit"}'
            page = self.listed[query["offset"]:query["offset"] + query["limit"]]
            total = len(self.listed) if query["offset"] == 0 else 0
            return 200, JSON, json.dumps({"total": total, "jobPostings": page, "facets": []}).encode()
        detail = self.details.get(seen.path.removeprefix(self.prefix))
        if seen.method == "GET" and detail is not None:
            return 200, JSON, (detail if isinstance(detail, str) else json.dumps(detail)).encode()
        return 404, JSON, b'{"errorCode":"HTTP_404"}'


@dataclass
class Page:
    body: bytes
    content_type: str = "application/json"
    etag: str | None = None
    last_modified: str | None = None
    # Replies served before the page itself, one per request: (status, Retry-After or None).
    before: list[tuple[int, str | None]] = field(default_factory=list)


class RecordingBoard(_Server):
    """Pages by path (query ignored) that honour If-None-Match / If-Modified-Since with a 304,
    can answer 429/503 with Retry-After first, and a robots.txt; every request is kept."""

    def __init__(self) -> None:
        self.pages: dict[str, Page] = {}
        self.robots = ""
        super().__init__()

    def answer(self, seen: Seen) -> tuple[int, dict[str, str], bytes]:
        path = seen.path.split("?")[0]
        if path == "/robots.txt":
            return (200, {"Content-Type": "text/plain"}, self.robots.encode()) if self.robots else (404, {}, b"")
        page = self.pages.get(path)
        if page is None:
            return 404, JSON, b'{"error":"not found"}'
        if page.before:
            status, retry_after = page.before.pop(0)
            return status, {**JSON, **({"Retry-After": retry_after} if retry_after else {})}, b'{"error":"busy"}'
        validators = {k: v for k, v in (("ETag", page.etag), ("Last-Modified", page.last_modified)) if v}
        etag_ok = page.etag is not None and seen.headers.get("If-None-Match") == page.etag
        date_ok = page.last_modified is not None and seen.headers.get("If-Modified-Since") == page.last_modified
        if etag_ok or date_ok:
            return 304, validators, b""
        return 200, {"Content-Type": page.content_type, **validators}, page.body


@pytest.fixture
def workday() -> Iterator[WorkdayBoard]:
    server = WorkdayBoard("acme", "External")
    yield server
    server.close()


@pytest.fixture
def recording() -> Iterator[RecordingBoard]:
    server = RecordingBoard()
    yield server
    server.close()

