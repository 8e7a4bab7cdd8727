"""`hirewatch search`: FTS5 over title, company, location and description, ranked, with snippets."""
from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from tests.query_data import QueryData

pytest_plugins = ["tests.query_data"]  # its session fixture: one crawled database for every query test


def test_a_title_match_ranks_above_a_description_match(query_data: QueryData) -> None:
    rows = query_data.project.json("search", "python")
    assert [r["title"] for r in rows] == ["Python Developer", "Site Reliability Engineer"]
    assert rows[0]["rank"] < rows[1]["rank"]  # bm25: lower is better
    backend = [r["title"] for r in query_data.project.json("search", "backend")]
    assert backend[-1] == "Site Reliability Engineer"  # backend in its description only
    assert set(backend[:-1]) == {"Senior Software Engineer, Backend"}


def test_every_word_must_match_and_stems_match(query_data: QueryData) -> None:
    assert [r["title"] for r in query_data.project.json("search", "python", "backend")] == [
        "Site Reliability Engineer"]
    # Porter stemming: "engineers" in the Greenhouse description matches "engineer".
    assert "Senior Software Engineer, Backend" in [r["title"] for r in query_data.project.json("search", "engineers")]
    assert [r["title"] for r in query_data.project.json("search", "kube*")] == ["Platform Engineer"]


def test_snippets_mark_the_matches(query_data: QueryData, monkeypatch: pytest.MonkeyPatch) -> None:
    rows = query_data.project.json("search", "healthy")
    assert len(rows) == 1 and "**healthy**" in rows[0]["snippet"]
    monkeypatch.setenv("COLUMNS", "160")
    table = query_data.project.run("search", "healthy").stdout
    assert "1 match for 'healthy'" in table
    assert "Keep our Python backend services healthy" in table and "**" not in table


def test_search_takes_the_posting_filters(query_data: QueryData) -> None:
    assert [r["title"] for r in query_data.project.json("search", "python", "--status", "active")] == [
        "Python Developer"]
    assert query_data.project.json("search", "engineer", "--source", "orbit", "--limit", "1")[0]["source"] == "orbit"
    ordered = query_data.project.json("search", "engineer", "--sort", "company")
    assert [r["company"] for r in ordered][:3] == ["Orbit"] * 3


def test_fts_syntax_in_user_text_is_just_text(query_data: QueryData) -> None:
    for text in ('c++ "unbalanced', "NEAR(", "title:python OR -x"):
        result = query_data.project.run("search", text, "--format", "json")
        assert result.exit_code == 0, result.output
    assert query_data.project.json("search", "title:python") == []


def test_the_contract_postings_search_still_works(query_data: QueryData) -> None:
    assert [p["title"] for p in query_data.project.json("postings", "--search", "python")] == [
        "Python Developer", "Site Reliability Engineer"]


def test_rebuild_fts_restores_a_lost_index(query_data: QueryData, tmp_path: Path) -> None:
    copy = query_data.copy(tmp_path)
    with sqlite3.connect(copy.db_path) as conn:
        conn.execute("INSERT INTO postings_fts(postings_fts) VALUES ('delete-all')")
    assert copy.json("search", "python") == []
    result = copy.run("db", "rebuild-fts")
    assert result.exit_code == 0 and "search index rebuilt: 9 postings" in result.stdout
    assert [r["title"] for r in copy.json("search", "python")] == ["Python Developer", "Site Reliability Engineer"]
    with sqlite3.connect(copy.db_path) as conn:
        conn.execute("DROP TABLE postings_fts")
    assert copy.run("db", "rebuild-fts").exit_code == 0
    assert len(copy.json("search", "python")) == 2
