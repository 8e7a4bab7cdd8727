"""`hirewatch postings`: every filter, sort and format, on a database built by real crawls."""
from __future__ import annotations

import csv
import io
import json
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING

import pytest

from snapshots.queries import POSTING_LIST_COLUMNS

if TYPE_CHECKING:
    from tests.query_data import QueryData

pytest_plugins = ["tests.query_data"]  # its session fixture: one crawled database for every query test


def days_ago(days: int) -> datetime:
    return datetime.now(timezone.utc) - timedelta(days=days)


def titles(data: QueryData, *args: str) -> list[str]:
    return [p["title"] for p in data.project.json("postings", *args)]


def test_status_filter(query_data: QueryData) -> None:
    assert titles(query_data, "--status", "closed") == ["Office Manager"]
    assert titles(query_data, "--status", "stale") == ["Site Reliability Engineer"]
    assert set(titles(query_data, "--status", "stale", "--status", "closed")) == {
        "Office Manager", "Site Reliability Engineer"}
    assert len(titles(query_data, "--status", "active")) == 7


def test_source_and_company_filters(query_data: QueryData) -> None:
    assert set(titles(query_data, "--source", "orbit")) == {
        "Platform Engineer", "Support Engineer", "Senior Security Engineer"}
    pinboard = titles(query_data, "--company", "PINBOARD")  # any case, like subscription filters
    assert len(pinboard) == 6 and "Platform Engineer" not in pinboard
    assert titles(query_data, "--company", "pinboard", "--source", "pinboard-careers") == [
        "Senior Software Engineer, Backend"]


def test_keywords_are_whole_words_in_title_or_description(query_data: QueryData) -> None:
    assert set(titles(query_data, "--keyword", "python")) == {"Python Developer", "Site Reliability Engineer"}
    assert titles(query_data, "--keyword", "python", "--exclude-keyword", "healthy") == ["Python Developer"]
    assert titles(query_data, "--keyword", "analy") == []
    assert set(titles(query_data, "--keywords", "analyst", "--keywords", "kubernetes")) == {
        "Data Analyst", "Platform Engineer"}


def test_workplace_and_country_filters(query_data: QueryData) -> None:
    assert set(titles(query_data, "--workplace", "remote")) == {"Data Analyst", "Python Developer", "Support Engineer"}
    assert set(titles(query_data, "--workplace", "onsite", "--workplace", "hybrid", "--source", "orbit")) == {
        "Platform Engineer", "Senior Security Engineer"}
    assert set(titles(query_data, "--country", "de")) == {"Python Developer", "Platform Engineer"}  # any case
    assert set(titles(query_data, "--country", "GB", "--country", "US")) == {
        "Data Analyst", "Office Manager", "Site Reliability Engineer", "Support Engineer",
        "Senior Security Engineer"}


def test_salary_min_compares_the_yearly_top_of_the_range(query_data: QueryData) -> None:
    # 270k USD after the raise; 140k EUR and 90k GBP stay below; postings without a salary are left out.
    assert set(titles(query_data, "--salary-min", "150000")) == {"Senior Software Engineer, Backend"}
    assert set(titles(query_data, "--salary-min", "85000")) == {
        "Senior Software Engineer, Backend", "Python Developer", "Platform Engineer", "Senior Security Engineer"}


def test_posted_and_first_seen_since(query_data: QueryData) -> None:
    assert set(titles(query_data, "--posted-since", "7d")) == {
        "Senior Software Engineer, Backend", "Data Analyst", "Office Manager", "Python Developer",
        "Support Engineer", "Senior Security Engineer"}
    recent = titles(query_data, "--first-seen-since", "5d")
    assert len(recent) == 6 and not {"Platform Engineer", "Support Engineer"} & set(recent)
    assert titles(query_data, "--first-seen-since", "2099-01-01") == []


def test_the_headline_question_is_one_command(query_data: QueryData) -> None:
    # "What's new this week at companies I care about, paying over 150k, hybrid or remote?"
    found = query_data.project.json("postings", "--first-seen-since", "7d", "--company", "pinboard",
                                    "--company", "orbit", "--salary-min", "150000", "--workplace", "remote",
                                    "--workplace", "hybrid", "--status", "active")
    assert [(p["source"], p["title"]) for p in found] == [("pinboard", "Senior Software Engineer, Backend")]


def test_bad_since_is_a_usage_error(query_data: QueryData) -> None:
    result = query_data.project.run("postings", "--posted-since", "last tuesday")
    assert result.exit_code == 2
    assert "not a time or duration" in result.output


def test_sorts(query_data: QueryData) -> None:
    by_salary = query_data.project.json("postings", "--sort", "salary")
    assert [p["title"] for p in by_salary[:4]] == ["Senior Software Engineer, Backend", "Python Developer",
                                                   "Senior Security Engineer", "Platform Engineer"]
    assert all(p["salary_min"] is None for p in by_salary[4:])  # no salary: last
    companies = [p["company"] for p in query_data.project.json("postings", "--sort", "company")]
    assert companies == ["Orbit"] * 3 + ["Pinboard"] * 6
    posted = [p["posted_at"] for p in query_data.project.json("postings", "--sort", "posted")]
    assert posted == sorted(posted, reverse=True) and posted[-1].startswith(days_ago(40).date().isoformat())


def test_default_order_is_newest_first_and_limit_cuts(query_data: QueryData) -> None:
    rows = query_data.project.json("postings")
    seen = [p["first_seen_at"] for p in rows]
    assert seen == sorted(seen, reverse=True)
    assert [p["id"] for p in query_data.project.json("postings", "--limit", "2")] == [p["id"] for p in rows[:2]]
    assert query_data.project.run("postings", "--limit", "0").exit_code == 2


def test_json_is_one_array_of_posting_fields(query_data: QueryData) -> None:
    rows = query_data.project.json("postings")
    assert len(rows) == 9
    assert all(list(row) == list(POSTING_LIST_COLUMNS) for row in rows)
    assert isinstance(rows[0]["tags"], list)


def test_jsonl_and_csv(query_data: QueryData) -> None:
    lines = query_data.project.run("postings", "--format", "jsonl").stdout.splitlines()
    assert len(lines) == 9 and all(json.loads(line)["id"] for line in lines)
    text = query_data.project.run("postings", "--format", "csv", "--source", "orbit").stdout
    rows = list(csv.DictReader(io.StringIO(text)))
    assert text.splitlines()[0].startswith("id,source,external_id,")
    assert len(rows) == 3 and {r["source"] for r in rows} == {"orbit"}
    assert json.loads(rows[0]["tags"])  # lists are JSON in a cell
    empty = query_data.project.run("postings", "--format", "csv", "--source", "nowhere").stdout
    assert empty.strip() == "id,status,title,company,location,workplace,salary,source,first_seen_at"


def test_table_fits_the_terminal_with_salary_ranges_and_ages(query_data: QueryData,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "150")
    out = query_data.project.run("postings", "--sort", "salary").stdout
    assert "9 postings" in out
    assert "178,000–270,000 USD /year" in out and "120,000–140,000 EUR /year" in out
    assert "75,000–90,000 GBP /year" in out
    assert "10d ago" in out  # orbit, first seen ten days back
    monkeypatch.setenv("COLUMNS", "70")
    narrow = query_data.project.run("postings").stdout
    assert max(len(line) for line in narrow.splitlines()) <= 70
    assert "…" in narrow  # long titles are cut, not wrapped onto more lines
    assert len(narrow.splitlines()) == len(out.splitlines())
