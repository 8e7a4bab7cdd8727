"""`hirewatch db prune|vacuum`, `export`, and the views, on private copies of the crawled database."""
from __future__ import annotations

import csv
import io
import json
import sqlite3
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import TYPE_CHECKING

import yaml

from tests.conftest import Project


if TYPE_CHECKING:
    from tests.query_data import QueryData

pytest_plugins = ["tests.query_data"]  # its session fixture: one crawled database for every query test


def days_ago(days: int) -> datetime:
    return datetime.now(timezone.utc) - timedelta(days=days)


def _sql(project: Project, sql: str, params: tuple = ()) -> list[tuple]:
    with sqlite3.connect(project.db_path) as conn:
        rows = conn.execute(sql, params).fetchall()
    conn.close()
    return rows


def _age_history(project: Project, days: int) -> int:
    """Move every first version and every `new` event DAYS back; returns one such event's id,
    left with an unsent alert."""
    at = days_ago(days).isoformat(timespec="seconds")
    _sql(project, "UPDATE posting_versions SET seen_at = ? WHERE version = 1", (at,))
    _sql(project, "UPDATE events SET at = ? WHERE kind = 'new'", (at,))
    event_id = _sql(project, "SELECT min(id) FROM events WHERE kind = 'new'")[0][0]
    _sql(project, "INSERT INTO deliveries (event_id, channel, status, attempts, created_at) "
                  "VALUES (?, 'chat', 'pending', 2, ?)", (event_id, at))
    return event_id


def test_prune_keeps_latest_versions_and_events_alerts_still_need(query_data: QueryData, tmp_path: Path) -> None:
    project = query_data.copy(tmp_path)
    pending = _age_history(project, 400)
    backend = query_data.ids()["Senior Software Engineer, Backend"]
    versions_before = _sql(project, "SELECT count(*) FROM posting_versions")[0][0]
    news_before = _sql(project, "SELECT count(*) FROM events WHERE kind = 'new'")[0][0]

    result = project.run("db", "prune", "--older-than", "365d")
    assert result.exit_code == 0, result.output
    # Only the backend job had a second version; every other posting's only version is its latest.
    assert _sql(project, "SELECT posting_id, version FROM posting_versions WHERE posting_id = ?", (backend,)) == [
        (backend, 2)]
    assert _sql(project, "SELECT count(*) FROM posting_versions")[0][0] == versions_before - 1
    assert _sql(project, "SELECT id FROM events WHERE kind = 'new'") == [(pending,)]
    assert f"pruned 1 versions, {news_before - 1} events" in result.stdout
    assert {e["kind"] for e in project.json("events")} >= {"updated", "closed", "stale"}
    history = project.json("history", str(backend))
    assert [v["version"] for v in history["versions"]] == [2] and history["diffs"] == []

    assert "pruned 0 versions, 0 events" in project.run("db", "prune", "--older-than", "365d").stdout


def test_prune_keeps_events_a_digest_has_not_reached(query_data: QueryData, tmp_path: Path) -> None:
    project = query_data.copy(tmp_path)
    pending = _age_history(project, 400)
    news = [row[0] for row in _sql(project, "SELECT id FROM events WHERE kind = 'new' ORDER BY id")]
    at = days_ago(400).isoformat(timespec="seconds")
    # Two digest subscriptions; the slower one has read up to the third `new` event.
    for name, reached in (("daily", news[2]), ("weekly", news[-1]), ("daily", news[1])):
        _sql(project, "INSERT INTO digests (subscription, created_at, period_start, period_end, event_ids, "
                      "through_event_id) VALUES (?, ?, ?, ?, '[]', ?)", (name, at, at, at, reached))
    assert project.run("db", "prune", "--older-than", "365d").exit_code == 0
    kept = [row[0] for row in _sql(project, "SELECT id FROM events WHERE kind = 'new' ORDER BY id")]
    assert kept == [pending, *news[3:]]


def test_prune_uses_the_configured_retention(query_data: QueryData, tmp_path: Path) -> None:
    project = query_data.copy(tmp_path)
    _age_history(project, 100)
    result = project.run("db", "prune")
    assert result.exit_code == 2 and "nothing to prune: give --older-than" in result.output

    config = yaml.safe_load(project.config_path.read_text())
    config["retention"] = {"events": "90d"}  # versions: kept forever
    project.config_path.write_text(yaml.safe_dump(config))
    result = project.run("db", "prune")
    assert result.exit_code == 0, result.output
    assert "pruned 0 versions" in result.stdout
    assert len(_sql(project, "SELECT id FROM events WHERE kind = 'new'")) == 1  # the one still to be sent

    result = project.run("db", "prune", "--older-than", "2h")
    assert result.exit_code == 2 and "keep at least 1d" in result.output


def test_vacuum_shrinks_and_leaves_a_working_database(query_data: QueryData, tmp_path: Path) -> None:
    project = query_data.copy(tmp_path)
    _sql(project, "CREATE TABLE ballast AS SELECT randomblob(1000000) AS b")
    _sql(project, "DROP TABLE ballast")
    before = project.db_path.stat().st_size
    result = project.run("db", "vacuum")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(f"vacuumed {project.db_path}:")
    assert project.db_path.stat().st_size < before - 500_000
    assert [r["title"] for r in project.json("search", "python")][0] == "Python Developer"


def test_export_json_has_each_posting_with_its_history(query_data: QueryData, tmp_path: Path) -> None:
    out = tmp_path / "export.json"
    result = query_data.project.run("export", "--format", "json", "--output", str(out))
    assert result.exit_code == 0, result.output
    exported = json.loads(out.read_text(encoding="utf-8"))
    assert len(exported) == 9
    backend = next(p for p in exported if p["source"] == "pinboard" and p["external_id"] == "7001001")
    assert [v["version"] for v in backend["versions"]] == [1, 2]
    assert [e["kind"] for e in backend["events"]] == ["new", "updated"]
    assert backend["events"][1]["changes"]["salary_max"] == [258000.0, 270000.0]
    filtered = json.loads(query_data.project.run("export", "--status", "closed").stdout)
    assert [(p["title"], [e["kind"] for e in p["events"]]) for p in filtered] == [("Office Manager", ["new", "closed"])]


def test_export_csv_has_one_line_per_posting_version(query_data: QueryData) -> None:
    text = query_data.project.run("export", "--format", "csv").stdout
    rows = list(csv.DictReader(io.StringIO(text)))
    assert text.startswith("posting_id,source,external_id,status,first_seen_at,last_seen_at,version,seen_at,")
    assert len(rows) == 10  # nine postings, one of them with two versions
    backend = [r for r in rows if r["external_id"] == "7001001"]
    assert [(r["version"], r["salary_max"]) for r in backend] == [("1", "258000.0"), ("2", "270000.0")]


def test_views_answer_common_questions_in_one_select(query_data: QueryData) -> None:
    project = query_data.project
    active = _sql(project, "SELECT title, yearly_salary_max FROM active_postings WHERE salary_currency = 'USD'")
    assert active == [("Senior Software Engineer, Backend", 270000.0)]
    assert _sql(project, "SELECT count(*) FROM active_postings")[0][0] == 7
    recent = _sql(project, "SELECT DISTINCT source FROM recent_events ORDER BY source")
    assert recent == [("pinboard",), ("pinboard-careers",)]  # orbit's events are ten days old
    health = _sql(project, "SELECT name, healthy, last_status, active_postings FROM source_health ORDER BY name")
    assert health == [("orbit", 1, "complete", 3), ("pinboard", 1, "complete", 3), ("pinboard-careers", 1, "complete", 1)]
