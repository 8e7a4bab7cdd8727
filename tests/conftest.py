"""Real parts on 127.0.0.1: a board server whose content tests change between crawls, a webhook receiver."""
from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Callable, Iterator

import pytest
import yaml
from click.testing import CliRunner, Result

from hirewatch.cli import cli

FIXTURES = Path(__file__).parent / "fixtures"


def wait_for(predicate: Callable[[], Any], timeout: float = 30, what: str = "condition") -> Any:
    """Poll PREDICATE until it is truthy (and return its value), or fail after TIMEOUT seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def fixture_json(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


@dataclass
class Route:
    status: int = 200
    body: bytes = b""
    content_type: str = "application/json"
    headers: dict[str, str] = field(default_factory=dict)


class _Server:
    """A threaded HTTP server on a free port of 127.0.0.1."""

    def __init__(self, handler: type[BaseHTTPRequestHandler]) -> None:
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.server.owner = self  # type: ignore[attr-defined]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


class _BoardHandler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802
        self._answer()

    def do_POST(self) -> None:  # noqa: N802
        length = int(self.headers.get("Content-Length") or 0)
        self.server.owner.bodies.append(self.rfile.read(length))  # type: ignore[attr-defined]
        self._answer()

    def _answer(self) -> None:
        board: Board = self.server.owner  # type: ignore[attr-defined]
        board.hits.append(self.path)
        route = board.lookup(self.path)
        if route is None:
            route = Route(404, b'{"status":404,"error":"Not found"}')
        if route.status == 0:  # hang: the connection stays open until the test ends
            board.release.wait(60)
            return
        self.send_response(route.status)
        self.send_header("Content-Type", route.content_type)
        self.send_header("Content-Length", str(len(route.body)))
        for name, value in route.headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(route.body)

    def log_message(self, *args: Any) -> None:
        pass


class Board(_Server):
    """Serves fixture boards; a test sets what each path answers, and may change it between crawls."""

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.hits: list[str] = []
        self.bodies: list[bytes] = []
        self.release = threading.Event()
        super().__init__(_BoardHandler)

    def lookup(self, path: str) -> Route | None:
        # Exact path with query first, then the path alone.
        return self.routes.get(path) or self.routes.get(path.split("?", 1)[0])

    def set_json(self, path: str, payload: Any, status: int = 200) -> None:
        self.routes[path] = Route(status, json.dumps(payload).encode())

    def set_text(self, path: str, text: str, status: int = 200, content_type: str = "text/html; charset=utf-8",
                 headers: dict[str, str] | None = None) -> None:
        self.routes[path] = Route(status, text.encode(), content_type, headers or {})

    def set_status(self, path: str, status: int) -> None:
        self.routes[path] = Route(status, b'{"error":"server error"}')

    def close(self) -> None:
        self.release.set()
        super().close()


class _ReceiverHandler(BaseHTTPRequestHandler):
    def do_POST(self) -> None:  # noqa: N802
        receiver: Receiver = self.server.owner  # type: ignore[attr-defined]
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length)
        with receiver.lock:
            receiver.attempts += 1
            failing = receiver.fail_next > 0
            if failing:
                receiver.fail_next -= 1
            else:
                receiver.received.append({"path": self.path, "headers": dict(self.headers), "body": body})
        self.send_response(500 if failing else 200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        pass


class Receiver(_Server):
    """A webhook receiver for Apprise's json:// and form:// (answers 500 while `fail_next` > 0)."""

    def __init__(self) -> None:
        self.received: list[dict[str, Any]] = []
        self.attempts = 0
        self.fail_next = 0
        self.lock = threading.Lock()
        super().__init__(_ReceiverHandler)

    @property
    def apprise_url(self) -> str:
        return f"json://127.0.0.1:{self.server.server_address[1]}/hook"

    def messages(self) -> list[dict[str, Any]]:
        return [json.loads(r["body"]) for r in self.received]


@pytest.fixture
def board() -> Iterator[Board]:
    server = Board()
    yield server
    server.close()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    server = Receiver()
    yield server
    server.close()


# Fast, still-real crawl settings for tests: no throttling delays, one retry.
TEST_CRAWL = {"autothrottle": False, "retry_times": 1, "download_timeout": 10, "http_cache": False}


class Project:
    """A config file and database in a temp folder, and the CLI to run against them."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.config_path = root / "config.yaml"
        self.db_path = root / "hirewatch.db"

    def write_config(self, sources: list[dict[str, Any]], channels: dict[str, str] | None = None,
                     **extra: Any) -> Path:
        config: dict[str, Any] = {"database": str(self.db_path), "sources": sources,
                                  "crawl": {**TEST_CRAWL, **extra.pop("crawl", {})}}
        if channels is not None:
            config["notify"] = {"channels": {name: {"url": url} for name, url in channels.items()},
                                **extra.pop("notify", {})}
        config.update(extra)
        self.config_path.write_text(yaml.safe_dump(config, sort_keys=False))
        return self.config_path

    def run(self, *args: str) -> Result:
        return CliRunner().invoke(cli, ["--config", str(self.config_path), *args], obj={},
                                  catch_exceptions=False)

    def json(self, *args: str) -> Any:
        result = self.run(*args, "--format", "json")
        assert result.exit_code == 0, result.output
        return json.loads(result.stdout)


@pytest.fixture
def project(tmp_path: Path) -> Project:
    return Project(tmp_path)
