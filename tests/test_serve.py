"""`hirewatch serve`: Datasette over the database, read-only, on 127.0.0.1, with metadata and canned queries."""
from __future__ import annotations

import json
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterator

import pytest

from tests.conftest import Project

if TYPE_CHECKING:
    from tests.query_data import QueryData

pytest_plugins = ["tests.query_data"]  # its session fixture: one crawled database for every query test


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get(url: str) -> Any:
    with urllib.request.urlopen(url, timeout=10) as response:
        return json.loads(response.read())


@dataclass
class Served:
    project: Project
    process: subprocess.Popen
    url: str
    log: Path

    def query(self, name: str) -> list[dict[str, Any]]:
        return get(f"{self.url}/hirewatch/{name}.json?_shape=array")

    def sql(self, sql: str) -> Any:
        return get(f"{self.url}/hirewatch.json?_shape=array&sql={urllib.parse.quote(sql)}")


def start_serve(project: Project) -> Served:
    """`hirewatch serve` in a child process, once it answers."""
    port = free_port()
    log = project.root / f"serve-{port}.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-c", "from hirewatch.cli import main; main()", "--config", str(project.config_path),
             "serve", "--port", str(port)], stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            get(f"{url}/-/versions.json")
            return Served(project, process, url, log)
        except (urllib.error.URLError, ConnectionError):
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                pytest.fail(f"serve did not come up:\n{log.read_text()}")
            time.sleep(0.2)


def stop(served: Served) -> None:
    if served.process.poll() is None:
        served.process.terminate()  # `serve` stops Datasette on SIGTERM
        try:
            served.process.wait(10)
        except subprocess.TimeoutExpired:
            served.process.kill()
            served.process.wait()


@pytest.fixture(scope="module")
def served(query_data: QueryData, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    running = start_serve(query_data.copy(tmp_path_factory.mktemp("serve")))
    yield running
    stop(running)


def test_new_this_week(served: Served) -> None:
    rows = served.query("new_this_week")
    assert sorted((r["source"], r["title"]) for r in rows) == [
        ("pinboard", "Data Analyst"), ("pinboard", "Office Manager"), ("pinboard", "Python Developer"),
        ("pinboard", "Senior Software Engineer, Backend"), ("pinboard", "Site Reliability Engineer"),
        ("pinboard-careers", "Senior Software Engineer, Backend")]  # orbit was first seen ten days back
    assert {"salary_min", "salary_max", "salary_currency", "url", "first_seen_at"} <= set(rows[0])


def test_closed_stale_salaries_and_health(served: Served) -> None:
    assert [(r["title"], r["days_seen"]) for r in served.query("closed_this_week")] == [("Office Manager", 0)]
    assert [r["title"] for r in served.query("stale_postings")] == ["Site Reliability Engineer"]
    salaries = {(r["company"], r["currency"]): r for r in served.query("salary_by_company")}
    assert salaries[("Pinboard", "USD")]["median_yearly"] == 224000
    assert salaries[("Orbit", "GBP")]["median_yearly"] == 82500
    health = {r["name"]: r for r in served.query("sources_health")}
    assert set(health) == {"pinboard", "orbit", "pinboard-careers"}
    assert health["pinboard"]["last_status"] == "complete" and health["pinboard"]["active_postings"] == 3


def test_metadata_describes_tables_and_columns(served: Served) -> None:
    metadata = get(f"{served.url}/-/metadata.json")
    postings = metadata["databases"]["hirewatch"]["tables"]["postings"]
    assert "one row per (source, external_id)" in postings["description"].lower()
    assert "remote, hybrid or onsite" in postings["columns"]["workplace"]
    with urllib.request.urlopen(f"{served.url}/hirewatch/postings", timeout=10) as response:
        page = response.read().decode()
    assert "remote, hybrid or onsite" in page  # shown on the table page


def test_read_only_but_sees_new_commits(served: Served) -> None:
    with pytest.raises(urllib.error.HTTPError) as refused:
        served.sql("delete from postings")
    assert refused.value.code == 400
    assert served.sql("select count(*) as n from postings") == [{"n": 9}]
    # A write that is still in the WAL (no checkpoint yet) must be visible: `immutable` would miss it.
    writer = sqlite3.connect(served.project.db_path)
    try:
        writer.execute("PRAGMA wal_autocheckpoint = 0")
        assert writer.execute("PRAGMA journal_mode").fetchone() == ("wal",)
        with writer:
            writer.execute("INSERT INTO sources (name, kind, healthy, consecutive_failures) "
                           "VALUES ('later', 'lever', 1, 0)")
        assert "later" in {r["name"] for r in served.query("sources_health")}
    finally:
        writer.close()


def test_binds_to_localhost_and_stops_with_its_parent(query_data: QueryData, tmp_path: Path) -> None:
    served = start_serve(query_data.copy(tmp_path))
    try:
        port = int(served.url.rsplit(":", 1)[1])
        # Bound to 127.0.0.1 itself, not to every address: another loopback address is refused.
        with pytest.raises(OSError):
            socket.create_connection(("127.0.0.2", port), timeout=2).close()
        served.process.terminate()
        assert served.process.wait(timeout=15) is not None
        with pytest.raises(OSError):  # Datasette went with it
            socket.create_connection(("127.0.0.1", port), timeout=2).close()
    finally:
        stop(served)


def test_serve_without_datasette_says_how_to_install(project: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    project.write_config([])
    monkeypatch.setitem(sys.modules, "datasette", None)  # as if it were not installed
    result = project.run("serve")
    assert result.exit_code == 1
    assert "pip install 'hirewatch[web]'" in result.output


def test_datasette_dies_with_a_killed_serve(query_data: QueryData, tmp_path: Path) -> None:
    served = start_serve(query_data.copy(tmp_path))
    port = int(served.url.rsplit(":", 1)[1])
    served.process.kill()  # no chance to stop its child itself
    served.process.wait()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
        except OSError:
            return
        time.sleep(0.2)
    pytest.fail("Datasette outlived the killed `hirewatch serve`")
