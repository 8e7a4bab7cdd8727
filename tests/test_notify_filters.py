"""Subscription filters, field by field: what passes, what does not, and how the config spells them."""
from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from crawler.normalize.salary import find_salary, parse_salary
from hirewatch.config import ConfigError, loads
from notify.subscriptions import Subscription, matches, route
from tests.conftest import Project
from tests.notify_servers import NOW, POSTING, add_event, open_store

SEED_001_META = "10 months ago Development & Programming Senior Full-Time 178,000-258,000 $/Year"
SEED_001_BODY = "The base salary range for this position is $172,500—$258,700 USD. You are also eligible for equity."


def posting(**changes: Any) -> dict[str, Any]:
    return {"kind": "new", **POSTING, **changes}


def salaried(text: str, parse: Any = parse_salary) -> dict[str, Any]:
    found = parse(text)
    assert found is not None, text
    return posting(salary_min=found.min, salary_max=found.max, salary_currency=found.currency,
                   salary_period=found.period)


NO_SALARY = posting(salary_min=None, salary_max=None, salary_currency=None, salary_period=None)

CASES: list[tuple[str, dict[str, Any], dict[str, Any], bool]] = [
    # keywords: whole words, any case, title or description
    ("keyword in title", {"keywords": ["backend"]}, posting(), True),
    ("keyword any case", {"keywords": ["PYTHON"]}, posting(), True),
    ("keyword is a whole word", {"keywords": ["back"]}, posting(), False),
    ("keyword not inside a word", {"keywords": ["go"]}, posting(description="We use Google Cloud."), False),
    ("keyword with symbols", {"keywords": ["c++"]}, posting(description="Modern C++ and Rust."), True),
    ("keyword phrase across spaces", {"keywords": ["machine learning"]},
     posting(description="Applied machine\nlearning at scale."), True),
    ("any of the keywords", {"keywords": ["golang", "python"]}, posting(), True),
    ("all of the keywords", {"keywords": ["golang", "python"], "keywords_mode": "all"}, posting(), False),
    ("all present", {"keywords": ["backend", "python"], "keywords_mode": "all"}, posting(), True),
    ("keyword only in the description, title asked", {"keywords": ["python"], "keywords_in": ["title"]},
     posting(), False),
    ("keyword in the description asked", {"keywords": ["python"], "keywords_in": ["description"]}, posting(), True),
    # exclusions
    ("excluded word", {"exclude_keywords": ["senior"]}, posting(), False),
    ("exclusion is a whole word", {"exclude_keywords": ["engine"]}, posting(), True),
    ("excluded word in description", {"keywords": ["backend"], "exclude_keywords": ["clearance"]},
     posting(description="Requires security clearance."), False),
    # companies, sources, locations, countries
    ("company any case", {"companies": ["pinboard"]}, posting(), True),
    ("other company", {"companies": ["Northwind"]}, posting(), False),
    ("source", {"sources": ["pinboard"]}, posting(), True),
    ("other source", {"sources": ["acme"]}, posting(), False),
    ("location word", {"locations": ["toronto"]}, posting(), True),
    ("location is a whole word", {"locations": ["Tor"]}, posting(), False),
    ("location by region", {"locations": ["ON"]}, posting(location="Ottawa"), True),
    ("one of the locations", {"locations": ["Berlin", "Toronto"]}, posting(), True),
    ("country", {"countries": ["CA"]}, posting(), True),
    ("other country", {"countries": ["US"]}, posting(), False),
    ("country unknown", {"countries": ["CA"]}, posting(country=None), False),
    # workplace, employment type, seniority
    ("workplace", {"workplace": ["remote", "hybrid"]}, posting(), True),
    ("other workplace", {"workplace": ["remote"]}, posting(), False),
    ("workplace unknown", {"workplace": ["remote"]}, posting(workplace=None), False),
    ("employment type", {"employment_types": ["full_time"]}, posting(), True),
    ("other employment type", {"employment_types": ["contract"]}, posting(), False),
    ("seniority", {"seniority": ["senior", "staff"]}, posting(), True),
    ("other seniority", {"seniority": ["junior"]}, posting(), False),
    # salary: the top of the range, made yearly, reaches salary_min
    ("yearly range reaches the minimum", {"salary_min": 250000}, posting(), True),
    ("yearly range below the minimum", {"salary_min": 260000}, posting(), False),
    ("seed 001 header range", {"salary_min": 170000}, salaried(SEED_001_META), True),
    ("seed 001 body range", {"salary_min": 170000}, salaried(SEED_001_BODY, find_salary), True),
    ("seed 001 below a higher minimum", {"salary_min": 260000}, salaried(SEED_001_META), False),
    ("hourly made yearly passes", {"salary_min": 170000}, salaried("$85 - $95 per hour"), True),
    ("hourly made yearly fails", {"salary_min": 170000}, salaried("$50 - $60 per hour"), False),
    ("monthly made yearly", {"salary_min": 170000}, salaried("€15,000 per month"), True),
    ("only a minimum given", {"salary_min": 170000},
     posting(salary_min=180000.0, salary_max=None), True),
    ("no period means yearly", {"salary_min": 170000}, posting(salary_period=None), True),
    ("no salary passes", {"salary_min": 170000}, NO_SALARY, True),
    ("no salary, salary required", {"salary_min": 170000, "require_salary": True}, NO_SALARY, False),
    ("salary required and given", {"require_salary": True}, posting(), True),
    # age: posted_at, else first_seen_at, against max_age (NOW is 2026-11-20)
    ("young enough", {"max_age": timedelta(days=7)}, posting(), True),
    ("too old", {"max_age": timedelta(days=1)}, posting(), False),
    ("first seen stands in for posted", {"max_age": timedelta(days=7)},
     posting(posted_at=None, first_seen_at="2026-11-01T00:00:00+00:00"), False),
    ("date-only posted_at", {"max_age": timedelta(days=7)}, posting(posted_at="2026-11-19"), True),
    ("closed postings are not held to max_age", {"max_age": timedelta(days=1)}, posting(kind="closed"), True),
    # source health
    ("source_health passes the posting filters", {"keywords": ["python"], "salary_min": 1e9},
     {"kind": "source_health", "source": "pinboard"}, True),
    ("source_health of another source", {"sources": ["acme"]}, {"kind": "source_health", "source": "pinboard"},
     False),
    ("empty filter", {}, posting(), True),
]


@pytest.mark.parametrize("flt, row, expected", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_filter(flt: dict[str, Any], row: dict[str, Any], expected: bool) -> None:
    assert matches(flt, row, NOW) is expected


def test_route_marks_the_subscription_and_sends_an_event_once_per_channel() -> None:
    backend = Subscription("backend", ("chat", "mail"), frozenset({"new"}), {"keywords": ["backend"]})
    everything = Subscription("everything", ("chat",), frozenset({"new", "closed"}))
    daily = Subscription("daily", ("mail",), frozenset({"new"}), mode="digest")
    events = [posting(id=1), posting(id=2, title="Office Manager", description="Run the office."),
              posting(id=3, kind="closed")]
    routes = route([backend, everything, daily], events)
    assert {ch: [(e["id"], e["subscription"]) for e in evs] for ch, evs in routes.items()} == {
        "chat": [(1, "backend"), (2, "everything"), (3, "everything")],
        "mail": [(1, "backend")],
    }


FILTER_CONFIG = """\
notify:
  channels: {chat: "json://127.0.0.1:9/hook"}
  subscriptions:
    - name: s
      channels: [chat]
      filter: {FILTER}
"""


def filter_of(text: str) -> dict[str, Any]:
    return loads(FILTER_CONFIG.replace("{FILTER}", text)).notify.subscriptions[0].filter.model_dump()


def test_config_spellings_are_normalised() -> None:
    flt = filter_of("{countries: [Canada, us, DE], employment_types: [Full-Time, part time], "
                    "seniority: [Senior], max_age: 14d, salary_min: 150000}")
    assert flt["countries"] == ["CA", "US", "DE"]
    assert flt["employment_types"] == ["full_time", "part_time"]
    assert flt["seniority"] == ["senior"]
    assert flt["max_age"] == timedelta(days=14)


@pytest.mark.parametrize("text, expected", [
    ("{countries: [Narnia]}", "unknown country 'Narnia'"),
    ("{seniority: [wizard]}", "'notify.subscriptions[0].filter.seniority[0]': Input should be 'intern'"),
    ("{keywords_mode: some}", "'notify.subscriptions[0].filter.keywords_mode'"),
    ("{salary_min: -5}", "greater than or equal to 0"),
    ("{max_age: soon}", "not a duration"),
    ("{keyword: [x]}", "unknown key 'notify.subscriptions[0].filter.keyword'"),
])
def test_config_filter_errors_name_the_key(text: str, expected: str) -> None:
    with pytest.raises(ConfigError) as info:
        filter_of(text)
    assert expected in str(info.value)


def test_postings_subscription_option(project: Project) -> None:
    project.write_config([], channels={"chat": "json://127.0.0.1:9/hook"}, notify={"subscriptions": [
        {"name": "backend", "channels": ["chat"], "filter": {"keywords": ["backend"], "salary_min": 170000}},
        {"name": "remote", "channels": ["chat"], "filter": {"workplace": ["remote"]}},
    ]})
    store = open_store(project.root)
    add_event(store, title="Senior Software Engineer, Backend")
    add_event(store, title="Backend Engineer, Payments", salary_min=90000.0, salary_max=120000.0)
    add_event(store, title="Data Analyst", description="SQL and dashboards.", workplace="remote")
    store.close()
    titles = lambda *args: [p["title"] for p in project.json("postings", *args)]  # noqa: E731
    assert titles("--subscription", "backend") == ["Senior Software Engineer, Backend"]
    assert titles("--subscription", "remote") == ["Data Analyst"]
    assert len(titles()) == 3
    result = project.run("postings", "--subscription", "nope")
    assert result.exit_code == 2 and "no subscription named 'nope'; subscriptions: backend, remote" in result.stderr
